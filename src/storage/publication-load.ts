import type { Kysely, Transaction } from 'kysely';
import type { ExportRow, ExportSections } from '../domain/export-format.ts';
import {
  EDITED_HERE,
  type ItemOutcome,
  type MigrationReport,
  type ReportKind,
} from '../domain/migration-report.ts';
import { nameSkeleton } from '../domain/name-skeleton.ts';
import { articlePath, pagePath } from '../domain/paths.ts';
import { importedPageSlugs, numberedSlugs } from '../domain/slug.ts';
import { type AppError, Errors } from '../errors.ts';
import type { Database } from './schema.ts';

type Row = ExportRow;
type AnyDb = Kysely<Record<string, Row>>;

/** Content tables, children first: what a replacing load empties. */
const CONTENT_TABLES_CHILDREN_FIRST = [
  'article_related',
  'article_authors',
  'article_terms',
  'corrections',
  'comments',
  'revisions',
  'redirects',
  'import_sources',
  'articles',
  'pages',
  'media',
  'terms',
  'people',
  'settings',
] as const;

/**
 * What a revision saved by a staff user of the exporting instance is recorded as here. Those
 * revisions name their user by id, and the user with that id here, if any, is someone else:
 * left as it was, the id would credit them (bylines trust an editor's revisions).
 */
const IMPORTED_STAFF_ACTOR = 'import';

function isUserId(actor: unknown): boolean {
  return (typeof actor === 'string' && /^\d+$/.test(actor)) || typeof actor === 'number';
}

function failed(file: string, message: string, cause?: unknown): AppError {
  return Errors.IMPORT_FAILED({ file, reason: message }, { cause });
}

function list(value: unknown, name: string, file: string): Row[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw failed(file, `"${name}" must be a list`);
  return value as Row[];
}

/**
 * Loads an export document's sections inside the caller's transaction. Into an empty database
 * it recreates the publication exactly: the same rows, timestamps, versions, revisions,
 * corrections and comments. Into a non-empty one it updates what exists (matched by slug, URL
 * or path) and adds the rest; history is added only for new entities. An article or page is
 * updated only when it is the exported one (made at the same moment: loaded from this export
 * before, or exported from here); one written here or brought by another import is left alone,
 * and the exported item takes a free slug (`hello-2`, `about-imported`) that the report names.
 */
export async function loadPublication(
  trx: Transaction<Database>,
  sections: ExportSections,
  report: MigrationReport,
  options: { replace: boolean; origin: string },
): Promise<void> {
  const file = options.origin;
  if (options.replace) {
    for (const table of CONTENT_TABLES_CHILDREN_FIRST) await trx.deleteFrom(table).execute();
  }
  const db = trx as unknown as AnyDb;
  const tables = await trx.introspection.getTables();
  const columns = new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  const unknownColumns = new Set<string>();
  const clean = (table: string, row: Row, ...drop: string[]): Row => {
    const known = columns.get(table) ?? new Set<string>();
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) {
      if (drop.includes(key) || key === 'id') continue;
      if (!known.has(key)) {
        unknownColumns.add(`${table}.${key}`);
        continue;
      }
      out[key] = value;
    }
    return out;
  };
  /** Counts one row (or comment, or correction) of the file and lists it as a source item. */
  const done = (
    kind: ReportKind,
    item: { noun: string; ref: string; title?: unknown },
    outcome: ItemOutcome,
    reason?: string,
  ) => {
    report.counts[kind][outcome] += 1;
    report.items.push({
      kind: item.noun,
      id: item.ref,
      title: typeof item.title === 'string' ? item.title.slice(0, 120) : '',
      outcome,
      ...(reason ? { reason } : {}),
    });
  };
  /** The ids an article's authors or terms name, in their order. */
  const relatedIds = async (table: 'article_authors' | 'article_terms', column: string, articleId: number) =>
    (
      (await db
        .selectFrom(table)
        .select(column)
        .where('article_id', '=', articleId as never)
        .orderBy('position')
        .execute()) as Row[]
    ).map((r) => Number(r[column]));
  const findRow = async (table: string, id: number): Promise<Row> =>
    (await db
      .selectFrom(table)
      .selectAll()
      .where('id', '=', id as never)
      .executeTakeFirstOrThrow()) as Row;
  /** Whether a stored row already holds every value of `row` (a re-run of the same export). */
  const holds = (stored: Row, row: Row, ...ignore: string[]) =>
    Object.entries(row).every(([key, value]) => ignore.includes(key) || same(stored[key], value));
  /** The revisions an entity has here, newest first, as version, time, actor and note. */
  const latestRevision = async (entityType: string, id: number) =>
    (await db
      .selectFrom('revisions')
      .select(['version', 'created_at', 'actor', 'note'])
      .where('entity_type', '=', entityType as never)
      .where('entity_id', '=', id as never)
      .orderBy('version', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst()) as Row | undefined;
  /**
   * Whether an entity found here is as an export left it: its latest revision is one the
   * exported history has (this export, or an earlier one of the same site). One saved here since
   * is left as it was.
   */
  const isAsExported = async (entityType: string, id: number, exported: Row[]) => {
    const latest = await latestRevision(entityType, id);
    return !latest || exported.some((r) => isSameRevision(latest, r));
  };
  /** Adds the exported revisions newer than the entity's latest one here, so its history follows it. */
  const addNewerRevisions = async (
    entityType: string,
    entityId: number,
    revisions: Row[],
    snapshotOf: (s: Row) => Row,
  ) => {
    const latest = await latestRevision(entityType, entityId);
    const newer = revisions.filter((r) => !latest || Number(r.version) > Number(latest.version));
    await addRevisions(entityType, entityId, newer, snapshotOf);
  };
  const insert = async (table: string, row: Row): Promise<number> => {
    const result = (await db.insertInto(table).values(row).returning('id').executeTakeFirstOrThrow()) as Row;
    return Number(result.id);
  };
  const findId = async (table: string, where: Row): Promise<number | undefined> => {
    let query = db.selectFrom(table).select('id');
    for (const [key, value] of Object.entries(where)) query = query.where(key, '=', value as never);
    const row = (await query.executeTakeFirst()) as Row | undefined;
    return row ? Number(row.id) : undefined;
  };
  const addRevisions = async (
    entityType: string,
    entityId: number,
    revisions: Row[],
    snapshotOf: (s: Row) => Row,
  ) => {
    for (const r of revisions) {
      await insert('revisions', {
        ...clean('revisions', r, 'snapshot', 'entity_type', 'entity_id'),
        ...(isUserId(r.actor) ? { actor: IMPORTED_STAFF_ACTOR } : {}),
        entity_type: entityType,
        entity_id: entityId,
        snapshot: JSON.stringify(snapshotOf((r.snapshot ?? {}) as Row)),
      });
    }
  };

  for (const s of sections.settings) {
    const row = clean('settings', s);
    const stored = (await db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', s.key as never)
      .executeTakeFirst()) as Row | undefined;
    const item = { noun: 'setting', ref: String(s.key) };
    if (stored && holds(stored, row)) {
      done('item', item, 'unchanged');
      continue;
    }
    await db
      .deleteFrom('settings')
      .where('key', '=', s.key as never)
      .execute();
    await db.insertInto('settings').values(row).execute();
    done('item', item, stored ? 'updated' : 'imported');
  }
  const settingsHistory = await db
    .selectFrom('revisions')
    .select('id')
    .where('entity_type', '=', 'settings' as never)
    .executeTakeFirst();
  if (!settingsHistory) await addRevisions('settings', 0, sections.settingsRevisions, (s) => s);

  const taxonomyIds = new Map<string, number>();
  for (const t of sections.taxonomies) {
    const slug = String(t.slug);
    const existing = await findId('taxonomies', { slug });
    const row = clean('taxonomies', t);
    const item = { noun: 'taxonomy', ref: slug, title: t.name };
    if (existing === undefined) {
      taxonomyIds.set(slug, await insert('taxonomies', row));
      done('item', item, 'imported');
    } else if (holds(await findRow('taxonomies', existing), row)) {
      taxonomyIds.set(slug, existing);
      done('item', item, 'unchanged');
    } else {
      await db
        .updateTable('taxonomies')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
      taxonomyIds.set(slug, existing);
      done('item', item, 'updated');
    }
  }
  const termIds = new Map<string, number>();
  const newTerms: [number, Row][] = [];
  const updatedTerms: [number, Row][] = [];
  const editedTerms = new Set<number>();
  for (const t of sections.terms) {
    const taxonomyId =
      taxonomyIds.get(String(t.taxonomy)) ?? (await findId('taxonomies', { slug: t.taxonomy }));
    const key = `${String(t.taxonomy)}/${String(t.slug)}`;
    const item = { noun: 'term', ref: key, title: t.name };
    if (taxonomyId === undefined) {
      const reason = 'its taxonomy is not in the export';
      report.skipped.push({ kind: 'term', ref: key, reason });
      done('term', item, 'skipped', reason);
      continue;
    }
    const row = {
      ...clean('terms', t, 'taxonomy', 'parent', 'revisions'),
      taxonomy_id: taxonomyId,
    };
    const existing = await findId('terms', { taxonomy_id: taxonomyId, slug: t.slug });
    const revisions = list(t.revisions, 'revisions', file);
    if (existing === undefined) {
      const id = await insert('terms', { ...row, parent_id: null });
      newTerms.push([id, t]);
      termIds.set(key, id);
      done('term', item, 'imported');
      continue;
    }
    termIds.set(key, existing);
    const stored = await findRow('terms', existing);
    if (holds(stored, row)) done('term', item, 'unchanged');
    else if (!(await isAsExported('term', existing, revisions))) {
      editedTerms.add(existing);
      done('term', item, 'skipped', EDITED_HERE);
    } else {
      await db
        .updateTable('terms')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
      updatedTerms.push([existing, t]);
      done('term', item, 'updated');
    }
  }
  for (const t of sections.terms) {
    const id = termIds.get(`${String(t.taxonomy)}/${String(t.slug)}`);
    const parentId = t.parent ? termIds.get(`${String(t.taxonomy)}/${String(t.parent)}`) : undefined;
    if (id === undefined || parentId === undefined || editedTerms.has(id)) continue;
    const stored = await findRow('terms', id);
    if (Number(stored.parent_id) !== parentId)
      await db
        .updateTable('terms')
        .set({ parent_id: parentId })
        .where('id', '=', id as never)
        .execute();
  }
  const termSnapshot = (snapshot: Row): Row => {
    const { taxonomy, parent, ...rest } = snapshot;
    return {
      ...rest,
      taxonomyId: taxonomyIds.get(String(taxonomy)) ?? null,
      parentId: parent == null ? null : (termIds.get(`${String(taxonomy)}/${String(parent)}`) ?? null),
    };
  };
  for (const [id, t] of newTerms)
    await addRevisions('term', id, list(t.revisions, 'revisions', file), termSnapshot);
  for (const [id, t] of updatedTerms)
    await addNewerRevisions('term', id, list(t.revisions, 'revisions', file), termSnapshot);
  const personIds = new Map<string, number>();
  for (const p of sections.people) {
    const slug = String(p.slug);
    const existing = await findId('people', { slug });
    // The skeleton is the name's, whatever the file says (an export made here leaves it out).
    const row = {
      ...clean('people', p, 'revisions', 'name_skeleton'),
      name_skeleton: nameSkeleton(String(p.name ?? '')),
    };
    const revisions = list(p.revisions, 'revisions', file);
    const item = { noun: 'person', ref: slug, title: p.name };
    if (existing === undefined) {
      const id = await insert('people', row);
      await addRevisions('person', id, revisions, (snapshot) => snapshot);
      personIds.set(slug, id);
      done('person', item, 'imported');
      continue;
    }
    personIds.set(slug, existing);
    if (holds(await findRow('people', existing), row)) done('person', item, 'unchanged');
    else if (!(await isAsExported('person', existing, revisions)))
      done('person', item, 'skipped', EDITED_HERE);
    else {
      await db
        .updateTable('people')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
      await addNewerRevisions('person', existing, revisions, (snapshot) => snapshot);
      done('person', item, 'updated');
    }
  }
  const localSnapshot = (s: Row): Row => {
    const copy = { ...s };
    if (Array.isArray(copy.authors)) {
      copy.authorIds = (copy.authors as string[]).flatMap((slug) => personIds.get(slug) ?? []);
      delete copy.authors;
    }
    if (Array.isArray(copy.terms)) {
      copy.termIds = (copy.terms as string[]).flatMap((key) => termIds.get(key) ?? []);
      delete copy.terms;
    }
    return copy;
  };

  /**
   * Where an exported article or page goes: the first of `slugs` that is free or holds the same
   * item (made at the same moment), and that item's id.
   */
  const place = async (table: 'articles' | 'pages', wanted: string, createdAt: unknown) => {
    const slugs = table === 'articles' ? numberedSlugs(wanted) : importedPageSlugs(wanted);
    for (const slug of slugs) {
      const holder = (await db
        .selectFrom(table)
        .select(['id', 'created_at'])
        .where('slug', '=', slug as never)
        .executeTakeFirst()) as Row | undefined;
      if (!holder) return { slug, existing: undefined };
      if (Date.parse(String(holder.created_at)) === Date.parse(String(createdAt)))
        return { slug, existing: Number(holder.id) };
    }
    throw failed(file, `no free slug for the ${table === 'pages' ? 'page' : 'article'} ${wanted}`);
  };
  /** Paths the export's redirects lead to, and where those items went here. */
  const movedPaths = new Map<string, string>();

  const articleIds = new Map<string, number>();
  for (const a of sections.articles) {
    const slug = String(a.slug);
    const row = clean('articles', a, 'authors', 'terms', 'corrections', 'comments', 'revisions');
    // Staff logins are not exported, so a creator's id names a user of the exporting instance:
    // the user with that id here (if any) is someone else. It is forgotten, not misattributed.
    if ('created_by' in row) row.created_by = null;
    const { slug: placed, existing } = await place('articles', slug, a.created_at);
    if (placed !== slug) {
      row.slug = placed;
      movedPaths.set(articlePath(slug), articlePath(placed));
      if (existing === undefined)
        report.warnings.push(
          `${articlePath(slug)} is another article (written here or by another import), left as it was: the exported one was imported as ${articlePath(placed)}`,
        );
    }
    const item = {
      noun: 'article',
      ref: String(typeof a.deleted_at === 'string' ? a.deleted_slug : slug),
      title: a.title,
    };
    const authorIds: number[] = [];
    for (const personSlug of list(a.authors, `articles[${slug}].authors`, file) as unknown as string[]) {
      const personId = personIds.get(personSlug) ?? (await findId('people', { slug: personSlug }));
      if (personId !== undefined) authorIds.push(personId);
      else
        report.warnings.push(
          `article ${slug}: author "${personSlug}" is neither in the export nor here; left off its byline`,
        );
    }
    const articleTermIds: number[] = [];
    for (const key of list(a.terms, `articles[${slug}].terms`, file) as unknown as string[]) {
      const termId = termIds.get(key);
      if (termId !== undefined) articleTermIds.push(termId);
      else
        report.warnings.push(
          `article ${slug}: term "${key}" is not in the export (or was left out of it); left off the article`,
        );
    }
    const revisions = list(a.revisions, 'revisions', file);
    let id: number;
    let outcome: ItemOutcome;
    if (existing === undefined) {
      id = await insert('articles', row);
      outcome = 'imported';
    } else {
      id = existing;
      const isSame =
        holds(await findRow('articles', existing), row, 'created_by') &&
        sameList(await relatedIds('article_authors', 'person_id', existing), authorIds) &&
        sameList(await relatedIds('article_terms', 'term_id', existing), articleTermIds);
      if (isSame) outcome = 'unchanged';
      else if (!(await isAsExported('article', existing, revisions))) outcome = 'skipped';
      else {
        // The creator here stays: the export's is forgotten (above), not a reason to forget ours.
        const { created_by: _creator, ...update } = row;
        await db
          .updateTable('articles')
          .set(update)
          .where('id', '=', existing as never)
          .execute();
        outcome = 'updated';
      }
    }
    articleIds.set(slug, id);
    done('article', item, outcome, outcome === 'skipped' ? EDITED_HERE : undefined);
    if (outcome === 'imported' || outcome === 'updated') {
      await db
        .deleteFrom('article_authors')
        .where('article_id', '=', id as never)
        .execute();
      for (const [position, personId] of authorIds.entries())
        await db
          .insertInto('article_authors')
          .values({ article_id: id, person_id: personId, position })
          .execute();
      await db
        .deleteFrom('article_terms')
        .where('article_id', '=', id as never)
        .execute();
      for (const [position, termId] of articleTermIds.entries())
        await db.insertInto('article_terms').values({ article_id: id, term_id: termId, position }).execute();
    }
    if (outcome === 'imported') await addRevisions('article', id, revisions, localSnapshot);
    if (outcome === 'updated') await addNewerRevisions('article', id, revisions, localSnapshot);
    const ref = item.ref;
    // What an article carries (corrections, comments) comes with it, new or found here; an
    // article left as it was (edited here) is left whole.
    const isKept = outcome === 'skipped';
    const correctionsHere =
      existing === undefined
        ? []
        : ((await db
            .selectFrom('corrections')
            .selectAll()
            .where('article_id', '=', id as never)
            .execute()) as Row[]);
    for (const c of list(a.corrections, 'corrections', file)) {
      const correction = { noun: 'correction', ref: `${ref}#${String(c.created_at ?? '')}` };
      // The same correction is the one made at the same moment; it may have been edited or
      // withdrawn since, on either side.
      const here = correctionsHere.find((h) => same(h.created_at, c.created_at));
      const fields = clean('corrections', c, 'article_id');
      if (here && CORRECTION_STATE.every((key) => same(here[key], fields[key])))
        done('item', correction, 'unchanged');
      else if (isKept) done('item', correction, 'skipped', `its article was ${EDITED_HERE}`);
      else if (here) {
        const change = Object.fromEntries(CORRECTION_STATE.map((key) => [key, fields[key] ?? null]));
        await db
          .updateTable('corrections')
          .set(change)
          .where('id', '=', here.id as never)
          .execute();
        done('item', correction, 'updated');
      } else {
        await insert('corrections', { ...fields, article_id: id });
        done('item', correction, 'imported');
      }
    }
    const commentsHere =
      existing === undefined
        ? []
        : ((await db
            .selectFrom('comments')
            .selectAll()
            .where('article_id', '=', id as never)
            .execute()) as Row[]);
    const commentIds: (number | undefined)[] = [];
    const insertedComments = new Set<number>();
    const comments = list(a.comments, 'comments', file);
    for (const [index, c] of comments.entries()) {
      const comment = { noun: 'comment', ref: `${ref}#${index}`, title: c.author_name };
      // A comment read back is the one made at the same moment by the same name with the same text.
      // A member's comment left as its HTML (see publication-dump.ts), so it is matched by that.
      const found = commentsHere.find(
        (here) =>
          same(here.created_at, c.created_at) &&
          same(here.author_name, c.author_name) &&
          (same(here.body, c.body) || (here.body_html != null && same(here.body_html, c.body))),
      );
      if (found) {
        commentIds.push(Number(found.id));
        done('comment', comment, 'unchanged');
      } else if (isKept) {
        commentIds.push(undefined);
        done('comment', comment, 'skipped', `its article was ${EDITED_HERE}`);
      } else {
        const commentId = await insert('comments', {
          // Only what an export writes: a file names no member, and HTML is made here, never taken.
          ...clean(
            'comments',
            c,
            'parent',
            'article_id',
            'member_id',
            'body_html',
            'sender_key',
            'notify_replies',
            'held_notice_at',
          ),
          article_id: id,
        });
        commentIds.push(commentId);
        insertedComments.add(commentId);
        done('comment', comment, 'imported');
      }
    }
    for (const [index, c] of comments.entries()) {
      const commentId = commentIds[index];
      const parentId = typeof c.parent === 'number' ? commentIds[c.parent] : undefined;
      if (commentId !== undefined && insertedComments.has(commentId) && parentId !== undefined)
        await db
          .updateTable('comments')
          .set({ parent_id: parentId })
          .where('id', '=', commentId as never)
          .execute();
    }
  }
  const pageIds = new Map<string, number>();
  for (const p of sections.pages) {
    const slug = String(p.slug);
    const row = clean('pages', p, 'revisions');
    const { slug: placed, existing } = await place('pages', slug, p.created_at);
    if (placed !== slug) {
      row.slug = placed;
      movedPaths.set(pagePath(slug), pagePath(placed));
      if (existing === undefined)
        report.warnings.push(
          `page ${pagePath(slug)} already exists and did not come from this export, so it was left as it was: the exported one was imported as ${pagePath(placed)}`,
        );
    }
    const revisions = list(p.revisions, 'revisions', file);
    const item = { noun: 'page', ref: slug, title: p.title };
    if (existing === undefined) {
      const id = await insert('pages', row);
      await addRevisions('page', id, revisions, (s) => s);
      pageIds.set(slug, id);
      done('page', item, 'imported');
      continue;
    }
    pageIds.set(slug, existing);
    if (holds(await findRow('pages', existing), row)) done('page', item, 'unchanged');
    else if (!(await isAsExported('page', existing, revisions))) done('page', item, 'skipped', EDITED_HERE);
    else {
      await db
        .updateTable('pages')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
      await addNewerRevisions('page', existing, revisions, (s) => s);
      done('page', item, 'updated');
    }
  }
  const mediaIds = new Map<string, number>();
  for (const m of sections.media) {
    const existing = await findId('media', { url: m.url });
    mediaIds.set(String(m.url), existing ?? (await insert('media', clean('media', m, 'uploaded_by'))));
    // A media row found by its URL is left as it is.
    done(
      'media',
      { noun: 'media', ref: String(m.url), title: m.title },
      existing === undefined ? 'imported' : 'unchanged',
    );
  }
  for (const r of sections.redirects) {
    const existing = await findId('redirects', { from_path: r.from_path });
    const row = clean('redirects', r);
    // A redirect to an item that was imported under another slug leads to it, not to the item here.
    const moved = typeof r.to_path === 'string' ? movedPaths.get(r.to_path) : undefined;
    if (moved !== undefined) row.to_path = moved;
    const item = { noun: 'redirect', ref: String(r.from_path) };
    if (existing !== undefined) {
      const stored = await findRow('redirects', existing);
      if (same(stored.to_path, row.to_path) && same(stored.status_code, row.status_code ?? 301)) {
        done('redirect', item, 'unchanged');
        continue;
      }
      await db
        .deleteFrom('redirects')
        .where('id', '=', existing as never)
        .execute();
    }
    await insert('redirects', row);
    done('redirect', item, existing === undefined ? 'imported' : 'updated');
  }
  for (const s of sections.importSources) {
    const key = String(s.entity ?? '');
    const type = String(s.entity_type);
    const entityId =
      type === 'article'
        ? articleIds.get(key)
        : type === 'page'
          ? pageIds.get(key)
          : type === 'person'
            ? personIds.get(key)
            : type === 'term'
              ? termIds.get(key)
              : type === 'media'
                ? mediaIds.get(key)
                : undefined;
    const item = { noun: 'import source', ref: `${String(s.source)} ${String(s.source_id)}` };
    if (entityId === undefined) {
      done('item', item, 'skipped', `its ${type} (${key || 'none named'}) is not in the export`);
      continue;
    }
    const stored = (await db
      .selectFrom('import_sources')
      .selectAll()
      .where('source', '=', s.source as never)
      .where('entity_type', '=', type as never)
      .where('source_id', '=', s.source_id as never)
      .executeTakeFirst()) as Row | undefined;
    if (stored && Number(stored.entity_id) === entityId) {
      done('item', item, 'unchanged');
      continue;
    }
    if (stored)
      await db
        .deleteFrom('import_sources')
        .where('id', '=', stored.id as never)
        .execute();
    await insert('import_sources', { ...clean('import_sources', s, 'entity'), entity_id: entityId });
    done('item', item, stored ? 'updated' : 'imported');
  }
  for (const column of unknownColumns)
    report.warnings.push(
      `column ${column} is not in this database (the export comes from a newer Pressroom); ignored`,
    );
}

/** Whether a stored value and a value of the file are the same (flags may be written as true/false). */
/** What an import compares and carries over of a correction found on both sides. */
const CORRECTION_STATE = ['kind', 'note', 'updated_at', 'withdrawn_at', 'withdrawn_reason'] as const;

function same(stored: unknown, value: unknown): boolean {
  const normal = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v === undefined ? null : v);
  return normal(stored) === normal(value);
}

function sameList(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether a revision here is one the export carries (staff users' ids are recorded as `import`). */
function isSameRevision(here: Row, exported: Row): boolean {
  const actor = (value: unknown) => (isUserId(value) ? IMPORTED_STAFF_ACTOR : String(value));
  return (
    Number(here.version) === Number(exported.version) &&
    actor(here.actor) === actor(exported.actor) &&
    (here.note ?? null) === (exported.note ?? null) &&
    Date.parse(String(here.created_at)) === Date.parse(String(exported.created_at))
  );
}
