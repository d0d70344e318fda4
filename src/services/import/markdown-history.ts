import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { toIsoTimestamp } from '../../domain/article.ts';
import { exportRowErrors } from '../../domain/export-format.ts';
import type { ImportedEntityType } from '../../domain/ports/import-source-store.ts';
import type { Revision } from '../../domain/ports/revision-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import type { FieldError } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { revisionRowProblems } from './export-rows.ts';

/**
 * The revision history and import mappings of a Markdown export (history/ and
 * import-sources.yaml), read back so that a publication moved through Markdown keeps what each
 * article went through and where it came from: a WordPress or Ghost import run after it
 * recognises its items instead of writing them again.
 */

type Row = Record<string, unknown>;

/** A revision as it is written back: the entity it belongs to is the caller's. */
export type HistoryEntry = Omit<Revision, 'id' | 'entityType' | 'entityId'>;

/** What a Markdown import notes on the revisions it keeps (it tells them from edits made here). */
export const MARKDOWN_REVISION_NOTE = 'imported from markdown';

/**
 * What a revision saved by a staff user of the exporting instance is recorded as: it names the
 * user by id, and the user with that id here, if any, is someone else (as the JSON import does).
 */
const IMPORTED_STAFF_ACTOR = 'import';

/** A checked history file: its revisions, oldest first, or what is wrong with it. */
type HistoryRead = { rows: Row[] } | { errors: FieldError[] };

/** The problems of one revision of a history file, by its place. */
function revisionProblems(row: Row, where: string): FieldError[] {
  // Paths read "[0].version" in a file of one entity, "ana-reis[0].version" in one of several.
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(row.version) || (row.version as number) < 1)
    errors.push({ field: `${where}.version`, message: 'must be a whole number from 1' });
  if (typeof row.actor !== 'string' || !row.actor)
    errors.push({ field: `${where}.actor`, message: 'must be text' });
  if (row.note !== null && row.note !== undefined && typeof row.note !== 'string')
    errors.push({ field: `${where}.note`, message: 'must be text or null' });
  if (typeof row.created_at !== 'string' || Number.isNaN(Date.parse(row.created_at)))
    errors.push({ field: `${where}.created_at`, message: 'must be a date and time (ISO 8601)' });
  // Checked as the JSON import checks them (30 February, month 13, year 99999 are refused).
  else
    for (const e of revisionRowProblems(row))
      errors.push({ field: `${where}.${e.field}`, message: e.message });
  if (typeof row.snapshot !== 'object' || row.snapshot === null || Array.isArray(row.snapshot))
    errors.push({ field: `${where}.snapshot`, message: 'must be a mapping of the saved fields' });
  for (const e of exportRowErrors('articles.revisions', row))
    errors.push({ field: `${where}.${e.field}`, message: e.message });
  return errors;
}

function checkRevisions(rows: Row[], prefix: string): FieldError[] {
  return rows.flatMap((row, index) => revisionProblems(row, `${prefix}[${index}]`));
}

/** A YAML file's value (one document, unique keys, aliases bounded); null when the file is not there. */
export async function readYaml(file: string): Promise<{ value: unknown } | { errors: FieldError[] } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0)
    return {
      errors: doc.errors.map((e) => ({
        field: '(file)',
        message: `YAML error at line ${(e.linePos?.[0]?.line ?? 0) + 1}: ${e.message.split('\n')[0]}`,
      })),
    };
  return { value: doc.toJS({ maxAliasCount: 50 }) as unknown };
}

function isMapping(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML list of mappings (history/articles/<slug>.yaml, import-sources.yaml); null when there is none. */
async function readList(file: string): Promise<HistoryRead | null> {
  const read = await readYaml(file);
  if (read === null || 'errors' in read) return read;
  if (read.value === null || read.value === undefined) return { rows: [] };
  if (!Array.isArray(read.value) || !read.value.every(isMapping))
    return { errors: [{ field: '(file)', message: 'must be a list of entries' }] };
  return { rows: read.value };
}

/** One entity's history file: its revisions, checked. */
async function readHistoryList(file: string): Promise<HistoryRead | null> {
  const read = await readList(file);
  if (read === null || 'errors' in read) return read;
  const errors = checkRevisions(read.rows, '');
  return errors.length > 0 ? { errors } : read;
}

/** A history file of several entities (history/people.yaml): a mapping from each one's key to its revisions. */
async function readHistoryMap(
  file: string,
): Promise<{ map: Map<string, Row[]> } | { errors: FieldError[] } | null> {
  const read = await readYaml(file);
  if (read === null || 'errors' in read) return read;
  if (read.value === null || read.value === undefined) return { map: new Map() };
  if (!isMapping(read.value))
    return { errors: [{ field: '(file)', message: 'must be a mapping from each slug to its revisions' }] };
  const map = new Map<string, Row[]>();
  const errors: FieldError[] = [];
  for (const [key, rows] of Object.entries(read.value)) {
    if (!Array.isArray(rows) || !rows.every(isMapping)) {
      errors.push({ field: key, message: 'must be a list of revisions' });
      continue;
    }
    errors.push(...checkRevisions(rows, key));
    map.set(key, rows);
  }
  return errors.length > 0 ? { errors } : { map };
}

const MAPPED_TYPES: readonly string[] = ['article', 'page', 'person', 'term', 'media'];

function importSourceProblems(rows: Row[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const [index, row] of rows.entries()) {
    for (const key of ['source', 'source_id', 'entity'])
      if (typeof row[key] !== 'string' || !row[key])
        errors.push({ field: `[${index}].${key}`, message: 'must be text' });
    if (!MAPPED_TYPES.includes(String(row.entity_type)))
      errors.push({ field: `[${index}].entity_type`, message: `must be one of ${MAPPED_TYPES.join(', ')}` });
    for (const e of exportRowErrors('importSources', row))
      errors.push({ field: `[${index}].${e.field}`, message: e.message });
  }
  return errors;
}

/**
 * The history files and import-sources.yaml of a publication folder that cannot be read, each
 * with its problems: checked with the rest before anything is written.
 */
export async function historyProblems(folder: string): Promise<{ file: string; errors: FieldError[] }[]> {
  const failed: { file: string; errors: FieldError[] }[] = [];
  for (const kind of ['articles', 'pages']) {
    const dir = path.join(folder, 'history', kind);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.yaml')).sort()) {
      const file = path.join(dir, name);
      const read = await readHistoryList(file);
      if (read && 'errors' in read) failed.push({ file, errors: read.errors });
    }
  }
  for (const name of ['people.yaml', 'terms.yaml']) {
    const file = path.join(folder, 'history', name);
    const read = await readHistoryMap(file);
    if (read && 'errors' in read) failed.push({ file, errors: read.errors });
  }
  const settings = path.join(folder, 'history', 'settings.yaml');
  const settingsRead = await readHistoryList(settings);
  if (settingsRead && 'errors' in settingsRead) failed.push({ file: settings, errors: settingsRead.errors });
  const sources = path.join(folder, 'import-sources.yaml');
  const read = await readList(sources);
  if (read && 'errors' in read) failed.push({ file: sources, errors: read.errors });
  else if (read) {
    const errors = importSourceProblems(read.rows);
    if (errors.length > 0) failed.push({ file: sources, errors });
  }
  return failed;
}

/** The exported revisions of an article or page (by the slug it was exported at), oldest first; none when absent. */
export async function exportedHistory(
  folder: string | null,
  kind: 'articles' | 'pages',
  slug: string,
): Promise<Row[]> {
  if (folder === null || slug.includes('/') || slug.includes('\\') || slug.startsWith('.')) return [];
  const read = await readHistoryList(path.join(folder, 'history', kind, `${slug}.yaml`));
  return read && 'rows' in read ? read.rows : [];
}

/** The exported revisions of every person or term (`taxonomy/slug`), by key. */
export async function exportedHistories(
  folder: string,
  kind: 'people' | 'terms',
): Promise<Map<string, Row[]>> {
  const read = await readHistoryMap(path.join(folder, 'history', `${kind}.yaml`));
  return read && 'map' in read ? read.map : new Map();
}

/** The settings' exported revisions, oldest first. */
export async function exportedSettingsHistory(folder: string): Promise<Row[]> {
  const read = await readHistoryList(path.join(folder, 'history', 'settings.yaml'));
  return read && 'rows' in read ? read.rows : [];
}

/**
 * Exported revisions as they are kept here: snapshots name authors, terms, taxonomies and
 * parents by id again (one not here is left out of the snapshot), and a staff user's id is
 * recorded as `import`.
 */
export async function localHistory(
  repos: Pick<Repositories, 'people' | 'taxonomies'>,
  entityType: 'article' | 'page' | 'person' | 'term' | 'settings',
  rows: Row[],
): Promise<HistoryEntry[]> {
  const taxonomies = await repos.taxonomies.listTaxonomies();
  const termId = async (taxonomySlug: unknown, slug: unknown): Promise<number | null> => {
    const taxonomy = taxonomies.find((t) => t.slug === taxonomySlug);
    if (!taxonomy || typeof slug !== 'string') return null;
    return (await repos.taxonomies.findTerm(taxonomy.id, slug))?.id ?? null;
  };
  const entries: HistoryEntry[] = [];
  for (const row of rows) {
    const snapshot = { ...(row.snapshot as Row) };
    if (entityType === 'article') {
      if (Array.isArray(snapshot.authors)) {
        const ids: number[] = [];
        for (const slug of snapshot.authors)
          if (typeof slug === 'string') {
            const person = await repos.people.findBySlug(slug);
            if (person) ids.push(person.id);
          }
        snapshot.authorIds = ids;
        delete snapshot.authors;
      }
      if (Array.isArray(snapshot.terms)) {
        const ids: number[] = [];
        for (const key of snapshot.terms) {
          const [taxonomy, slug] = typeof key === 'string' ? key.split('/') : [];
          const id = await termId(taxonomy, slug);
          if (id !== null) ids.push(id);
        }
        snapshot.termIds = ids;
        delete snapshot.terms;
      }
    }
    if (entityType === 'term') {
      const { taxonomy, parent, ...rest } = snapshot;
      Object.assign(rest, {
        taxonomyId: taxonomies.find((t) => t.slug === taxonomy)?.id ?? null,
        parentId: parent == null ? null : await termId(taxonomy, parent),
      });
      entries.push(entryOf(row, rest));
      continue;
    }
    entries.push(entryOf(row, snapshot));
  }
  return entries;
}

function entryOf(row: Row, snapshot: Row): HistoryEntry {
  const actor = String(row.actor);
  return {
    version: row.version as number,
    actor: /^\d+$/.test(actor) ? IMPORTED_STAFF_ACTOR : actor,
    note: typeof row.note === 'string' ? row.note : null,
    snapshot,
    createdAt: toIsoTimestamp(new Date(String(row.created_at))),
  };
}

/**
 * Whether an entity a Markdown import wrote is as it left it: its latest revision is that
 * import's own, or one of the history the export carried (the export may be newer than what was
 * read before). One changed here since (in the newsroom, or by another import) is left as it was.
 */
export async function isAsImported(
  repos: Pick<Repositories, 'revisions'>,
  entity: { type: 'article' | 'page' | 'person' | 'term' | 'settings'; id: number },
  options: { actor: string; history: Row[] },
): Promise<boolean> {
  const [latest] = await repos.revisions.list(entity.type, entity.id);
  if (!latest || latest.note === MARKDOWN_REVISION_NOTE) return true;
  // Markdown imports noted nothing on their revisions before; those carry the import's actor.
  if (latest.note === null && latest.actor === options.actor) return true;
  return options.history.some((row) => {
    const exported = entryOf(row, {});
    return (
      exported.version === latest.version &&
      exported.note === latest.note &&
      exported.actor === latest.actor &&
      Date.parse(exported.createdAt) === Date.parse(latest.createdAt)
    );
  });
}

/** What the import made of each exported article and page, by the slug it was exported at. */
export interface PlacedItems {
  articles: Map<string, number>;
  pages: Map<string, number>;
}

/**
 * Reads import-sources.yaml back: each mapping names the entity by the slug (or URL) it had in
 * the export, and is kept for what this import made of it. A mapping already here is left as it
 * is; one whose entity this import did not write (a file that failed) is left out.
 * Returns how many mappings were added, or null when the folder has no import-sources.yaml.
 */
export async function importSourceMappings(
  ctx: ServiceContext,
  folder: string,
  placed: PlacedItems,
): Promise<{ added: number; unchanged: number; left: number } | null> {
  const read = await readList(path.join(folder, 'import-sources.yaml'));
  if (read === null || 'errors' in read) return null;
  const stamp = toIsoTimestamp(ctx.now());
  return ctx.store.transaction(async (repos) => {
    const counts = { added: 0, unchanged: 0, left: 0 };
    const taxonomies = await repos.taxonomies.listTaxonomies();
    for (const row of read.rows) {
      const type = String(row.entity_type) as ImportedEntityType;
      const entity = String(row.entity);
      let id: number | undefined;
      if (type === 'article') id = placed.articles.get(entity);
      else if (type === 'page') id = placed.pages.get(entity);
      else if (type === 'person') id = (await repos.people.findBySlug(entity))?.id;
      else if (type === 'media') id = (await repos.media.findByUrl(entity))?.id;
      else if (type === 'term') {
        const [taxonomySlug, slug] = entity.split('/');
        const taxonomy = taxonomies.find((t) => t.slug === taxonomySlug);
        id = taxonomy && slug ? (await repos.taxonomies.findTerm(taxonomy.id, slug))?.id : undefined;
      }
      if (id === undefined) {
        counts.left += 1;
        continue;
      }
      const key = { source: String(row.source), sourceId: String(row.source_id), entityType: type };
      if ((await repos.importSources.find(key)) !== undefined) {
        counts.unchanged += 1;
        continue;
      }
      const createdAt = typeof row.created_at === 'string' ? row.created_at : stamp;
      await repos.importSources.put(key, id, createdAt);
      counts.added += 1;
    }
    return counts;
  });
}
