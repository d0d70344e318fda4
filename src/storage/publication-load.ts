import type { Kysely, Transaction } from 'kysely';
import type { ExportRow, ExportSections } from '../domain/export-format.ts';
import type { MigrationReport, ReportKind } from '../domain/migration-report.ts';
import { articlePath, pagePath } from '../domain/paths.ts';
import { importedArticleSlugs, importedPageSlugs } from '../domain/slug.ts';
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
  const count = (kind: ReportKind, isNew: boolean) => {
    report.counts[kind][isNew ? 'imported' : 'updated'] += 1;
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
    await db
      .deleteFrom('settings')
      .where('key', '=', s.key as never)
      .execute();
    await db.insertInto('settings').values(clean('settings', s)).execute();
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
    if (existing === undefined) taxonomyIds.set(slug, await insert('taxonomies', clean('taxonomies', t)));
    else {
      await db
        .updateTable('taxonomies')
        .set(clean('taxonomies', t))
        .where('id', '=', existing as never)
        .execute();
      taxonomyIds.set(slug, existing);
    }
  }
  const termIds = new Map<string, number>();
  const newTerms: [number, Row][] = [];
  for (const t of sections.terms) {
    const taxonomyId =
      taxonomyIds.get(String(t.taxonomy)) ?? (await findId('taxonomies', { slug: t.taxonomy }));
    if (taxonomyId === undefined) {
      report.counts.term.skipped += 1;
      report.skipped.push({
        kind: 'term',
        ref: `${String(t.taxonomy)}/${String(t.slug)}`,
        reason: 'its taxonomy is not in the export',
      });
      continue;
    }
    const row = {
      ...clean('terms', t, 'taxonomy', 'parent', 'revisions'),
      taxonomy_id: taxonomyId,
      parent_id: null,
    };
    const existing = await findId('terms', { taxonomy_id: taxonomyId, slug: t.slug });
    const id = existing ?? (await insert('terms', row));
    if (existing !== undefined)
      await db
        .updateTable('terms')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
    count('term', existing === undefined);
    if (existing === undefined) newTerms.push([id, t]);
    termIds.set(`${String(t.taxonomy)}/${String(t.slug)}`, id);
  }
  for (const t of sections.terms) {
    if (!t.parent) continue;
    const id = termIds.get(`${String(t.taxonomy)}/${String(t.slug)}`);
    const parentId = termIds.get(`${String(t.taxonomy)}/${String(t.parent)}`);
    if (id !== undefined && parentId !== undefined)
      await db
        .updateTable('terms')
        .set({ parent_id: parentId })
        .where('id', '=', id as never)
        .execute();
  }
  for (const [id, t] of newTerms) {
    await addRevisions('term', id, list(t.revisions, 'revisions', file), (snapshot) => {
      const { taxonomy, parent, ...rest } = snapshot;
      return {
        ...rest,
        taxonomyId: taxonomyIds.get(String(taxonomy)) ?? null,
        parentId: parent == null ? null : (termIds.get(`${String(taxonomy)}/${String(parent)}`) ?? null),
      };
    });
  }
  const personIds = new Map<string, number>();
  for (const p of sections.people) {
    const slug = String(p.slug);
    const existing = await findId('people', { slug });
    const row = clean('people', p, 'revisions');
    if (existing !== undefined)
      await db
        .updateTable('people')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
    const id = existing ?? (await insert('people', row));
    if (existing === undefined)
      await addRevisions('person', id, list(p.revisions, 'revisions', file), (snapshot) => snapshot);
    personIds.set(slug, id);
    count('person', existing === undefined);
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
    const slugs = table === 'articles' ? importedArticleSlugs(wanted) : importedPageSlugs(wanted);
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
    const id = existing ?? (await insert('articles', row));
    if (existing !== undefined)
      await db
        .updateTable('articles')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
    articleIds.set(slug, id);
    count('article', existing === undefined);
    await db
      .deleteFrom('article_authors')
      .where('article_id', '=', id as never)
      .execute();
    const authors = list(a.authors, `articles[${slug}].authors`, file) as unknown as string[];
    let position = 0;
    for (const personSlug of authors) {
      const personId = personIds.get(personSlug) ?? (await findId('people', { slug: personSlug }));
      if (personId !== undefined)
        await db
          .insertInto('article_authors')
          .values({ article_id: id, person_id: personId, position: position++ })
          .execute();
      else
        report.warnings.push(
          `article ${slug}: author "${personSlug}" is neither in the export nor here; left off its byline`,
        );
    }
    await db
      .deleteFrom('article_terms')
      .where('article_id', '=', id as never)
      .execute();
    position = 0;
    for (const key of list(a.terms, `articles[${slug}].terms`, file) as unknown as string[]) {
      const termId = termIds.get(key);
      if (termId !== undefined)
        await db
          .insertInto('article_terms')
          .values({ article_id: id, term_id: termId, position: position++ })
          .execute();
      else
        report.warnings.push(
          `article ${slug}: term "${key}" is not in the export (or was left out of it); left off the article`,
        );
    }
    if (existing !== undefined) continue;
    await addRevisions('article', id, list(a.revisions, 'revisions', file), localSnapshot);
    for (const c of list(a.corrections, 'corrections', file))
      await insert('corrections', { ...clean('corrections', c, 'article_id'), article_id: id });
    const commentIds: number[] = [];
    const comments = list(a.comments, 'comments', file);
    for (const c of comments) {
      commentIds.push(
        await insert('comments', { ...clean('comments', c, 'parent', 'article_id'), article_id: id }),
      );
      count('comment', true);
    }
    for (const [index, c] of comments.entries()) {
      const parentId = typeof c.parent === 'number' ? commentIds[c.parent] : undefined;
      if (parentId !== undefined)
        await db
          .updateTable('comments')
          .set({ parent_id: parentId })
          .where('id', '=', commentIds[index] as never)
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
    const id = existing ?? (await insert('pages', row));
    if (existing !== undefined)
      await db
        .updateTable('pages')
        .set(row)
        .where('id', '=', existing as never)
        .execute();
    else await addRevisions('page', id, list(p.revisions, 'revisions', file), (s) => s);
    pageIds.set(slug, id);
    count('page', existing === undefined);
  }
  const mediaIds = new Map<string, number>();
  for (const m of sections.media) {
    const existing = await findId('media', { url: m.url });
    mediaIds.set(String(m.url), existing ?? (await insert('media', clean('media', m))));
    count('media', existing === undefined);
  }
  for (const r of sections.redirects) {
    const existing = await findId('redirects', { from_path: r.from_path });
    if (existing !== undefined)
      await db
        .deleteFrom('redirects')
        .where('id', '=', existing as never)
        .execute();
    const row = clean('redirects', r);
    // A redirect to an item that was imported under another slug leads to it, not to the item here.
    const moved = typeof r.to_path === 'string' ? movedPaths.get(r.to_path) : undefined;
    if (moved !== undefined) row.to_path = moved;
    await insert('redirects', row);
    count('redirect', existing === undefined);
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
    if (entityId === undefined) continue;
    await db
      .deleteFrom('import_sources')
      .where('source', '=', s.source as never)
      .where('entity_type', '=', type as never)
      .where('source_id', '=', s.source_id as never)
      .execute();
    await insert('import_sources', { ...clean('import_sources', s, 'entity'), entity_id: entityId });
  }
  for (const column of unknownColumns)
    report.warnings.push(
      `column ${column} is not in this database (the export comes from a newer Pressroom); ignored`,
    );
}
