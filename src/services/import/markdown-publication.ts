import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { renderMarkdown } from '../../content/markdown.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import {
  COMMENT_STATUSES,
  type Comment,
  type CommentDetail,
  type CommentStatus,
  commentLengthErrors,
} from '../../domain/comment.ts';
import { tooLong } from '../../domain/limits.ts';
import type { ItemOutcome } from '../../domain/migration-report.ts';
import { validatePerson } from '../../domain/person.ts';
import type { Correction, CorrectionChange } from '../../domain/ports/correction-store.ts';
import { MAX_REDIRECT_PATH_LENGTH } from '../../domain/ports/redirect-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { validateSettingValues } from '../../domain/settings.ts';
import { slugProblem } from '../../domain/slug.ts';
import { validateTaxonomy, validateTerm } from '../../domain/taxonomy.ts';
import { cleanLine, stripXmlForbidden } from '../../domain/text.ts';
import { isLinkTarget } from '../../domain/url.ts';
import { type FieldError, isAppError } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { savePageIn } from '../pages.ts';
import { type FoundPersonPolicy, findOrCreatePerson } from '../people.ts';
import { keepRevision } from '../revision-log.ts';
import { updateSettingsIn } from '../settings.ts';
import { threadParents } from './export-rows.ts';
import { readTimestamp } from './front-matter.ts';
import {
  exportedHistories,
  exportedHistory,
  exportedSettingsHistory,
  isAsImported,
  localHistory,
  MARKDOWN_REVISION_NOTE,
  type PlacedItems,
  readYaml,
} from './markdown-history.ts';
import { placeImportedPage } from './placement.ts';
import { EDITED_HERE } from './session.ts';

/**
 * Reads back the parts of a Markdown export (`pressroom export --format markdown`) that are not
 * articles: people.yaml, taxonomies.yaml, pages/, comments.yaml and redirects.yaml. Each part is
 * written in its own transaction and reported as one outcome.
 */

/**
 * The import source Markdown files are remembered under, each by the slug it asks for: running
 * the import again updates what it made, and never what it did not.
 */
export const MARKDOWN_SOURCE = 'markdown';

/**
 * How a Markdown import treats people it finds here: their profile is rewritten only for one a
 * Markdown import made and nobody edited since (its latest revision is an import's), and each
 * one kept is named in `kept`. People it creates are remembered under MARKDOWN_SOURCE by slug.
 */
export function markdownPersonPolicy(
  repos: Pick<Repositories, 'importSources' | 'revisions'>,
  options: {
    actor: string;
    now: Date;
    kept: string[];
    created?: Set<number>;
    /** The people's exported revisions (history/people.yaml), by slug. */
    histories?: Map<string, Record<string, unknown>[]>;
  },
): FoundPersonPolicy {
  return {
    mayUpdateProfile: async (person) => {
      const made = await repos.importSources.find({
        source: MARKDOWN_SOURCE,
        sourceId: person.slug,
        entityType: 'person',
      });
      if (made !== person.id) return false;
      return isAsImported(
        repos,
        { type: 'person', id: person.id },
        { actor: options.actor, history: options.histories?.get(person.slug) ?? [] },
      );
    },
    onProfileKept: (person) => {
      if (!options.kept.includes(person.slug)) options.kept.push(person.slug);
    },
    onCreated: (person) => {
      options.created?.add(person.id);
      return repos.importSources.put(
        { source: MARKDOWN_SOURCE, sourceId: person.slug, entityType: 'person' },
        person.id,
        toIsoTimestamp(options.now),
      );
    },
  };
}

/**
 * Remembers that the article or page file asking for `slug` became entity `id` (the next run
 * updates it wherever it is then); written only when that is news.
 */
export async function rememberFile(
  repos: Pick<Repositories, 'importSources'>,
  entry: { entityType: 'article' | 'page'; slug: string; id: number; now: Date },
): Promise<void> {
  const key = { source: MARKDOWN_SOURCE, sourceId: entry.slug, entityType: entry.entityType };
  if ((await repos.importSources.find(key)) === entry.id) return;
  await repos.importSources.put(key, entry.id, toIsoTimestamp(entry.now));
}

/** What the report says of people found here whose profile an import left as it was. */
export function keptProfilesNote(slugs: string[]): string | null {
  if (slugs.length === 0) return null;
  return `the profile of ${slugs.join(', ')} (already here, not made by a Markdown import) was kept as it was`;
}

/** What happened to one file of a Markdown import. */
export interface ImportFileOutcome {
  file: string;
  /** What became of the file, in the words every import's report uses. */
  status: ItemOutcome;
  slug?: string;
  /** Said about a file imported under another slug than its own (see placement.ts). */
  warning?: string;
  /** What a data file held, for the report ("12 people"). */
  note?: string;
  errors?: FieldError[];
}

type Row = Record<string, unknown>;

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Whether a folder has the layout the Markdown export writes (articles/ beside pages/ or people.yaml). */
export async function isPublicationFolder(folder: string): Promise<boolean> {
  const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
  const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;
  return (
    (await isDir(path.join(folder, 'articles'))) &&
    ((await isDir(path.join(folder, 'pages'))) || (await isFile(path.join(folder, 'people.yaml'))))
  );
}

/** Reads a YAML file that holds a list of mappings; null when the file is not there. */
export async function readYamlList(file: string): Promise<{ rows: Row[] } | { errors: FieldError[] } | null> {
  const read = await readYaml(file);
  if (read === null || 'errors' in read) return read;
  const { value } = read;
  if (value === null || value === undefined) return { rows: [] };
  if (
    !Array.isArray(value) ||
    value.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))
  )
    return { errors: [{ field: '(file)', message: 'must be a list of entries' }] };
  return { rows: value as Row[] };
}

const text = (row: Row, key: string): string | null =>
  typeof row[key] === 'string' && (row[key] as string).trim() ? (row[key] as string) : null;

/** Runs one part of the import in a transaction; a bad entry fails the part with its place named. */
async function part(
  ctx: ServiceContext,
  file: string,
  noun: string,
  write: (repos: Repositories, rows: Row[], errors: FieldError[], changes: Changes) => Promise<void>,
): Promise<ImportFileOutcome | null> {
  const read = await readYamlList(file);
  if (read === null) return null;
  if ('errors' in read) return { file, status: 'failed', errors: read.errors };
  const errors: FieldError[] = [];
  const changes: Changes = { count: 0 };
  try {
    await ctx.store.transaction(async (repos) => {
      changes.count = 0;
      await write(repos, read.rows, errors, changes);
      // Nothing of a part with errors is kept: the export wrote it whole, so it must read whole.
      if (errors.length > 0) throw new PartRefused();
    });
  } catch (error) {
    if (error instanceof PartRefused) return { file, status: 'failed', errors };
    if (isAppError(error))
      return {
        file,
        status: 'failed',
        errors: error.details ?? [{ field: '(file)', message: error.message }],
      };
    throw error;
  }
  return {
    file,
    status: changes.count > 0 ? 'imported' : 'unchanged',
    note: `${read.rows.length} ${noun}${changes.count > 0 ? `, ${changes.count} written` : ', all as they were here'}`,
  };
}

/** How many entries of a data file were written: none means a re-run that found everything as it was. */
interface Changes {
  count: number;
}

class PartRefused extends Error {}

/** A comment's fields in one order, with its time as an instant, to tell whether a re-run changes it. */
/** A time a YAML row gives (`created`, `updated`), its error named after the row (`where`). */
function timeOf(row: Row, key: string, errors: FieldError[], where: string): string | null {
  const found: FieldError[] = [];
  const time = readTimestamp(row, key, found);
  errors.push(...found.map((error) => ({ ...error, field: `${where}.${error.field}` })));
  return time;
}

function normalComment(c: Partial<Omit<Comment, 'id'>>): unknown[] {
  return [
    c.articleId,
    c.parentId ?? null,
    c.authorName,
    c.authorEmail ?? null,
    c.authorUrl ?? null,
    c.body,
    c.status,
    c.kind,
    c.createdAt ? Date.parse(c.createdAt) : null,
    c.sourceId ?? null,
  ];
}

/** A row of people.yaml checked as the people editor checks a person, or null with its errors. */
function personRow(row: Row, index: number, errors: FieldError[]) {
  const typed = text(row, 'name');
  const name = typed === null ? null : cleanLine(typed);
  const slug = text(row, 'slug');
  if (!name || !slug || slugProblem(slug)) {
    errors.push({ field: `[${index}]`, message: 'needs a name and a valid slug' });
    return null;
  }
  const website = text(row, 'website');
  const links = Array.isArray(row.links)
    ? (row.links as Row[]).map((link) => ({
        label: text(link, 'label') ?? '',
        url: text(link, 'url') ?? '',
      }))
    : [];
  const photo = text(row, 'photo');
  // A link the people editor would refuse is refused here too, never quietly dropped.
  const problems = validatePerson({
    name: name.trim(),
    slug,
    bio: text(row, 'bio'),
    email: text(row, 'email'),
    website,
    photo,
    links,
  });
  if (problems.length > 0) {
    errors.push(...problems.map((p) => ({ field: `[${index}].${p.field}`, message: p.message })));
    return null;
  }
  return { name, slug, website, links, photo };
}

/**
 * The data files of a publication folder that cannot be read (YAML errors, people.yaml rows the
 * people editor would refuse), as failed outcomes, and the taxonomies taxonomies.yaml declares.
 */
export async function checkPublicationData(
  folder: string,
): Promise<{ failed: ImportFileOutcome[]; taxonomySlugs: string[] }> {
  const failed: ImportFileOutcome[] = [];
  const taxonomySlugs: string[] = [];
  for (const name of [
    'people.yaml',
    'taxonomies.yaml',
    'comments.yaml',
    'corrections.yaml',
    'redirects.yaml',
  ]) {
    const file = path.join(folder, name);
    const read = await readYamlList(file);
    if (read === null) continue;
    if ('errors' in read) {
      failed.push({ file, status: 'failed', errors: read.errors });
      continue;
    }
    const errors: FieldError[] = [];
    if (name === 'people.yaml')
      for (const [index, row] of read.rows.entries()) {
        personRow(row, index, errors);
        readTimestamp(row, 'created', errors);
        readTimestamp(row, 'updated', errors);
      }
    if (name === 'taxonomies.yaml')
      for (const row of read.rows) {
        const slug = text(row, 'slug');
        if (slug) taxonomySlugs.push(slug);
      }
    if (errors.length > 0) failed.push({ file, status: 'failed', errors });
  }
  const settings = path.join(folder, 'settings.yaml');
  const settingsRead = await readSettingsFile(settings);
  if (settingsRead && 'errors' in settingsRead)
    failed.push({ file: settings, status: 'failed', errors: settingsRead.errors });
  return { failed, taxonomySlugs };
}

/** settings.yaml: a mapping from each setting's key to its value (text); null when there is none. */
async function readSettingsFile(
  file: string,
): Promise<{ values: Record<string, string> } | { errors: FieldError[] } | null> {
  const read = await readYaml(file);
  if (read === null || 'errors' in read) return read;
  const { value } = read;
  if (value === null || value === undefined) return { values: {} };
  if (typeof value !== 'object' || Array.isArray(value))
    return { errors: [{ field: '(file)', message: 'must be a mapping from each setting to its value' }] };
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  for (const [key, setting] of Object.entries(value as Row)) {
    if (typeof setting === 'string') values[key] = setting;
    else errors.push({ field: key, message: 'must be text' });
  }
  errors.push(...validateSettingValues(values));
  return errors.length > 0 ? { errors } : { values };
}

/**
 * settings.yaml and the settings' history: the settings whose value differs from this
 * instance's are set as the settings editor sets them (checked, with a revision), unless they
 * were changed here since the last import. Settings with no history here take the exported one.
 */
export async function importSettings(
  ctx: ServiceContext,
  folder: string,
  actor: string,
): Promise<ImportFileOutcome | null> {
  const file = path.join(folder, 'settings.yaml');
  const read = await readSettingsFile(file);
  if (read === null) return null;
  if ('errors' in read) return { file, status: 'failed', errors: read.errors };
  const count = Object.keys(read.values).length;
  const history = await exportedSettingsHistory(folder);
  try {
    const outcome = await ctx.store.transaction(async (repos): Promise<ImportFileOutcome> => {
      const current = await repos.settings.getAll();
      const changed = Object.fromEntries(
        Object.entries(read.values).filter(([key, value]) => current.get(key) !== value),
      );
      const [latest] = await repos.revisions.list('settings', 0);
      if (!latest && history.length > 0) {
        const stamp = toIsoTimestamp(ctx.now());
        for (const [key, value] of Object.entries(changed)) await repos.settings.set(key, value, stamp);
        await repos.revisions.replaceHistory('settings', 0, await localHistory(repos, 'settings', history));
        return { file, status: 'imported', note: `${count} settings with their history` };
      }
      if (Object.keys(changed).length === 0)
        return { file, status: 'unchanged', note: `${count} settings, all as they were here` };
      const isOurs =
        !latest ||
        latest.actor === actor ||
        (await isAsImported(repos, { type: 'settings', id: 0 }, { actor, history }));
      if (!isOurs)
        return {
          file,
          status: 'skipped',
          note: `${count} settings`,
          warning: `the settings were ${EDITED_HERE}`,
        };
      await updateSettingsIn(repos, changed, { actor, now: ctx.now() });
      return { file, status: 'updated', note: `${count} settings, ${Object.keys(changed).length} set` };
    });
    if (outcome.status === 'imported' || outcome.status === 'updated')
      ctx.changes.publish({ kind: 'settings' });
    return outcome;
  } catch (error) {
    if (isAppError(error))
      return {
        file,
        status: 'failed',
        errors: error.details ?? [{ field: '(file)', message: error.message }],
      };
    throw error;
  }
}

/** people.yaml and taxonomies.yaml: read before the articles, so their slugs and profiles are kept. */
export async function importPeopleAndTaxonomies(
  ctx: ServiceContext,
  folder: string,
  actor: string,
): Promise<ImportFileOutcome[]> {
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const outcomes: ImportFileOutcome[] = [];
  const kept: string[] = [];
  const personHistories = await exportedHistories(folder, 'people');
  const termHistories = await exportedHistories(folder, 'terms');
  const editedTerms: string[] = [];
  const people = await part(
    ctx,
    path.join(folder, 'people.yaml'),
    'people',
    async (repos, rows, errors, changes) => {
      kept.length = 0;
      const created = new Set<number>();
      const policy = markdownPersonPolicy(repos, { actor, now, kept, created, histories: personHistories });
      for (const [index, row] of rows.entries()) {
        const checked = personRow(row, index, errors);
        if (!checked) continue;
        const { name, slug, website, links, photo } = checked;
        const before = await repos.people.findBySlug(slug);
        const person = await findOrCreatePerson(
          repos,
          {
            name,
            slug,
            bio: text(row, 'bio') ?? undefined,
            email: text(row, 'email') ?? undefined,
            website: website ?? undefined,
          },
          now,
          actor,
          policy,
        );
        if (kept.includes(person.slug)) continue;
        // A person found here that no Markdown import made keeps the rest of their profile too.
        if (!created.has(person.id) && !(await policy.mayUpdateProfile?.(person))) {
          if (
            person.name !== name ||
            person.photo !== photo ||
            JSON.stringify(person.links) !== JSON.stringify(links)
          )
            kept.push(person.slug);
          continue;
        }
        const record = {
          ...person,
          name,
          photo,
          links,
          createdAt: readTimestamp(row, 'created', errors) ?? person.createdAt,
          updatedAt: readTimestamp(row, 'updated', errors) ?? person.updatedAt,
        };
        const isSame = JSON.stringify(record) === JSON.stringify(before);
        if (!isSame) await repos.people.update(person.id, record);
        const history = personHistories.get(slug) ?? [];
        if (created.has(person.id) && history.length > 0)
          await repos.revisions.replaceHistory(
            'person',
            person.id,
            await localHistory(repos, 'person', history),
          );
        else if (!isSame && !created.has(person.id))
          await keepRevision(repos, {
            entityType: 'person',
            entityId: person.id,
            actor,
            snapshot: record,
            createdAt: stamp,
            note: MARKDOWN_REVISION_NOTE,
          });
        if (!isSame) changes.count += 1;
      }
    },
  );
  const keptNote = keptProfilesNote(kept);
  if (people)
    outcomes.push(people.status !== 'failed' && keptNote ? { ...people, warning: keptNote } : people);
  const taxonomies = await part(
    ctx,
    path.join(folder, 'taxonomies.yaml'),
    'taxonomies',
    async (repos, rows, errors, changes) => {
      editedTerms.length = 0;
      for (const [index, row] of rows.entries()) {
        const slug = text(row, 'slug');
        const name = text(row, 'name');
        if (!slug || !name || slugProblem(slug)) {
          errors.push({ field: `[${index}]`, message: 'a taxonomy needs a name and a valid slug' });
          continue;
        }
        const record = {
          slug,
          name,
          pluralName: text(row, 'plural') ?? name,
          isHierarchical: row.hierarchical === true,
          isMultiple: row.multiple !== false,
          position:
            row.position === undefined ? 0 : typeof row.position === 'number' ? row.position : Number.NaN,
        };
        const problems = validateTaxonomy(record);
        if (problems.length > 0) {
          errors.push(...problems.map((p) => ({ field: `[${index}].${p.field}`, message: p.message })));
          continue;
        }
        let taxonomy = (await repos.taxonomies.listTaxonomies()).find((t) => t.slug === slug);
        if (!taxonomy) {
          taxonomy = { id: await repos.taxonomies.insertTaxonomy(record), ...record };
          changes.count += 1;
        }
        const terms = Array.isArray(row.terms) ? (row.terms as Row[]) : [];
        const ids = new Map<string, number>();
        // Parents first: they may be listed after their children.
        let pending = terms;
        while (pending.length > 0) {
          const ready = pending.filter((t) => {
            const parent = text(t, 'parent');
            return !parent || ids.has(parent) || !terms.some((o) => text(o, 'slug') === parent);
          });
          const batch = ready.length > 0 ? ready : pending;
          for (const term of batch) {
            const termSlug = text(term, 'slug');
            const termName = text(term, 'name');
            if (!termSlug || !termName || slugProblem(termSlug)) {
              errors.push({
                field: `${slug}.terms`,
                message: `a term needs a name and a valid slug (${termSlug ?? '?'})`,
              });
              continue;
            }
            const position =
              term.position === undefined
                ? 0
                : typeof term.position === 'number'
                  ? term.position
                  : Number.NaN;
            const problems = validateTerm({ slug: termSlug, name: termName, position });
            if (problems.length > 0) {
              errors.push(
                ...problems.map((p) => ({
                  field: `${slug}.terms.${termSlug}.${p.field}`,
                  message: p.message,
                })),
              );
              continue;
            }
            const times = {
              created: timeOf(term, 'created', errors, `${slug}.terms.${termSlug}`),
              updated: timeOf(term, 'updated', errors, `${slug}.terms.${termSlug}`),
            };
            const parent = text(term, 'parent');
            const description = text(term, 'description');
            const record = {
              taxonomyId: taxonomy.id,
              slug: termSlug,
              name: termName,
              description,
              descriptionHtml: description
                ? await renderMarkdown(description, { field: 'description' })
                : null,
              parentId: parent ? (ids.get(parent) ?? null) : null,
              position,
            };
            const existing = await repos.taxonomies.findTerm(taxonomy.id, termSlug);
            const history = termHistories.get(`${slug}/${termSlug}`) ?? [];
            if (existing) {
              ids.set(termSlug, existing.id);
              const { id: _id, ...stored } = existing;
              if (JSON.stringify(stored) === JSON.stringify(record)) continue;
              if (!(await isAsImported(repos, { type: 'term', id: existing.id }, { actor, history }))) {
                editedTerms.push(`${slug}/${termSlug}`);
                continue;
              }
              await repos.taxonomies.updateTerm(existing.id, record, times.updated ?? stamp);
              await keepRevision(repos, {
                entityType: 'term',
                entityId: existing.id,
                actor,
                snapshot: record,
                createdAt: stamp,
                note: MARKDOWN_REVISION_NOTE,
              });
            } else {
              // The times the export gives, so that exporting again gives the same file.
              const created = times.created ?? stamp;
              const id = await repos.taxonomies.insertTerm(record, created);
              const updated = times.updated;
              if (updated && updated !== created) await repos.taxonomies.updateTerm(id, record, updated);
              if (history.length > 0)
                await repos.revisions.replaceHistory('term', id, await localHistory(repos, 'term', history));
              else
                await keepRevision(repos, {
                  entityType: 'term',
                  entityId: id,
                  actor,
                  snapshot: record,
                  createdAt: stamp,
                  note: MARKDOWN_REVISION_NOTE,
                });
              ids.set(termSlug, id);
            }
            changes.count += 1;
          }
          pending = pending.filter((t) => !batch.includes(t));
        }
      }
    },
  );
  if (taxonomies)
    outcomes.push(
      taxonomies.status !== 'failed' && editedTerms.length > 0
        ? { ...taxonomies, warning: `${editedTerms.join(', ')}: ${EDITED_HERE}` }
        : taxonomies,
    );
  return outcomes;
}

/** The places of a list's comments in an order that has each parent before its replies. */
function parentsFirst(parents: (number | null)[]): number[] {
  const order: number[] = [];
  const placed = new Set<number>();
  const place = (at: number) => {
    // Parents are free of loops (threadParents cut them), so the walk up ends.
    const chain: number[] = [];
    for (let up: number | null = at; up !== null && !placed.has(up); up = parents[up] ?? null) chain.push(up);
    for (const next of chain.reverse()) {
      placed.add(next);
      order.push(next);
    }
  };
  for (let at = 0; at < parents.length; at += 1) place(at);
  return order;
}

/** pages/*.md, comments.yaml and redirects.yaml: read after the articles they refer to. */
export async function importPagesCommentsRedirects(
  ctx: ServiceContext,
  folder: string,
  actor: string,
  placed: PlacedItems,
): Promise<ImportFileOutcome[]> {
  const outcomes: ImportFileOutcome[] = [];
  const pagesDir = path.join(folder, 'pages');
  const pageFiles = (await readdir(pagesDir).catch(() => [] as string[]))
    .filter((name) => /\.(md|markdown)$/i.test(name))
    .sort()
    .map((name) => path.join(pagesDir, name));
  for (const file of pageFiles) outcomes.push(await importPageFile(ctx, file, { actor, folder, placed }));

  const threadProblems: string[] = [];
  const comments = await part(
    ctx,
    path.join(folder, 'comments.yaml'),
    'comments',
    async (repos, rows, errors, changes) => {
      const commentsByArticle = new Map<number, CommentDetail[]>();
      const commentsOf = async (articleId: number): Promise<CommentDetail[]> => {
        const known = commentsByArticle.get(articleId);
        if (known) return known;
        const list = await repos.comments.listForArticle(articleId);
        commentsByArticle.set(articleId, list);
        return list;
      };
      const articleIds = new Map<string, number>();
      // Replies name their parent by its place in the list, which may come after theirs: each
      // parent is written before its replies.
      const parents = threadParents(
        rows.map((row) => row.parent),
        (at) => at,
        new Map(rows.map((_row, at) => [at, at])),
        (at, what) => threadProblems.push(`comment [${at}]: ${what}; it is kept as a comment of its own`),
      );
      const ids: number[] = [];
      for (const index of parentsFirst(parents)) {
        const row = rows[index] as Row;
        const slug = text(row, 'article');
        let articleId = slug ? articleIds.get(slug) : undefined;
        if (slug && articleId === undefined) {
          articleId = (await repos.articles.findBySlug(slug))?.id;
          if (articleId !== undefined) articleIds.set(slug, articleId);
        }
        // A deleted comment keeps its place in its thread with no text.
        const body = text(row, 'body') ?? (text(row, 'status') === 'deleted' ? '' : null);
        const created = readTimestamp(row, 'created', errors);
        if (articleId === undefined || body === null || !created) {
          errors.push({
            field: `[${index}]`,
            message: 'needs the slug of an imported article, a body and a created time',
          });
          ids[index] = -1;
          continue;
        }
        const sourceId = text(row, 'source');
        const status = text(row, 'status') ?? 'approved';
        const fields = {
          authorName: text(row, 'author') ?? 'Anonymous',
          authorEmail: text(row, 'email'),
          authorUrl: text(row, 'url'),
          sourceId,
        };
        const problems = commentLengthErrors(fields);
        if (!COMMENT_STATUSES.includes(status as CommentStatus))
          problems.push({ field: 'status', message: `must be one of ${COMMENT_STATUSES.join(', ')}` });
        if (problems.length > 0) {
          errors.push(...problems.map((p) => ({ field: `[${index}].${p.field}`, message: p.message })));
          ids[index] = -1;
          continue;
        }
        // A comment written here has no origin of its own: the same one read back is the one on
        // its article made at the same moment by the same name with the same text.
        // A member's comment left as its HTML (see listAfter), so it is matched by that; it stays
        // as its member wrote it, whatever the file says.
        const here = sourceId
          ? undefined
          : (await commentsOf(articleId)).find(
              (c) =>
                c.sourceId === null &&
                Date.parse(c.createdAt) === Date.parse(created) &&
                c.authorName === fields.authorName &&
                (c.body === body || (c.bodyHtml !== null && c.bodyHtml === body)),
            );
        if (here?.memberId != null) {
          ids[index] = here.id;
          continue;
        }
        const knownId = sourceId ? await repos.comments.findIdBySourceId(sourceId) : here?.id;
        const parentIndex = parents[index] ?? null;
        const record = {
          articleId,
          parentId:
            parentIndex !== null && (ids[parentIndex] ?? -1) > 0 ? (ids[parentIndex] as number) : null,
          ...fields,
          body,
          status: status as CommentStatus,
          kind: (['pingback', 'trackback'].includes(text(row, 'kind') ?? '')
            ? text(row, 'kind')
            : 'comment') as 'comment' | 'pingback' | 'trackback',
          createdAt: created,
        };
        if (knownId !== undefined) {
          const { id: _id, ...stored } = (await repos.comments.findById(knownId)) ?? { id: 0 };
          if (JSON.stringify(normalComment(stored)) !== JSON.stringify(normalComment(record))) {
            await repos.comments.update(knownId, record);
            changes.count += 1;
          }
          ids[index] = knownId;
        } else {
          ids[index] = await repos.comments.insert(record);
          commentsByArticle.delete(articleId);
          changes.count += 1;
        }
      }
    },
  );
  if (comments && threadProblems.length > 0)
    comments.warning = [comments.warning, ...threadProblems].filter(Boolean).join('; ');
  if (comments) outcomes.push(comments);

  const corrections = await part(
    ctx,
    path.join(folder, 'corrections.yaml'),
    'corrections',
    async (repos, rows, errors, changes) => {
      const here = new Map<number, Correction[]>();
      for (const [index, row] of rows.entries()) {
        const slug = text(row, 'article');
        const articleId = slug ? placed.articles.get(slug) : undefined;
        const kind = text(row, 'kind') ?? 'correction';
        const note = text(row, 'note');
        const created = readTimestamp(row, 'created', errors);
        const updated = readTimestamp(row, 'updated', errors) ?? null;
        const withdrawn = readTimestamp(row, 'withdrawn', errors) ?? null;
        const reason = text(row, 'withdrawn_reason');
        if (articleId === undefined || !note || !created || !['correction', 'update'].includes(kind)) {
          errors.push({
            field: `[${index}]`,
            message:
              'needs the slug of an imported article, a kind (correction or update), a note and a created time',
          });
          continue;
        }
        if (withdrawn !== null && !reason) {
          errors.push({
            field: `[${index}].withdrawn_reason`,
            message: 'must say why the correction was withdrawn',
          });
          continue;
        }
        const kindTooLong = tooLong(kind, 20);
        if (kindTooLong) {
          errors.push({ field: `[${index}].kind`, message: kindTooLong });
          continue;
        }
        let known = here.get(articleId);
        if (!known) {
          known = await repos.corrections.listFor(articleId);
          here.set(articleId, known);
        }
        const read = {
          kind,
          note: stripXmlForbidden(note),
          updatedAt: updated,
          withdrawnAt: withdrawn,
          withdrawnReason: withdrawn !== null && reason ? stripXmlForbidden(reason) : null,
        };
        // The same correction read back is the one made at the same moment on the same article;
        // it takes the file's text and state when it was edited or withdrawn since.
        const same = known.find((c) => Date.parse(c.createdAt) === Date.parse(created));
        if (same) {
          if (!sameCorrection(same, read)) {
            await repos.corrections.update(same.id, read);
            Object.assign(same, read);
            changes.count += 1;
          }
          continue;
        }
        const record = { articleId, createdAt: created, ...read };
        const id = await repos.corrections.add(record);
        known.push({ id, ...record });
        changes.count += 1;
      }
    },
  );
  if (corrections) outcomes.push(corrections);

  const redirects = await part(
    ctx,
    path.join(folder, 'redirects.yaml'),
    'redirects',
    async (repos, rows, errors, changes) => {
      const stamp = toIsoTimestamp(ctx.now());
      for (const [index, row] of rows.entries()) {
        const from = text(row, 'from');
        const to = text(row, 'to');
        const status = typeof row.status === 'number' ? row.status : 301;
        const tooLongPath = tooLong(from, MAX_REDIRECT_PATH_LENGTH) ?? tooLong(to, MAX_REDIRECT_PATH_LENGTH);
        if (tooLongPath) {
          errors.push({ field: `[${index}]`, message: `an address ${tooLongPath}` });
          continue;
        }
        const existing = from ? await repos.redirects.find(from) : undefined;
        const created = timeOf(row, 'created', errors, `[${index}]`) ?? stamp;
        if (from?.startsWith('/') && status === 410 && !to) {
          if (existing?.statusCode !== 410) {
            await repos.redirects.markGone(from, created);
            changes.count += 1;
          }
          continue;
        }
        if (!from?.startsWith('/') || !to || ![301, 302, 307, 308].includes(status)) {
          errors.push({
            field: `[${index}]`,
            message: 'needs a from path, and a to path or URL with a 30x status (or status 410 alone)',
          });
          continue;
        }
        // Checked as the editor checks a link: no "//host", "/\\host", other scheme or control character.
        if (!isLinkTarget(to)) {
          errors.push({
            field: `[${index}].to`,
            message: 'must be an address on this site (starting with one /) or an http or https URL',
          });
          continue;
        }
        if (existing?.toPath === to && existing.statusCode === status) continue;
        await repos.redirects.put({ fromPath: from, toPath: to, statusCode: status }, created);
        changes.count += 1;
      }
    },
  );
  if (redirects) outcomes.push(redirects);
  return outcomes;
}

const PAGE_KEYS = new Set(['title', 'slug', 'status', 'navigation', 'position', 'created', 'updated']);

/** One page file of the export: front matter with title, slug, status, navigation and position. */
async function importPageFile(
  ctx: ServiceContext,
  file: string,
  options: { actor: string; folder: string; placed: PlacedItems },
): Promise<ImportFileOutcome> {
  const { actor, folder, placed } = options;
  const source = await readFile(file, 'utf8');
  const match = FRONT_MATTER.exec(source);
  const errors: FieldError[] = [];
  const data = match
    ? (parseDocument(match[1] ?? '', { uniqueKeys: true }).toJS({ maxAliasCount: 50 }) as unknown)
    : null;
  if (!match || data === null || typeof data !== 'object' || Array.isArray(data))
    return {
      file,
      status: 'failed',
      errors: [{ field: '(front matter)', message: 'missing or not a mapping' }],
    };
  const row = data as Row;
  for (const key of Object.keys(row))
    if (!PAGE_KEYS.has(key))
      errors.push({ field: key, message: `is not a page field (${[...PAGE_KEYS].join(', ')})` });
  const title = text(row, 'title');
  const slug = text(row, 'slug');
  if (!title) errors.push({ field: 'title', message: 'is required' });
  if (!slug) errors.push({ field: 'slug', message: 'is required' });
  const status = text(row, 'status') === 'draft' ? 'draft' : 'published';
  if (row.status !== undefined && row.status !== 'published' && row.status !== 'draft')
    errors.push({ field: 'status', message: 'must be published or draft' });
  if (row.navigation !== undefined && typeof row.navigation !== 'boolean')
    errors.push({ field: 'navigation', message: 'must be true or false' });
  if (row.position !== undefined && !Number.isInteger(row.position))
    errors.push({ field: 'position', message: 'must be a whole number' });
  const createdAt = readTimestamp(row, 'created', errors);
  const modifiedAt = readTimestamp(row, 'updated', errors);
  if (errors.length > 0 || !title || !slug) return { file, status: 'failed', errors };
  const history = await exportedHistory(folder, 'pages', slug);
  const draft = {
    title,
    bodyMarkdown: source.slice(match[0].length).trim(),
    status,
    showInNavigation: row.navigation === true,
    position: typeof row.position === 'number' ? row.position : 0,
  } as const;
  try {
    const { id, outcome, pageSlug, warning } = await ctx.store.transaction(async (repos) => {
      const placement = await placeImportedPage(repos, {
        source: MARKDOWN_SOURCE,
        sourceId: slug,
        slug,
        createdAt,
        ref: file,
      });
      const existing = placement.existing;
      if (existing) {
        await rememberFile(repos, { entityType: 'page', slug, id: existing.id, now: ctx.now() });
        const kept = { id: existing.id, pageSlug: existing.slug };
        const isSame =
          existing.slug === placement.slug &&
          existing.title === draft.title.trim() &&
          existing.bodyMarkdown === draft.bodyMarkdown &&
          existing.status === draft.status &&
          existing.showInNavigation === draft.showInNavigation &&
          existing.position === draft.position;
        if (isSame) return { ...kept, outcome: 'unchanged' as const, warning: placement.warning };
        if (!(await isAsImported(repos, { type: 'page', id: existing.id }, { actor, history })))
          return {
            ...kept,
            outcome: 'skipped' as const,
            warning: [EDITED_HERE, placement.warning].filter(Boolean).join('; '),
          };
      }
      const saved = await savePageIn(
        repos,
        { slug: placement.slug, ...draft },
        {
          actor,
          now: ctx.now(),
          createdAt,
          modifiedAt,
          note: MARKDOWN_REVISION_NOTE,
          ...(existing ? { id: existing.id } : {}),
        },
      );
      if (!existing) {
        if (history.length > 0)
          await repos.revisions.replaceHistory(
            'page',
            saved.page.id,
            await localHistory(repos, 'page', history),
          );
        await rememberFile(repos, { entityType: 'page', slug, id: saved.page.id, now: ctx.now() });
      }
      return {
        id: saved.page.id,
        pageSlug: saved.page.slug,
        outcome: existing ? ('updated' as const) : ('imported' as const),
        warning: placement.warning,
      };
    });
    placed.pages.set(slug, id);
    if (outcome === 'imported' || outcome === 'updated') ctx.changes.publish({ kind: 'everything' });
    return { file, status: outcome, slug: pageSlug, ...(warning ? { warning } : {}) };
  } catch (error) {
    if (isAppError(error))
      return {
        file,
        status: 'failed',
        errors: error.details ?? [{ field: '(page)', message: error.message }],
      };
    throw error;
  }
}

function sameCorrection(a: CorrectionChange, b: CorrectionChange): boolean {
  const time = (t: string | null) => (t === null ? null : Date.parse(t));
  return (
    a.kind === b.kind &&
    a.note === b.note &&
    time(a.updatedAt) === time(b.updatedAt) &&
    time(a.withdrawnAt) === time(b.withdrawnAt) &&
    a.withdrawnReason === b.withdrawnReason
  );
}
