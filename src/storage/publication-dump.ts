import type { Kysely } from 'kysely';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportSink } from '../domain/export-format.ts';
import type { Database } from './schema.ts';

type Row = Record<string, unknown>;
// Exports copy whole rows, including columns later features add, so they query tables untyped.
type AnyDb = Kysely<Record<string, Row>>;

const BATCH = 500;

function omit(row: Row, ...keys: string[]): Row {
  const copy = { ...row };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Reads a table a batch at a time, by id. */
async function eachBatch(db: AnyDb, table: string, onBatch: (rows: Row[]) => Promise<void>): Promise<void> {
  for (let lastId = 0; ; ) {
    const rows = (await db
      .selectFrom(table)
      .selectAll()
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(BATCH)
      .execute()) as Row[];
    if (rows.length === 0) return;
    lastId = rows.at(-1)?.id as number;
    await onBatch(rows);
  }
}

/** A media row as the export carries it: every column (later ones too) but the id. */
// Who uploaded an image is a staff user of this instance, and staff are not exported.
const exportedMediaRow = (row: Row): Row => omit(row, 'id', 'uploaded_by');

/**
 * The media index as the export document's `media` section holds it, a batch at a time; the
 * Markdown export writes the same rows to media.yaml.
 */
export async function dumpMediaRows(
  database: Kysely<Database>,
  onBatch: (rows: Row[]) => Promise<void>,
): Promise<void> {
  await eachBatch(database as unknown as AnyDb, 'media', async (rows) => onBatch(rows.map(exportedMediaRow)));
}

/** Translates the ids inside an article snapshot to slugs, so a revision means the same anywhere. */
function portableSnapshot(snapshot: Row, personSlug: Map<number, string>, termKey: Map<number, string>): Row {
  const copy = { ...snapshot };
  if (Array.isArray(copy.authorIds)) {
    copy.authors = (copy.authorIds as number[]).map((id) => personSlug.get(id) ?? null);
    delete copy.authorIds;
  }
  if (Array.isArray(copy.termIds)) {
    copy.terms = (copy.termIds as number[]).map((id) => termKey.get(id) ?? null);
    delete copy.termIds;
  }
  return copy;
}

/** The slugs the export names entities by, instead of their ids here. */
interface NaturalKeys {
  taxonomySlug: Map<number, string>;
  /** A term's `taxonomy/slug`. */
  termKey: Map<number, string>;
  termSlug: Map<number, string>;
  personSlug: Map<number, string>;
}

async function naturalKeys(db: AnyDb): Promise<NaturalKeys> {
  const taxonomies = (await db.selectFrom('taxonomies').select(['id', 'slug']).execute()) as Row[];
  const taxonomySlug = new Map(taxonomies.map((t) => [t.id as number, t.slug as string]));
  const terms = (await db.selectFrom('terms').select(['id', 'slug', 'taxonomy_id']).execute()) as Row[];
  const people = (await db.selectFrom('people').select(['id', 'slug']).execute()) as Row[];
  return {
    taxonomySlug,
    termKey: new Map(
      terms.map((t) => [t.id as number, `${taxonomySlug.get(t.taxonomy_id as number)}/${t.slug}`]),
    ),
    termSlug: new Map(terms.map((t) => [t.id as number, t.slug as string])),
    personSlug: new Map(people.map((p) => [p.id as number, p.slug as string])),
  };
}

/**
 * A revision's snapshot as the export holds it: an article's authors and terms, and a term's
 * taxonomy and parent, by slug.
 */
function portableRevisionSnapshot(entityType: string, snapshot: Row, keys: NaturalKeys): Row {
  if (entityType === 'article') return portableSnapshot(snapshot, keys.personSlug, keys.termKey);
  if (entityType !== 'term') return snapshot;
  const { taxonomyId, parentId, ...rest } = snapshot;
  return {
    ...rest,
    taxonomy: keys.taxonomySlug.get(taxonomyId as number) ?? null,
    parent: parentId == null ? null : (keys.termSlug.get(parentId as number) ?? null),
  };
}

/** Revisions by entity id, oldest first, as the export holds them: of the given ids, or (none given) of every entity of the type. */
async function portableRevisions(
  db: AnyDb,
  keys: NaturalKeys,
  entityType: string,
  ids?: number[],
): Promise<Map<number, Row[]>> {
  const map = new Map<number, Row[]>();
  if (ids?.length === 0) return map;
  let query = db.selectFrom('revisions').selectAll().where('entity_type', '=', entityType);
  if (ids) query = query.where('entity_id', 'in', ids);
  const rows = (await query.orderBy('id').execute()) as Row[];
  for (const r of rows) {
    const snapshot = JSON.parse(r.snapshot as string) as Row;
    const entry = {
      ...omit(r, 'id', 'entity_type', 'entity_id', 'snapshot'),
      snapshot: portableRevisionSnapshot(entityType, snapshot, keys),
    };
    map.set(r.entity_id as number, [...(map.get(r.entity_id as number) ?? []), entry]);
  }
  return map;
}

/**
 * The revisions of some entities, as the export document holds them (see portableRevisions); the
 * Markdown export writes them beside each article, page, person and term.
 */
export async function dumpRevisions(
  database: Kysely<Database>,
  entityType: 'article' | 'page' | 'person' | 'term' | 'settings',
  ids?: number[],
): Promise<Map<number, Row[]>> {
  const db = database as unknown as AnyDb;
  return portableRevisions(db, await naturalKeys(db), entityType, ids);
}

/** The corrections of some articles, oldest first, by article id: rows as the export's `corrections`. */
export async function dumpCorrectionRows(
  database: Kysely<Database>,
  articleIds: number[],
): Promise<Map<number, Row[]>> {
  const map = new Map<number, Row[]>();
  if (articleIds.length === 0) return map;
  const db = database as unknown as AnyDb;
  const rows = (await db
    .selectFrom('corrections')
    .selectAll()
    .where('article_id', 'in', articleIds)
    .orderBy('id')
    .execute()) as Row[];
  for (const r of rows)
    map.set(r.article_id as number, [
      ...(map.get(r.article_id as number) ?? []),
      omit(r, 'id', 'article_id'),
    ]);
  return map;
}

/**
 * What each entity of an import mapping is called in an export (slug, `taxonomy/slug`, URL),
 * for one batch of mappings.
 */
async function mappedEntityKeys(
  db: AnyDb,
  keys: NaturalKeys,
  rows: Row[],
): Promise<(type: string, id: number) => string | null> {
  const idsOf = (type: string) => [
    ...new Set(rows.filter((r) => r.entity_type === type).map((r) => r.entity_id as number)),
  ];
  const lookUp = async (table: 'articles' | 'media' | 'pages', column: 'slug' | 'url', ids: number[]) =>
    ids.length === 0
      ? new Map<number, string>()
      : new Map(
          ((await db.selectFrom(table).select(['id', column]).where('id', 'in', ids).execute()) as Row[]).map(
            (r) => [r.id as number, r[column] as string],
          ),
        );
  const articleSlugs = await lookUp('articles', 'slug', idsOf('article'));
  const pageSlugs = await lookUp('pages', 'slug', idsOf('page'));
  const mediaUrls = await lookUp('media', 'url', idsOf('media'));
  return (type, id) => {
    if (type === 'article') return articleSlugs.get(id) ?? null;
    if (type === 'page') return pageSlugs.get(id) ?? null;
    if (type === 'person') return keys.personSlug.get(id) ?? null;
    if (type === 'term') return keys.termKey.get(id) ?? null;
    if (type === 'media') return mediaUrls.get(id) ?? null;
    return null;
  };
}

/** The rows of one batch of import mappings as the export's `importSources` holds them. */
async function portableImportSources(db: AnyDb, keys: NaturalKeys, rows: Row[]): Promise<Row[]> {
  // Comments carry their origin themselves (`source_id`); deleted articles are not exported.
  const kept = rows.filter((s) => s.entity_type !== 'comment');
  const naturalKey = await mappedEntityKeys(db, keys, kept);
  return kept.flatMap((s) => {
    const entity = naturalKey(s.entity_type as string, s.entity_id as number);
    return entity === null ? [] : [{ ...omit(s, 'id', 'entity_id'), entity }];
  });
}

/**
 * The import mappings as the export document's `importSources` section holds them, a batch at a
 * time; the Markdown export writes the same rows to import-sources.yaml.
 */
export async function dumpImportSourceRows(
  database: Kysely<Database>,
  onBatch: (rows: Row[]) => Promise<void>,
): Promise<void> {
  const db = database as unknown as AnyDb;
  const keys = await naturalKeys(db);
  await eachBatch(db, 'import_sources', async (rows) => {
    const out = await portableImportSources(db, keys, rows);
    if (out.length > 0) await onBatch(out);
  });
}

/**
 * Writes the whole publication as one JSON document (docs/export-format.md): settings,
 * taxonomies and terms, people, articles with authors, terms, revisions, corrections and comments,
 * pages with revisions, the media index, redirects and import mappings. Ids are replaced by slugs
 * so the file can be imported into any instance. Staff logins are not exported (they hold
 * credentials); create them again with `pressroom user create`.
 */
export async function dumpPublication(
  database: Kysely<Database>,
  sink: ExportSink,
  options: { now: Date; siteUrl: string },
): Promise<{ articles: number; pages: number }> {
  const db = database as unknown as AnyDb;
  const all = async (table: string, order = 'id') =>
    (await db.selectFrom(table).selectAll().orderBy(order).execute()) as Row[];

  const taxonomies = await all('taxonomies');
  const taxonomySlug = new Map(taxonomies.map((t) => [t.id as number, t.slug as string]));
  const terms = await all('terms');
  const termKey = new Map(
    terms.map((t) => [t.id as number, `${taxonomySlug.get(t.taxonomy_id as number)}/${t.slug}`]),
  );
  const termSlug = new Map(terms.map((t) => [t.id as number, t.slug as string]));
  const people = await all('people');
  const personSlug = new Map(people.map((p) => [p.id as number, p.slug as string]));

  const w = (text: string) => sink.write(text);
  const field = async (name: string, value: unknown, isFirst = false) =>
    w(`${isFirst ? '' : ',\n'}  ${JSON.stringify(name)}: ${JSON.stringify(value)}`);

  await w('{\n');
  await field('format', EXPORT_FORMAT, true);
  await field('version', EXPORT_VERSION);
  await field('exportedAt', options.now.toISOString());
  await field('siteUrl', options.siteUrl);
  await field(
    'settings',
    (await all('settings', 'key')).map((s) => omit(s)),
  );
  await field(
    'taxonomies',
    taxonomies.map((t) => omit(t, 'id')),
  );
  const keys: NaturalKeys = { taxonomySlug, termKey, termSlug, personSlug };
  const revisionsOf = (entityType: string, ids?: number[]) => portableRevisions(db, keys, entityType, ids);

  const termRevisions = await revisionsOf('term');
  const personRevisions = await revisionsOf('person');
  await field(
    'terms',
    terms.map((t) => ({
      ...omit(t, 'id', 'taxonomy_id', 'parent_id'),
      taxonomy: taxonomySlug.get(t.taxonomy_id as number),
      parent: t.parent_id === null ? null : (termSlug.get(t.parent_id as number) ?? null),
      revisions: termRevisions.get(t.id as number) ?? [],
    })),
  );
  await field(
    'people',
    // The name skeleton is worked out again from the name wherever the file is loaded.
    people.map((p) => ({
      ...omit(p, 'id', 'name_skeleton'),
      revisions: personRevisions.get(p.id as number) ?? [],
    })),
  );

  await w(',\n  "articles": [');
  let articleCount = 0;
  for (let lastId = 0; ; ) {
    const batch = (await db
      .selectFrom('articles')
      .selectAll()
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(BATCH)
      .execute()) as Row[];
    if (batch.length === 0) break;
    lastId = batch.at(-1)?.id as number;
    const ids = batch.map((a) => a.id as number);
    const [authors, articleTerms, corrections, comments, revisions] = await Promise.all([
      db
        .selectFrom('article_authors')
        .selectAll()
        .where('article_id', 'in', ids)
        .orderBy('position')
        .execute(),
      db.selectFrom('article_terms').selectAll().where('article_id', 'in', ids).orderBy('position').execute(),
      db.selectFrom('corrections').selectAll().where('article_id', 'in', ids).orderBy('id').execute(),
      db.selectFrom('comments').selectAll().where('article_id', 'in', ids).orderBy('id').execute(),
      revisionsOf('article', ids),
    ]);
    for (const article of batch) {
      const id = article.id as number;
      const own = (rows: Row[]) => rows.filter((r) => r.article_id === id);
      const articleComments = own(comments as Row[]);
      const commentIndex = new Map(articleComments.map((c, i) => [c.id as number, i]));
      const entry = {
        ...omit(article, 'id'),
        authors: own(authors as Row[]).map((a) => personSlug.get(a.person_id as number)),
        terms: own(articleTerms as Row[]).map((t) => termKey.get(t.term_id as number)),
        corrections: own(corrections as Row[]).map((c) => omit(c, 'id', 'article_id')),
        // Comment threads refer to their parent by its index in this list.
        // A member's comment leaves as the others are kept, its sanitized HTML as its body: the
        // member (personal data, not in this file) and the sender's hash stay behind.
        comments: articleComments.map((c) => ({
          ...omit(
            c,
            'id',
            'article_id',
            'parent_id',
            'member_id',
            'body_html',
            'sender_key',
            'notify_replies',
            'held_notice_at',
          ),
          ...(c.body_html === null || c.body_html === undefined ? {} : { body: c.body_html }),
          parent: c.parent_id === null ? null : (commentIndex.get(c.parent_id as number) ?? null),
        })),
        revisions: revisions.get(id) ?? [],
      };
      await w(`${articleCount === 0 ? '\n' : ',\n'}    ${JSON.stringify(entry)}`);
      articleCount += 1;
    }
  }
  await w('\n  ]');

  const pages = await all('pages');
  const pageRevisions = await revisionsOf('page');
  await field(
    'pages',
    pages.map((p) => ({ ...omit(p, 'id'), revisions: pageRevisions.get(p.id as number) ?? [] })),
  );
  const settingsRevisions = await revisionsOf('settings');
  await field('settingsRevisions', settingsRevisions.get(0) ?? []);
  /**
   * Writes a list field as JSON.stringify would, reading the table in batches by id: an archive
   * has a few redirects and import mappings per article, too many to hold at once.
   */
  const streamField = async (name: string, table: string, entries: (rows: Row[]) => Promise<Row[]>) => {
    await w(`,\n  ${JSON.stringify(name)}: [`);
    let isFirst = true;
    await eachBatch(db, table, async (rows) => {
      const out = await entries(rows);
      if (out.length > 0)
        await w(`${isFirst ? '' : ','}${out.map((entry) => JSON.stringify(entry)).join(',')}`);
      isFirst &&= out.length === 0;
    });
    await w(']');
  };
  await streamField('media', 'media', async (rows) => rows.map(exportedMediaRow));
  await streamField('redirects', 'redirects', async (rows) => rows.map((r) => omit(r, 'id')));

  await streamField('importSources', 'import_sources', (rows) => portableImportSources(db, keys, rows));
  await w('\n}\n');
  return { articles: articleCount, pages: pages.length };
}
