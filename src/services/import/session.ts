import { createHash } from 'node:crypto';
import { renderMarkdown } from '../../content/markdown.ts';
import type { Article } from '../../domain/article.ts';
import { ARTICLE_LIMITS, type ArticleDraft, toIsoTimestamp, withCleanText } from '../../domain/article.ts';
import type { Comment } from '../../domain/comment.ts';
import { tooLong } from '../../domain/limits.ts';
import {
  EDITED_HERE,
  emptyReport,
  type ItemOutcome,
  type MigrationReport,
  type ReportCounts,
  type ReportKind,
  type ReportSink,
  type SkippedThing,
  type SourceItem,
} from '../../domain/migration-report.ts';
import { PAGE_LIMITS } from '../../domain/page.ts';
import { articlePath } from '../../domain/paths.ts';
import { PERSON_LIMITS, type Person, validatePerson } from '../../domain/person.ts';
import type { CommentRecord } from '../../domain/ports/comment-store.ts';
import {
  type ImportedEntityType,
  MAX_SOURCE_KEY_LENGTH,
  type SourceKey,
  sourceKeyOf,
} from '../../domain/ports/import-source-store.ts';
import type { MediaItem } from '../../domain/ports/media-store.ts';
import { MAX_REDIRECT_PATH_LENGTH, type Redirect } from '../../domain/ports/redirect-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import {
  importedPageSlugs,
  isSlugCut,
  isValidSlug,
  numberedSlugs,
  RESERVED_SLUGS,
  slugify,
  slugWithSuffix,
  termSlug,
} from '../../domain/slug.ts';
import { type Taxonomy, TERM_LIMITS, type Term } from '../../domain/taxonomy.ts';
import { cleanLine, clipText, trimEndOf } from '../../domain/text.ts';
import { wordPressQueryAddressAt } from '../../domain/wordpress-address.ts';
import { isAppError } from '../../errors.ts';
import {
  type DeferredArticleWrites,
  deferredArticleWrites,
  draftOf,
  flushArticleWrites,
  type RenderedBody,
  saveArticleIn,
} from '../articles.ts';
import type { ServiceContext } from '../context.ts';
import { type PageDraft, savePageIn } from '../pages.ts';
import { findOrCreatePerson } from '../people.ts';
import { keepRevision } from '../revision-log.ts';
import { cleanText } from './html-to-markdown.ts';

export {
  EDITED_HERE,
  emptyReport,
  type ItemOutcome,
  type MigrationReport,
  type ReportCounts,
  type ReportKind,
  type ReportSink,
  type SkippedThing,
  type SourceItem,
};

/** What a source item reads as once an import was undone because `failures` other items failed. */
export function rolledBackItem(item: SourceItem, failures: number): SourceItem {
  return item.outcome === 'failed'
    ? item
    : { ...item, outcome: 'skipped', reason: `not imported: ${failures} other item(s) failed (strict)` };
}

/**
 * The report of an import undone because `failures` items failed (--strict): nothing was
 * written, so every item is skipped, and the failures say why. Items that went to a sink are
 * read back through `rolledBackItem` by whoever holds the sink.
 */
export function rolledBackReport(report: MigrationReport, failures: number): MigrationReport {
  const undone = emptyReport(report.source);
  undone.isRolledBack = true;
  // Nothing was written: what would have been is counted as skipped, the failures as failed.
  for (const [kind, counts] of Object.entries(report.counts) as [ReportKind, ReportCounts][])
    undone.counts[kind] = {
      imported: 0,
      updated: 0,
      unchanged: 0,
      skipped: counts.imported + counts.updated + counts.unchanged + counts.skipped,
      failed: counts.failed,
    };
  if (report.stoppedBy) undone.stoppedBy = report.stoppedBy;
  undone.warnings = [
    ...report.warnings,
    report.stoppedBy
      ? `nothing was imported: the import was stopped by ${report.stoppedBy} and was strict`
      : `nothing was imported: ${failures} item(s) failed and the import was strict`,
  ];
  undone.items = report.items.map((item) => rolledBackItem(item, failures));
  return undone;
}

/**
 * Whether an import between two batches was asked to stop; if so, the report says what asked and
 * how far the import got.
 */
export async function stopRequested(
  signal: AbortSignal | undefined,
  session: ImportSession,
  done: number,
  total: number,
): Promise<boolean> {
  if (!signal) return false;
  // Writing to SQLite never waits, so without this turn of the event loop a signal that came
  // during a batch would be seen only once the whole import is done.
  await new Promise((resolve) => setImmediate(resolve));
  if (!signal.aborted) return false;
  const reason = typeof signal.reason === 'string' ? signal.reason : 'a request to stop';
  session.report.stoppedBy = `${reason} after ${done} of ${total} items`;
  return true;
}

/** Thrown inside a strict import's transaction to undo it; the importer catches it. */
export class StrictRollback extends Error {}

/** Runs one batch of an import's writes, given the transaction's repositories. */
export type BatchRunner = (work: (repos: Repositories) => Promise<void>) => Promise<void>;

/**
 * Writes an import as its importer's `writeAll` lays it out: each batch in a transaction of its
 * own, or, strict, everything in one transaction undone if any item failed. Caches are told
 * once, after whatever was written.
 */
export async function writeImport(
  ctx: ServiceContext,
  session: ImportSession,
  options: {
    isStrict?: boolean | undefined;
    /** Takes back what a strict import wrote outside the database (files), once it is undone. */
    onUndone?: (() => Promise<void>) | undefined;
  },
  writeAll: (inBatch: BatchRunner) => Promise<void>,
): Promise<MigrationReport> {
  if (!options.isStrict) {
    let isWritten = false;
    try {
      await writeAll(async (work) => {
        await ctx.store.transaction(work);
        isWritten = true;
      });
    } finally {
      if (isWritten) ctx.changes.publish({ kind: 'everything' });
    }
    return session.report;
  }
  try {
    await ctx.store.transaction(async (repos) => {
      await writeAll((work) => work(repos));
      if (session.failures > 0 || session.report.stoppedBy) throw new StrictRollback();
    });
  } catch (error) {
    await options.onUndone?.();
    if (error instanceof StrictRollback) return rolledBackReport(session.report, session.failures);
    throw error;
  }
  ctx.changes.publish({ kind: 'everything' });
  return session.report;
}

/** A short copy of a text that keeps no larger string alive (parsers hand out slices). */
function itemTitle(text: string | null | undefined): string {
  const clipped = (text ?? '').trim().slice(0, 120);
  return Buffer.from(clipped, 'utf8').toString('utf8');
}

/** Keeps a report's lists in the report itself: for imports small enough to hold in memory. */
function reportLists(report: MigrationReport): ReportSink {
  return {
    item: (item) => report.items.push(item),
    amend: (index, outcome) => {
      const item = report.items[index];
      if (item) item.outcome = outcome;
    },
    skipped: (thing) => report.skipped.push(thing),
    warning: (message) => report.warnings.push(message),
  };
}

/** Progress of a long import, for a progress bar. */
export interface ImportProgress {
  phase: 'reading' | 'writing';
  done: number;
  total: number;
}

/** What a batch of items needs looked up, all at once (ImportSession.beginBatch). */
export interface BatchKeys {
  sources: { entityType: ImportedEntityType; sourceId: string }[];
  /** Slugs the batch's articles would take (articleSlugBase of each). */
  slugs: string[];
  /** Old paths the batch redirects from (normalized). */
  redirects: string[];
}

/** A batch's lookups, made up front, and the writes it leaves for its end. */
interface Batch {
  /** Source keys looked up (sourceKeyOf), and what each is mapped to (absent: nothing). */
  looked: Set<string>;
  mapped: Map<string, number>;
  articles: Map<number, Article>;
  comments: Map<number, Comment>;
  media: Map<number, MediaItem>;
  /** Slugs looked up, and the live article that has each (null: none). */
  slugs: Map<string, number | null>;
  /** Paths looked up, and their redirect (null: none). */
  redirects: Map<string, Redirect | null>;
  /** Where the redirects above lead: a new redirect from one of these repoints them. */
  redirectTargets: Set<string>;
  sourceWrites: (SourceKey & { entityId: number })[];
  /** New comments, by the source id they are remembered under. */
  commentWrites: Map<string, CommentRecord & { sourceId: string }>;
  redirectWrites: Redirect[];
  articleWrites: DeferredArticleWrites;
}

/**
 * The writing half of an import from another system: remembers what each source entity became
 * (so a re-run updates in place), keeps slugs unique, and fills the report. Everything it knows
 * about earlier runs and other items it asks the database, one indexed lookup at a time, so its
 * memory does not grow with the archive; the report's lists go to a sink when one is given.
 */
export class ImportSession {
  readonly report: MigrationReport;
  private taxonomies: Taxonomy[] = [];
  private readonly sink: ReportSink;

  /** The repositories of the transaction being written; a batched import binds each batch's. */
  repos: Repositories;

  readonly source: string;

  readonly options: { actor: string; now: Date };

  /**
   * Whether a source id remembered under this source is one of this file's items. A source key
   * names a site for WordPress, so all of its ids are; Ghost exports do not name their site, so
   * Ghost imports share one source and answer from the file.
   */
  private readonly isOwnSourceId: (sourceId: string) => boolean;

  /** How many source items failed (an item that could not be converted, say). */
  failures = 0;

  private batch: Batch | null = null;

  /** People and terms this import made or found, for its articles' relations (as many as the source has). */
  private readonly knownPeople = new Map<number, Person>();
  private readonly knownTerms = new Map<number, Term>();
  /** Which source term each term this source made or took is remembered for (term id → source id). */
  private termOwners = new Map<number, string>();

  constructor(
    repos: Repositories,
    source: string,
    options: {
      actor: string;
      now: Date;
      sink?: ReportSink | undefined;
      isOwnSourceId?: ((sourceId: string) => boolean) | undefined;
    },
  ) {
    this.isOwnSourceId = options.isOwnSourceId ?? (() => true);
    this.repos = repos;

    this.source = keptSourceId(source);

    this.options = { actor: options.actor, now: options.now };
    this.report = emptyReport(source);
    this.sink = options.sink ?? reportLists(this.report);
  }

  async load(): Promise<void> {
    this.taxonomies = await this.repos.taxonomies.listTaxonomies();
    // A source has as many terms as it has, a few thousand at most: who owns which is kept at hand.
    const terms = await this.repos.importSources.mapOf(this.source, 'term');
    this.termOwners = new Map([...terms].map(([sourceId, id]) => [id, sourceId]));
  }

  /** Writes what follows with another transaction's repositories (the next batch of a long import). */
  bind(repos: Repositories): void {
    this.repos = repos;
  }

  /**
   * Looks up, in a few queries, what a batch of items will ask about (what earlier runs made of
   * them, the slugs and old paths they want); until endBatch, the writes that nothing later in
   * the batch reads back (mappings, redirects, new articles' relations, search entries, counts
   * and revisions) wait, and endBatch makes them in a few statements. Both run in the batch's
   * transaction, so a batch still lands whole or not at all.
   */
  async beginBatch(keys: BatchKeys): Promise<void> {
    const repos = this.repos;
    const sources = keys.sources.map((k) => ({
      entityType: k.entityType,
      sourceId: keptSourceId(k.sourceId),
      origin: this.originOf(k.sourceId),
    }));
    const looked = new Set(sources.map((k) => sourceKeyOf(k.entityType, k.sourceId)));
    const mapped = await repos.importSources.findMany(
      this.source,
      sources.map(({ entityType, sourceId }) => ({ entityType, sourceId })),
    );
    const unmappedComments = sources.filter(
      (k) => k.entityType === 'comment' && !mapped.has(sourceKeyOf(k.entityType, k.sourceId)),
    );
    if (unmappedComments.length > 0) {
      const carried = await repos.comments.idsBySourceIds(unmappedComments.map((k) => k.origin));
      for (const k of unmappedComments) {
        const id = carried.get(k.origin);
        if (id !== undefined) mapped.set(sourceKeyOf('comment', k.sourceId), id);
      }
    }
    const idsOf = (type: ImportedEntityType) =>
      [...mapped].filter(([key]) => key.startsWith(`${type}:`)).map(([, id]) => id);
    const articles = await repos.articles.findByIds(idsOf('article'));
    const comments = await repos.comments.findByIds(idsOf('comment'));
    const media = await repos.media.findByIds(idsOf('media'));
    const owners = await repos.articles.slugOwners(keys.slugs);
    const redirects = await repos.redirects.findMany(keys.redirects);
    this.batch = {
      looked,
      mapped,
      articles: new Map(articles.map((a) => [a.id, a])),
      comments: new Map(comments.map((c) => [c.id, c])),
      media: new Map(media.map((m) => [m.id, m])),
      slugs: new Map(keys.slugs.map((slug) => [slug, owners.get(slug) ?? null])),
      redirects: new Map([
        ...keys.redirects.map((path) => [path, null] as const),
        ...redirects.map((r) => [r.fromPath, r] as const),
      ]),
      redirectTargets: new Set(redirects.map((r) => r.toPath)),
      sourceWrites: [],
      commentWrites: new Map(),
      redirectWrites: [],
      articleWrites: deferredArticleWrites(),
    };
  }

  /** Makes the writes the batch left for its end; lookups go to the database again. */
  async endBatch(): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    await this.flushComments(batch);
    await this.repos.importSources.putMany(batch.sourceWrites, this.timestamp);
    await this.flushRedirects(batch);
    await flushArticleWrites(this.repos, batch.articleWrites);
    this.batch = null;
  }

  /**
   * Adds a new comment remembered under `sourceId`: at the batch's end with the others, when
   * in a batch and nothing needs its id before then, else now. Returns its id if it has one.
   */
  async addComment(
    sourceId: string,
    record: CommentRecord & { sourceId: string },
    options: { isIdNeeded: boolean },
  ): Promise<number | undefined> {
    const batch = this.batch;
    if (batch && !options.isIdNeeded && !batch.commentWrites.has(sourceId)) {
      batch.commentWrites.set(sourceId, record);
      return undefined;
    }
    // An id repeated within the batch: the earlier one is written first, as it would have been.
    if (batch?.commentWrites.has(sourceId)) await this.flushComments(batch);
    const id = await this.repos.comments.insert(record);
    await this.remember('comment', sourceId, id);
    return id;
  }

  private async flushComments(batch: Batch): Promise<void> {
    if (batch.commentWrites.size === 0) return;
    const pending = [...batch.commentWrites];
    batch.commentWrites = new Map();
    const ids = await this.repos.comments.insertMany(pending.map(([, record]) => record));
    for (const [index, [sourceId]] of pending.entries())
      await this.remember('comment', sourceId, ids[index] as number);
  }

  private async flushRedirects(batch: Batch): Promise<void> {
    await this.repos.redirects.putMany(batch.redirectWrites, this.timestamp);
    batch.redirectWrites = [];
  }

  /** A comment the batch looked up. */
  batchComment(id: number): Comment | undefined {
    return this.batch?.comments.get(id);
  }

  /** A media entry the batch looked up. */
  batchMedia(id: number): MediaItem | undefined {
    return this.batch?.media.get(id);
  }

  taxonomy(slug: string): Taxonomy | undefined {
    return this.taxonomies.find((t) => t.slug === slug);
  }

  get timestamp(): string {
    return toIsoTimestamp(this.options.now);
  }

  /** The outcome of the last thing counted, for the source item that caused it. */
  lastOutcome: keyof ReportCounts = 'unchanged';

  /** Why the last thing was skipped, refused or changed on its way in (none: nothing to say). */
  lastReason: string | undefined;

  /** Whether the last thing was refused (a value it cannot have here): its source item failed. */
  private isLastRefused = false;

  /** Notes on the source item being written (a value shortened or left out), for its report line. */
  private itemNotes: string[] = [];

  /** How many source items were recorded (item). */
  private itemsRecorded = 0;

  /**
   * What became of the last thing written, as its source item's outcome, with the notes made on
   * the item so far (which it takes: they are on this line, not the next).
   */
  lastDone(): { outcome: ItemOutcome; reason?: string } {
    const outcome: ItemOutcome = this.isLastRefused ? 'failed' : this.lastOutcome;
    const reason = this.takeNotes(this.lastReason);
    return reason === undefined ? { outcome } : { outcome, reason };
  }

  /**
   * `done` with the notes made on the item since it was taken (an old address left leading
   * elsewhere), for an item whose line is written after others (a post's, after its comments').
   */
  withNotes(done: { outcome: ItemOutcome; reason?: string }): { outcome: ItemOutcome; reason?: string } {
    const reason = this.takeNotes(done.reason);
    return reason === undefined ? { outcome: done.outcome } : { outcome: done.outcome, reason };
  }

  /** The reason given, followed by the notes made on the item since the last one was recorded. */
  private takeNotes(reason: string | undefined): string | undefined {
    const all = [...(reason ? [reason] : []), ...this.itemNotes];
    this.itemNotes = [];
    return all.length > 0 ? all.join('; ') : undefined;
  }

  /**
   * Notes that a value of the item being written was shortened or left out: on the item's report
   * line, and among the report's notes.
   */
  note(ref: string, message: string): void {
    this.itemNotes.push(message);
    this.warn(`${ref}: ${message}`);
  }

  /** A text cut to `limit` characters, noted when it was cut (a title, a name). */
  clipped(ref: string, field: string, text: string, limit: number): string {
    const kept = clipText(text, limit);
    if (kept !== text) this.note(ref, `${field} shortened: it ${tooLong(text, limit)}`);
    return kept;
  }

  /** A slug made of `text`, noted when it had to be cut short. */
  slugOf(ref: string, text: string): string {
    if (isSlugCut(text)) this.note(ref, 'slug shortened to 120 characters');
    return slugify(text);
  }

  count(kind: ReportKind, outcome: keyof ReportCounts): void {
    this.report.counts[kind][outcome] += 1;
    this.lastOutcome = outcome;
    this.lastReason = undefined;
    this.isLastRefused = false;
  }

  /**
   * Runs `work` (making a person or term the source names but does not list, for a post) without
   * counting it: the report's table counts what its list of items lists. Returns what `work`
   * returned and whether it made something new.
   */
  async uncounted<T>(kind: ReportKind, work: () => Promise<T>): Promise<{ value: T; isNew: boolean }> {
    const before = { ...this.report.counts[kind] };
    const value = await work();
    const isNew = this.report.counts[kind].imported > before.imported;
    this.report.counts[kind] = before;
    return { value, isNew };
  }

  /** Records what became of one item of the source file; returns its place in the report's list. */
  item(entry: {
    kind: string;
    id: string | null;
    title?: string | null;
    outcome: ItemOutcome;
    reason?: string;
  }): number {
    if (entry.outcome === 'failed') this.failures += 1;
    const reason = this.takeNotes(entry.reason);
    this.itemsRecorded += 1;
    this.sink.item({
      kind: entry.kind,
      id: itemTitle(entry.id ?? '(no id)'),
      title: itemTitle(entry.title),
      outcome: entry.outcome,
      ...(reason ? { reason: withoutPlaceholders(reason) } : {}),
    });
    return this.itemsRecorded - 1;
  }

  /**
   * Counts an article or page that read unchanged, and its item (recorded `index`th), as updated:
   * the last pass pointed its links at items written after it. An import stopped before that pass
   * leaves such links behind, and the run that completes it finds the body as that one left it.
   */
  rewritten(kind: 'article' | 'page', index: number): void {
    this.report.counts[kind].unchanged -= 1;
    this.report.counts[kind].updated += 1;
    this.sink.amend(index, 'updated');
  }

  skip(kind: ReportKind, ref: string, reason: string): void {
    this.count(kind, 'skipped');
    this.lastReason = reason;
    this.sink.skipped({ kind, ref, reason: withoutPlaceholders(reason) });
  }

  /**
   * Records that a thing failed: something about it (a date that does not exist, a body that
   * cannot be converted) keeps it out. Counted as failed, and listed with what was left out.
   */
  fail(kind: ReportKind, ref: string, reason: string): void {
    this.count(kind, 'failed');
    this.lastReason = reason;
    this.isLastRefused = true;
    this.sink.skipped({ kind, ref, reason: withoutPlaceholders(reason), isFailed: true });
  }

  /**
   * Records that a thing was refused: a value it has cannot be kept here (too long, say). Its
   * source item fails, so a strict import stops; the reason names the field.
   */
  refuse(kind: ReportKind, reason: string): void {
    this.count(kind, 'failed');
    this.lastReason = reason;
    this.isLastRefused = true;
  }

  warn(message: string): void {
    this.sink.warning(withoutPlaceholders(message));
  }

  /**
   * What a comment or a media entry made from source item `sourceId` records as its origin (the
   * source, then the id), as short as the column it is kept in.
   */
  originOf(sourceId: string): string {
    return keptSourceId(`${this.source}#${sourceId}`);
  }

  async mapped(entityType: ImportedEntityType, rawSourceId: string): Promise<number | undefined> {
    const sourceId = keptSourceId(rawSourceId);
    const key = sourceKeyOf(entityType, sourceId);
    // A comment the batch has yet to write (its id repeated in the file) is written first.
    if (entityType === 'comment' && this.batch?.commentWrites.has(rawSourceId))
      await this.flushComments(this.batch);
    if (this.batch?.looked.has(key)) return this.batch.mapped.get(key);
    const id = await this.repos.importSources.find({ source: this.source, sourceId, entityType });
    // Comments carry their origin themselves (exports keep it there, not in import_sources), so a
    // re-import after a restore still finds them.
    if (id !== undefined || entityType !== 'comment') return id;
    return this.repos.comments.findIdBySourceId(this.originOf(rawSourceId));
  }

  async remember(entityType: ImportedEntityType, rawSourceId: string, entityId: number): Promise<void> {
    const sourceId = keptSourceId(rawSourceId);
    if (entityType === 'term') this.termOwners.set(entityId, sourceId);
    if (this.batch) {
      const key = sourceKeyOf(entityType, sourceId);
      this.batch.looked.add(key);
      this.batch.mapped.set(key, entityId);
      this.batch.sourceWrites.push({ source: this.source, sourceId, entityType, entityId });
      return;
    }
    await this.repos.importSources.put(
      { source: this.source, sourceId, entityType },
      entityId,
      this.timestamp,
    );
  }

  /** The note this import's revisions carry: it tells what the import wrote from edits made here. */
  get revisionNote(): string {
    return `imported from ${this.source}`;
  }

  /**
   * Whether something this import wrote was changed here since (in the admin, or by another
   * import): its latest revision is not this import's. Such a thing is left as it was. Revisions
   * kept before imports noted theirs carry no note, only this import's actor.
   */
  async isEditedHere(entityType: 'article' | 'page' | 'person' | 'term', id: number): Promise<boolean> {
    const [latest] = await this.repos.revisions.list(entityType, id);
    if (!latest || latest.note === this.revisionNote) return false;
    return !(entityType !== 'article' && latest.note === null && latest.actor === this.options.actor);
  }

  /** Counts a thing edited here since this import wrote it, left as it was (isEditedHere). */
  private keepEdited(kind: ReportKind, ref: string): void {
    this.skip(kind, ref, EDITED_HERE);
  }

  /** A person for a source author: the one made last time, else one found by name, else a new one. */
  async person(sourceId: string, ref: Parameters<ImportSession['personOf']>[1]): Promise<Person> {
    const person = await this.personOf(sourceId, ref);
    this.knownPeople.set(person.id, person);
    return person;
  }

  private async personOf(
    sourceId: string,
    ref: {
      name: string;
      slug?: string;
      bio?: string | null;
      email?: string | null;
      website?: string | null;
      photo?: string | null;
      /** The name is only a login: keep the stored name of a person found again. */
      isNameKept?: boolean;
    },
  ): Promise<Person> {
    // As a person's name is stored (without bidirectional controls), so that a re-run finds it unchanged.
    const fullName = cleanLine(cleanText(ref.name)).trim();
    const name =
      this.clipped(`author “${clipText(fullName, 60)}”`, 'name', fullName, PERSON_LIMITS.name) ||
      'Unknown author';
    ref = this.keptProfile(name, ref);
    const previous = await this.mapped('person', sourceId);
    const existing = previous === undefined ? undefined : await this.repos.people.findById(previous);
    if (existing) {
      const bio = ref.bio?.trim() || existing.bio;
      const next = {
        ...existing,
        name: ref.isNameKept ? existing.name : name,
        bio,
        bioHtml: bio ? await renderMarkdown(bio, { field: 'authors' }) : null,
        email: ref.email?.trim() || existing.email,
        website: ref.website?.trim() || existing.website,
        photo: ref.photo?.trim() || existing.photo,
      };
      const isChanged =
        next.name !== existing.name ||
        next.bio !== existing.bio ||
        next.email !== existing.email ||
        next.website !== existing.website ||
        next.photo !== existing.photo;
      if (isChanged && (await this.isEditedHere('person', existing.id))) {
        this.keepEdited('person', `author “${clipText(existing.name, 60)}”`);
        return existing;
      }
      if (isChanged) {
        const record = { ...next, updatedAt: this.timestamp };
        await this.repos.people.update(existing.id, record);
        await keepRevision(this.repos, {
          entityType: 'person',
          entityId: existing.id,
          actor: this.options.actor,
          snapshot: record,
          createdAt: this.timestamp,
          note: this.revisionNote,
        });
        this.count('person', 'updated');
      } else {
        this.count('person', 'unchanged');
      }
      return next;
    }
    const slug = this.slugOf(`author “${clipText(name, 60)}”`, ref.slug || name);
    let isNew = false;
    let isKept = false;
    // A person already here (made by hand or by another source) is credited as they are: their
    // profile is not this source's to rewrite, now or when the import runs again.
    const person = await findOrCreatePerson(
      this.repos,
      {
        name,
        slug: slug || undefined,
        bio: ref.bio ?? undefined,
        email: ref.email ?? undefined,
        website: ref.website ?? undefined,
      },
      this.options.now,
      this.options.actor,
      {
        onCreated: async () => {
          isNew = true;
        },
        onProfileKept: () => {
          isKept = true;
        },
      },
    );
    const photo = ref.photo?.trim() || null;
    if (!isNew) {
      this.count('person', 'unchanged');
      // Not made by this import, and left as it is: "unchanged" alone would read as if it were.
      this.lastReason = `credited to “${clipText(person.name, 60)}” (${person.slug}), a person already here, whose profile is left as it is`;
      if (isKept || (photo !== null && photo !== person.photo) || (!ref.isNameKept && name !== person.name))
        this.warn(
          `author “${clipText(name, 60)}”: credited to the person “${clipText(person.name, 60)}” (${person.slug}) already here, whose profile was kept`,
        );
      return person;
    }
    this.count('person', 'imported');
    await this.remember('person', sourceId, person.id);
    if (photo && person.photo !== photo) {
      const record = { ...person, photo, updatedAt: this.timestamp };
      await this.repos.people.update(person.id, record);
      return record;
    }
    return person;
  }

  /**
   * The profile fields of a source author that can be kept: one that is too long or not what it
   * should be (an address that is no http(s) URL) is left out, with a note, rather than costing
   * the author and every post that credits them.
   */
  private keptProfile<
    R extends { bio?: string | null; email?: string | null; website?: string | null; photo?: string | null },
  >(name: string, ref: R): R {
    const kept = { ...ref };
    const fields = {
      bio: ref.bio?.trim() || null,
      email: ref.email?.trim() || null,
      website: ref.website?.trim() || null,
      photo: ref.photo?.trim() || null,
    };
    for (const problem of validatePerson({ name, ...fields })) {
      const field = problem.field as keyof typeof fields;
      if (!(field in fields) || kept[field] == null) continue;
      kept[field] = null as R[typeof field];
      this.warn(`author “${clipText(name, 60)}”: ${field} left out: ${problem.message}`);
    }
    return kept;
  }

  /**
   * A term of one of our taxonomies for a source term; `parent` is the parent term's id when the
   * taxonomy is hierarchical. Keeps the source slug when it is a valid one.
   */
  async term(
    sourceId: string,
    taxonomy: Taxonomy,
    ref: { name: string; slug: string | null; description?: string | null; parentId?: number | null },
  ): Promise<Term> {
    const term = await this.termOf(sourceId, taxonomy, ref);
    this.knownTerms.set(term.id, term);
    return term;
  }

  /** A term this import made or found, by id. */
  knownTerm(id: number): Term | undefined {
    return this.knownTerms.get(id);
  }

  private async termOf(
    sourceId: string,
    taxonomy: Taxonomy,
    ref: { name: string; slug: string | null; description?: string | null; parentId?: number | null },
  ): Promise<Term> {
    const fullName = cleanLine(cleanText(ref.name)).trim();
    const termRef = `term “${clipText(fullName || (ref.slug ?? ''), 60)}”`;
    const name = this.clipped(termRef, 'name', fullName, TERM_LIMITS.name) || ref.slug || '';
    // The source's own slug when it has one (WordPress and Ghost keep their terms' slugs
    // distinct), else one made of the name that keeps C# apart from C.
    const wanted = this.termSlugOf(termRef, decodeSlug(ref.slug ?? '')) || this.termSlugOf(termRef, name);
    const previous = await this.mapped('term', sourceId);
    let existing = previous === undefined ? undefined : await this.repos.taxonomies.findTermById(previous);
    let slug = wanted;
    if (!existing) {
      const bySlug = wanted ? await this.repos.taxonomies.findTerm(taxonomy.id, wanted) : undefined;
      const found = bySlug ?? (await this.repos.taxonomies.findTermByName(taxonomy.id, name));
      // A term already here is this one only if it has the same name and no other term of this
      // source took it: distinct terms of one export never merge into one.
      if (found && this.isSameTerm(found, name, sourceId)) existing = found;
      else if (bySlug) {
        slug = await this.freeTermSlug(taxonomy.id, wanted);
        this.note(
          termRef,
          `the slug "${wanted}" is the term “${clipText(bySlug.name, 60)}”'s, so this one is /${taxonomy.slug}/${slug}`,
        );
      }
    }
    const description = ref.description?.trim() ? cleanText(ref.description.trim()) : null;
    const parentId = taxonomy.isHierarchical ? (ref.parentId ?? null) : null;
    if (existing) {
      const next: Term = {
        ...existing,
        name,
        description: description ?? existing.description,
        descriptionHtml: description
          ? await renderMarkdown(description, { field: 'description' })
          : existing.descriptionHtml,
        parentId: parentId ?? existing.parentId,
      };
      if (next.parentId === existing.id) next.parentId = null;
      const isChanged =
        next.name !== existing.name ||
        next.description !== existing.description ||
        next.parentId !== existing.parentId;
      if (isChanged && previous === existing.id && (await this.isEditedHere('term', existing.id))) {
        this.keepEdited('term', `term “${clipText(existing.name, 60)}”`);
        return existing;
      }
      if (isChanged) {
        await this.repos.taxonomies.updateTerm(existing.id, next, this.timestamp);
        await this.termRevision(existing.id, next);
        this.count('term', 'updated');
      } else {
        this.count('term', 'unchanged');
      }
      if (previous !== existing.id) {
        await this.remember('term', sourceId, existing.id);
        // Found here rather than made: the source's term is merged into it, as its line says.
        this.lastReason = `merged into the term “${clipText(existing.name, 60)}” (/${taxonomy.slug}/${existing.slug}) already here`;
      }
      return next;
    }
    const record = {
      taxonomyId: taxonomy.id,
      slug: slug || (await this.freeTermSlug(taxonomy.id, `term-${this.report.counts.term.imported + 1}`)),
      name,
      description,
      descriptionHtml: description ? await renderMarkdown(description, { field: 'description' }) : null,
      parentId,
      position: 0,
    };
    const id = await this.repos.taxonomies.insertTerm(record, this.timestamp);
    await this.termRevision(id, record);
    this.count('term', 'imported');
    await this.remember('term', sourceId, id);
    return { id, ...record };
  }

  /** A term's slug made of `text`: kept as it is when it is a slug already, else spelt out (spelledSlug). */
  private termSlugOf(ref: string, text: string): string {
    if (!isValidSlug(text) && isSlugCut(text)) this.note(ref, 'slug shortened to 120 characters');
    return termSlug(text);
  }

  /** Whether a term found here by slug or name is the source term `name` (sourceId), not another. */
  private isSameTerm(found: Term, name: string, sourceId: string): boolean {
    const owner = this.termOwners.get(found.id);
    // Another term of this export took it (not a namesake from another export of the same kind).
    if (owner !== undefined && owner !== keptSourceId(sourceId) && this.isOwnSourceId(owner)) return false;
    return found.name.trim().toLowerCase() === name.trim().toLowerCase();
  }

  /** The first of `slug`, `slug-2`, `slug-3` … that no term of the taxonomy has. */
  private async freeTermSlug(taxonomyId: number, slug: string): Promise<string> {
    for (const candidate of numberedSlugs(slug))
      if (!(await this.repos.taxonomies.findTerm(taxonomyId, candidate))) return candidate;
    return slugWithSuffix(slug, `-${Date.now()}`);
  }

  /** A slug no other article uses, unless that article is the one being updated. */
  async articleSlug(wanted: string, fallback: string, ownId: number | undefined): Promise<string> {
    const base = articleSlugBase(wanted, fallback);
    for (const candidate of numberedSlugs(base)) {
      const owner = await this.slugOwner(candidate);
      if (owner === undefined || owner === ownId) return candidate;
    }
    return slugWithSuffix(base, `-${Date.now()}`);
  }

  private async slugOwner(slug: string): Promise<number | undefined> {
    const known = this.batch?.slugs.get(slug);
    if (known !== undefined) return known ?? undefined;
    return (await this.repos.articles.findBySlug(slug))?.id;
  }

  /**
   * Creates or updates the article a source item became. Returns its id and path, or undefined
   * (and a report entry) when the item cannot be saved.
   */
  async article(
    sourceId: string,
    ref: string,
    draft: ArticleDraft,
    /** When the item was made and last changed where it comes from (a new article keeps both). */
    dates: {
      createdAt?: string | null;
      modifiedAt?: string | null;
      /** The source gives no date (the draft says now): an article already made keeps its own. */
      isUndated?: boolean;
    } = {},
    rendered: RenderedBody | null = null,
  ): Promise<{ id: number; slug: string; path: string } | undefined> {
    const previous = await this.mapped('article', sourceId);
    const batch = this.batch;
    const existing =
      previous === undefined
        ? undefined
        : (batch?.articles.get(previous) ?? (await this.repos.articles.findById(previous)));
    // What an editor deleted here stays deleted: a re-import does not bring it back as new.
    if (previous !== undefined && !existing && (await this.repos.articles.findDeleted(previous))) {
      this.skip('article', ref, 'was deleted here, so it is not imported again (an admin can restore it)');
      return undefined;
    }
    if (isSlugCut(decodeSlug(draft.slug) || draft.title)) this.note(ref, 'slug shortened to 120 characters');
    const slug = await this.articleSlug(draft.slug, draft.title, existing?.id);
    const wanted = articleSlugBase(draft.slug, draft.title);
    const asked = slugify(decodeSlug(draft.slug)) || slugify(draft.title);
    if (!existing && RESERVED_SLUGS.has(asked))
      this.note(
        ref,
        `the slug "${asked}" is reserved for the site's own pages, so it is ${articlePath(slug)}`,
      );
    // An article this import did not make is never replaced: the imported one takes a free slug,
    // and the report says where.
    if (!existing && slug !== wanted)
      this.warn(
        `${articlePath(wanted)} is another article (written here, by another import or by another item of this one), left as it was: "${ref}" was imported as ${articlePath(slug)}`,
      );
    const complete: ArticleDraft = {
      ...draft,
      slug,
      publishedAt: dates.isUndated && existing?.publishedAt ? existing.publishedAt : draft.publishedAt,
      // Clipped rather than refused: a long title or excerpt is still the item's, only shorter.
      title: this.clipped(
        ref,
        'title',
        cleanLine(cleanText(draft.title)).trim() || 'Untitled',
        ARTICLE_LIMITS.title,
      ),
      summary: draft.summary
        ? this.clipped(ref, 'excerpt', cleanText(draft.summary).trim(), ARTICLE_LIMITS.summary) || null
        : null,
      bodyMarkdown: cleanText(draft.bodyMarkdown),
    };
    if (existing && sameDraft(draftOf(existing), complete)) {
      this.count('article', 'unchanged');
      return { id: existing.id, slug: existing.slug, path: articlePath(existing.slug) };
    }
    if (existing && (await this.isEditedHere('article', existing.id))) {
      this.keepEdited('article', ref);
      return { id: existing.id, slug: existing.slug, path: articlePath(existing.slug) };
    }
    try {
      // An update may redirect the article's old slug: the batch's redirects go first, in order.
      if (batch && existing) {
        await this.flushRedirects(batch);
        batch.redirects.clear();
        batch.redirectTargets.clear();
        batch.articles.delete(existing.id);
      }
      const result = await saveArticleIn(this.repos, complete, {
        actor: this.options.actor,
        now: this.options.now,
        note: this.revisionNote,
        createdAt: dates.createdAt ?? null,
        modifiedAt: dates.modifiedAt ?? draft.publishedAt,
        ...(rendered ? { rendered } : {}),
        ...(existing ? { id: existing.id } : {}),
        ...(batch && !existing
          ? {
              deferred: batch.articleWrites,
              isKnownNew: true,
              relations: {
                people: complete.authorIds.flatMap((id) => this.knownPeople.get(id) ?? []),
                terms: complete.termIds.flatMap((id) => this.knownTerms.get(id) ?? []),
              },
            }
          : {}),
      });
      if (batch) {
        if (existing && existing.slug !== result.article.slug) batch.slugs.set(existing.slug, null);
        batch.slugs.set(result.article.slug, result.article.id);
      }
      this.count('article', existing ? 'updated' : 'imported');
      if (!existing) await this.remember('article', sourceId, result.article.id);
      return { id: result.article.id, slug: result.article.slug, path: articlePath(result.article.slug) };
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'invalid') throw error;
      this.refuse('article', error.message);
      return undefined;
    }
  }

  /** Creates or updates a static page; a page at that slug that this import did not make is left alone. */
  async page(
    sourceId: string,
    ref: string,
    draft: PageDraft,
    /** When the page was made and last changed where it comes from. */
    dates: {
      createdAt?: string | null;
      modifiedAt?: string | null;
      /** The source gives no date (the draft says now): an article already made keeps its own. */
      isUndated?: boolean;
    } = {},
  ): Promise<{ id: number; slug: string } | undefined> {
    let slug = this.slugOf(ref, decodeSlug(draft.slug)) || this.slugOf(ref, draft.title) || 'untitled';
    const reserved = RESERVED_SLUGS.has(slug) ? slug : undefined;
    if (reserved) slug = `${slug}-page`;
    const complete: PageDraft = {
      ...draft,
      slug,
      title: this.clipped(ref, 'title', cleanText(draft.title).trim() || 'Untitled', PAGE_LIMITS.title),
      bodyMarkdown: cleanText(draft.bodyMarkdown),
    };
    const previous = await this.mapped('page', sourceId);
    if (reserved && previous === undefined)
      this.note(ref, `the slug "${reserved}" is reserved for the site's own pages, so it is /${slug}`);
    let existing = await this.repos.pages.findBySlug(slug);
    const own =
      existing && previous !== undefined && previous !== existing.id
        ? (await this.repos.pages.list()).find((page) => page.id === previous)
        : undefined;
    if (own) {
      // Imported before under another slug (see below): update it there.
      slug = own.slug;
      complete.slug = slug;
      existing = own;
    } else if (existing && previous !== existing.id) {
      // A page this import did not make (written by hand, or by another import) is never
      // replaced: the imported one takes a free slug instead, and the report says where.
      const taken = slug;
      for (const candidate of importedPageSlugs(taken)) {
        slug = candidate;
        if (!(await this.repos.pages.findBySlug(candidate))) break;
      }
      complete.slug = slug;
      existing = undefined;
      this.warn(
        `page /${taken} already exists and was not made by this import: "${ref}" was imported as /${slug}`,
      );
    }
    if (
      existing &&
      existing.title === complete.title &&
      existing.bodyMarkdown === complete.bodyMarkdown &&
      existing.status === complete.status &&
      existing.position === complete.position
    ) {
      this.count('page', 'unchanged');
      if (previous !== existing.id) await this.remember('page', sourceId, existing.id);
      return { id: existing.id, slug };
    }
    if (existing && (await this.isEditedHere('page', existing.id))) {
      this.keepEdited('page', ref);
      return { id: existing.id, slug: existing.slug };
    }
    try {
      const { page } = await savePageIn(this.repos, complete, {
        actor: this.options.actor,
        now: this.options.now,
        createdAt: dates.createdAt ?? null,
        modifiedAt: dates.modifiedAt ?? dates.createdAt ?? null,
        note: this.revisionNote,
      });
      this.count('page', existing ? 'updated' : 'imported');
      if (previous !== page.id) await this.remember('page', sourceId, page.id);
      return { id: page.id, slug };
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'invalid') throw error;
      this.refuse('page', error.message);
      return undefined;
    }
  }

  /**
   * Lists a file an item refers to that the import could not find, once, under Skipped, without
   * changing what is recorded of the item being written.
   */
  missingFile(ref: string, reason: string): void {
    const { lastOutcome, lastReason } = this;
    this.skip('media', ref, reason);
    this.lastOutcome = lastOutcome;
    this.lastReason = lastReason;
  }

  /**
   * Gives an article this import wrote the body `rewrite` makes of its own (links to items
   * written after it, pointed at where they went), keeping a revision, unless it is unchanged.
   */
  async rewriteArticleBody(id: number, rewrite: (markdown: string) => Promise<string>): Promise<boolean> {
    const existing = await this.repos.articles.findById(id);
    if (!existing) return false;
    const bodyMarkdown = await rewrite(existing.bodyMarkdown);
    if (bodyMarkdown === existing.bodyMarkdown) return false;
    await saveArticleIn(
      this.repos,
      { ...draftOf(existing), bodyMarkdown },
      {
        actor: this.options.actor,
        now: this.options.now,
        note: this.revisionNote,
        modifiedAt: existing.updatedAt,
        id,
      },
    );
    return true;
  }

  /** The same as rewriteArticleBody, for a page. */
  async rewritePageBody(id: number, rewrite: (markdown: string) => Promise<string>): Promise<boolean> {
    const existing = (await this.repos.pages.list()).find((page) => page.id === id);
    if (!existing) return false;
    const bodyMarkdown = await rewrite(existing.bodyMarkdown);
    if (bodyMarkdown === existing.bodyMarkdown) return false;
    await savePageIn(
      this.repos,
      {
        slug: existing.slug,
        title: existing.title,
        bodyMarkdown,
        status: existing.status,
        showInNavigation: existing.showInNavigation,
        position: existing.position,
      },
      {
        actor: this.options.actor,
        now: this.options.now,
        id,
        note: this.revisionNote,
        modifiedAt: existing.updatedAt,
      },
    );
    return true;
  }

  /** Records a 301 from an old URL path to a new one; ignores paths that would shadow our own. */
  async redirect(fromPath: string | null, toPath: string, ref?: string): Promise<void> {
    if (!fromPath) return;
    const from = normalizePath(fromPath);
    if (!from || from === '/' || from === toPath) return;
    const tooLongAddress =
      tooLong(from, MAX_REDIRECT_PATH_LENGTH) ?? tooLong(toPath, MAX_REDIRECT_PATH_LENGTH);
    if (tooLongAddress) {
      this.skip('redirect', clipText(from, 80), `the old address is not redirected: it ${tooLongAddress}`);
      return;
    }
    const batch = this.batch;
    const looked = batch?.redirects.get(from);
    const existing = looked === undefined ? await this.repos.redirects.find(from) : (looked ?? undefined);
    if (existing?.toPath === toPath) {
      this.count('redirect', 'unchanged');
      return;
    }
    // An address that already leads to something this source did not make (another site's
    // import, an editor's redirect) keeps leading there: the item's line says so.
    if (existing && (await this.isOthersTarget(existing.toPath))) {
      const reason = `already leads to ${existing.statusCode === 410 ? '(gone)' : existing.toPath}, which this import did not make; left as it was`;
      this.report.counts.redirect.skipped += 1;
      this.sink.skipped({ kind: 'redirect', ref: clipText(from, 80), reason });
      this.note(ref ?? 'redirect', `the old address ${clipText(from, 80)} ${reason}`);
      return;
    }
    const redirect = { fromPath: from, toPath, statusCode: 301 };
    if (batch) {
      // Writing it repoints redirects that lead to its old path and drops one from its new
      // path: what the batch looked up would no longer say what the database does.
      if (batch.redirectTargets.has(from) || batch.redirects.get(toPath)) {
        await this.flushRedirects(batch);
        batch.redirects.clear();
        batch.redirectTargets.clear();
      }
      batch.redirectWrites.push(redirect);
      batch.redirects.set(from, redirect);
      batch.redirectTargets.add(toPath);
    } else {
      await this.repos.redirects.put(redirect, this.timestamp);
    }
    this.count('redirect', existing ? 'updated' : 'imported');
  }

  /**
   * Whether an address leads to something here that this source did not make or take: an
   * article, page, person, term or media file that no mapping of this source names. An address
   * that leads nowhere (a gone article, a slug since changed) is nobody's.
   */
  private async isOthersTarget(path: string): Promise<boolean> {
    const target = await this.entityAt(path);
    if (!target) return false;
    const { entityType, id } = target;
    if (this.batch?.sourceWrites.some((w) => w.entityType === entityType && w.entityId === id)) return false;
    const owner = entityType === 'term' ? this.termOwners.get(id) : undefined;
    if (owner !== undefined && this.isOwnSourceId(owner)) return false;
    const keys = await this.repos.importSources.keysOf(entityType, id);
    return !keys.some((key) => key.source === this.source && this.isOwnSourceId(key.sourceId));
  }

  /** What an address of this site shows: an article, person, term, page or media file. */
  private async entityAt(path: string): Promise<{ entityType: ImportedEntityType; id: number } | undefined> {
    const parts = path.split('/').slice(1).map(decodeSlug);
    const [first, second] = parts;
    if (!first) return undefined;
    if (first === 'media') {
      const media = await this.repos.media.findByUrl(path);
      return media && { entityType: 'media', id: media.id };
    }
    if (parts.length === 1) {
      const page = await this.repos.pages.findBySlug(first);
      return page && { entityType: 'page', id: page.id };
    }
    if (parts.length !== 2 || !second) return undefined;
    if (first === 'articles') {
      const article = await this.repos.articles.findBySlug(second);
      return article && { entityType: 'article', id: article.id };
    }
    if (first === 'authors') {
      const person = await this.repos.people.findBySlug(second);
      return person && { entityType: 'person', id: person.id };
    }
    const taxonomy = this.taxonomy(first);
    const term = taxonomy && (await this.repos.taxonomies.findTerm(taxonomy.id, second));
    return term && { entityType: 'term', id: term.id };
  }

  private termRevision(id: number, snapshot: unknown): Promise<void> {
    return keepRevision(this.repos, {
      entityType: 'term',
      entityId: id,
      actor: this.options.actor,
      snapshot,
      createdAt: this.timestamp,
      note: this.revisionNote,
    });
  }
}

/**
 * A source or source id as it is kept: one longer than the column is cut, and ends in a hash of
 * the whole, so that it still names one thing and the next run finds it again.
 * @example keptSourceId(`post:10#${'r'.repeat(400)}`) // 'post:10#rrr…r#9f86d081884c7d65' (300 characters)
 */
export function keptSourceId(id: string): string {
  if (tooLong(id, MAX_SOURCE_KEY_LENGTH) === undefined) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${Array.from(id)
    .slice(0, MAX_SOURCE_KEY_LENGTH - hash.length - 1)
    .join('')}#${hash}`;
}

/** The slug an article asks for, before any suffix that makes it unique. */
export function articleSlugBase(wanted: string, fallback: string): string {
  let base = slugify(decodeSlug(wanted)) || slugify(fallback) || 'untitled';
  if (RESERVED_SLUGS.has(base)) base = `${base}-article`;
  if (!isValidSlug(base)) base = slugify(base) || 'untitled';
  return base;
}

/** WordPress stores non-ASCII slugs percent-encoded ("%e4%b8%ad"); reads them as text. */
export function decodeSlug(slug: string): string {
  try {
    return decodeURIComponent(slug);
  } catch {
    return slug;
  }
}

/**
 * The path a redirect is looked up by: decoded, without a trailing slash, query kept only for
 * WordPress's links by id or slug on the home page, or a folder's for a site in one (?p=,
 * ?page_id=, ?attachment_id=, ?cat=, ?tag=, ?author=: see wordPressQueryAddressAt). Absolute URLs are reduced to their path.
 */
export function normalizePath(urlOrPath: string): string | null {
  let url: URL;
  try {
    url = new URL(urlOrPath, 'http://placeholder.invalid');
  } catch {
    return null;
  }
  let path = url.pathname;
  try {
    path = decodeURI(path);
  } catch {
    // Keep the encoded form; the not-found handler falls back to it too.
  }
  path = trimEndOf(path, '/') || '/';
  // At any path: a site in a folder of its host answered /blog/?p=12 as the root one answers /?p=12.
  return wordPressQueryAddressAt(path, url.searchParams) ?? path;
}

/** Whether two drafts save the same article (dates compared as times, blank texts as none). */
export function sameDraft(a: ArticleDraft, b: ArticleDraft): boolean {
  // Both sides as saving stores them (withCleanText): a source's title with bidirectional
  // controls is stored without them, and must not read as changed on every re-run.
  const normal = (draft: ArticleDraft) => {
    const d = withCleanText(draft);
    return JSON.stringify({
      ...d,
      bodyMarkdown: d.bodyMarkdown,
      publishedAt: d.publishedAt === null ? null : toIsoTimestamp(d.publishedAt),
      title: d.title.trim(),
      subtitle: d.subtitle?.trim() || null,
      summary: d.summary?.trim() || null,
      license: d.license?.trim() || null,
    });
  };
  return normal(a) === normal(b);
}

/**
 * A report text without the private-use characters the converters mark places with while they
 * work (U+E000 to U+E0FF): one left in a note by a path that did not put back what it marked
 * would show as a box and a number. A marked place ("\uE010" "3" "\uE010") becomes "…". An
 * author's own private-use characters above that range (an icon font's) are kept.
 */
export function withoutPlaceholders(text: string): string {
  if (!/[\uE000-\uE0FF]/.test(text)) return text;
  return text.replace(/([\uE000-\uE0FF])\d*\1/g, '…').replace(/[\uE000-\uE0FF]/g, '');
}
