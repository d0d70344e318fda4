import { stat } from 'node:fs/promises';
import path from 'node:path';
import { toPlainText } from '../../content/markdown.ts';
import { type ArticleStatus, isLanguageTag } from '../../domain/article.ts';
import { COMMENT_LIMITS, type Comment, type CommentStatus } from '../../domain/comment.ts';
import { isImpossibleDate, parseStrictDate } from '../../domain/dates.ts';
import { parseWholeNumber, tooLong } from '../../domain/limits.ts';
import { PAGE_LIMITS } from '../../domain/page.ts';
import { articlePath, pagePath, personPath, termPath } from '../../domain/paths.ts';
import { MEDIA_LIMITS } from '../../domain/ports/media-store.ts';
import { slugify } from '../../domain/slug.ts';
import { clipText, trimEndOf } from '../../domain/text.ts';
import { isHttpUrl } from '../../domain/url.ts';
import { Errors } from '../../errors.ts';
import type { RenderedBody } from '../articles.ts';
import type { ServiceContext } from '../context.ts';
import {
  ExternalImageTally,
  externalImagesNote,
  linkExternalImages,
  linkToExternalImage,
} from './external-images.ts';
import { fileInFolder } from './folder-files.ts';
import { droppedLinksNote, htmlToMarkdown } from './html-to-markdown.ts';
import {
  articleSlugBase,
  type BatchKeys,
  type BatchRunner,
  decodeSlug,
  type ImportProgress,
  ImportSession,
  type ItemOutcome,
  type MigrationReport,
  normalizePath,
  type ReportKind,
  type ReportSink,
  stopRequested,
  writeImport,
} from './session.ts';
import type { Galleries } from './wordpress-gallery.ts';
import { hasSameBytes, WrittenFiles } from './written-files.ts';
import {
  mapOldSiteRefs,
  mediaUrlOf,
  type OldSiteRef,
  oldSiteHosts,
  oldSiteOrigin,
  oldSitePath,
  uploadCandidates,
  uploadPathOf,
} from './wxr-links.ts';
import {
  defaultPrepareWorkers,
  footnotesMetaOf,
  type PreparedItem,
  preparedItems,
  STILL_REMOTE,
  type WordPressBody,
  wordPressBody,
} from './wxr-prepare.ts';
import {
  readWxr,
  type WxrChannel,
  type WxrItem,
  type WxrItemTerm,
  type WxrRejected,
  type WxrTerm,
} from './wxr-reader.ts';
import { type SpooledItem, WxrSpool } from './wxr-spool.ts';

/** WordPress taxonomy → our taxonomy slug; null drops that taxonomy's terms. */
export type TaxonomyMapping = Record<string, string | null>;

/** category → theme and post_tag → tag; other taxonomies are skipped unless mapped. */
export const DEFAULT_WORDPRESS_MAPPING: TaxonomyMapping = { category: 'theme', post_tag: 'tag' };

export interface WordPressImportOptions {
  actor?: string;
  /** Merged over the default mapping. */
  mapping?: TaxonomyMapping;
  /** A copy of wp-content/uploads; attachments found there are copied into the data folder. */
  uploadsDir?: string;
  /** Where copied media go (the data folder's media directory). */
  mediaDir?: string;
  onProgress?(progress: ImportProgress): void;
  /** Where the report's lists go instead of the report (see MigrationReport). */
  sink?: ReportSink;
  /**
   * Worker threads that convert items' HTML while earlier items are written (0: convert on this
   * thread). By default, one less than the processors (at least one) for files of 200 items or more.
   */
  workers?: number;
  /** Import nothing when any item fails, instead of reporting it and importing the rest. */
  isStrict?: boolean;
  /**
   * Asks the import to stop (its reason names what asked, "SIGTERM"): the batch being written is
   * finished, links among what was written are pointed here, and the report says how far it got.
   * A strict import stopped is undone.
   */
  stopSignal?: AbortSignal;
}

/** Meta keys that carry a canonical URL, as written by SEO plugins. */
const CANONICAL_KEYS = [
  '_yoast_wpseo_canonical',
  'rank_math_canonical_url',
  '_aioseo_canonical_url',
  'canonical_url',
  '_canonical_url',
  '_genesis_canonical_uri',
];
/** Meta keys that name where a post first appeared. */
const SOURCE_URL_KEYS = [
  'syndication_source_uri',
  'original_source_url',
  'original_source',
  'source_url',
  '_source_url',
  'original_url',
];
const SOURCE_NAME_KEYS = ['syndication_source', 'original_source_name', 'source_name', '_source_name'];

/** Where WordPress lists a taxonomy's terms by default (other taxonomies: under their own name). */
const WORDPRESS_TERM_BASES: Record<string, string> = {
  category: 'category',
  post_tag: 'tag',
  post_format: 'type',
};

const IMPORTED_TYPES = new Set(['post', 'page', 'attachment']);

/**
 * A copy of a string that shares no memory with the text it was cut from. The parser's strings
 * are slices of the chunk they came from, so keeping one for the whole import would keep the
 * whole chunk.
 */
function detached(text: string | null | undefined): string | null {
  return text == null ? null : Buffer.from(text, 'utf8').toString('utf8');
}

/** Items written per transaction (unless strict): long enough to be cheap, short enough not to hold up other writers. */
export const WORDPRESS_BATCH_ITEMS = 500;

/** Imports this large convert bodies in worker threads; for smaller ones starting them costs more. */
const PREPARE_AHEAD_FROM = 200;

/** Whether an item is of a kind and status that gets written (the rest is reported as skipped). */
function isImported(item: WxrItem): boolean {
  return (
    item.postId !== null &&
    /^\d+$/.test(item.postId) &&
    IMPORTED_TYPES.has(item.postType) &&
    item.status !== 'trash' &&
    !(item.status === 'inherit' && item.postType !== 'attachment')
  );
}

/**
 * Imports a WordPress export. First the whole file is read and checked, its items spooled to a
 * scratch file (so memory stays flat); only if it all parsed does anything get written, in
 * transactions of WORDPRESS_BATCH_ITEMS items, so that a long import does not hold up the site's
 * other writers. An import that stops halfway (the database went away) leaves whole items
 * behind, and running it again completes it. With `isStrict`, everything is written in one
 * transaction instead, undone if any item fails.
 */
export async function importWordPress(
  ctx: ServiceContext,
  file: string,
  options: WordPressImportOptions = {},
): Promise<MigrationReport> {
  const mapping: TaxonomyMapping = { ...DEFAULT_WORDPRESS_MAPPING, ...options.mapping };
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const unknown = Object.entries(mapping).filter(
    ([, target]) => target !== null && !taxonomies.some((t) => t.slug === target),
  );
  if (unknown.length > 0) {
    throw Errors.IMPORT_FAILED({
      reason: `The taxonomy mapping names taxonomies that do not exist: ${unknown.map(([from, to]) => `${from} → ${to}`).join(', ')} (existing: ${taxonomies.map((t) => t.slug).join(', ')})`,
    });
  }
  const spool = new WxrSpool();
  try {
    const read = await readWxr(file, {
      onItem: (item, channel) => {
        const isWritten = isImported(item);
        spool.add(item, isWritten);
        if (isWritten) spool.addLinks(linkTargetOf(item, oldSitePath(channel)));
      },
      onProgress: (done, total) => options.onProgress?.({ phase: 'reading', done, total }),
    });
    spool.finish();
    const session = new ImportSession(ctx.store, wordPressSource(read.channel), {
      actor: options.actor ?? 'import',
      now: ctx.now(),
      sink: options.sink,
    });
    const files = new WrittenFiles({ isRemembering: options.isStrict === true });
    const writer = new WordPressWriter(session, read, mapping, spool, options, files);
    const workers = options.workers ?? (read.itemCount >= PREPARE_AHEAD_FROM ? defaultPrepareWorkers() : 0);
    /** Writes everything, each batch through `inBatch` (its own transaction, or the one strict import's). */
    const writeAll = async (inBatch: BatchRunner) => {
      await inBatch(async (repos) => {
        session.bind(repos);
        await session.load();
        for (const warning of read.warnings) session.warn(warning);
        await session.beginBatch({ sources: [], slugs: [], redirects: [] });
        await writer.writeChannel();
        await session.endBatch();
      });
      let isWorkerFailureLogged = false;
      const items = preparedItems(spool.items(), {
        workers,
        rewrite: {
          hosts: [...oldSiteHosts(read.channel)],
          origin: oldSiteOrigin(read.channel),
          hasUploads: Boolean(options.uploadsDir && options.mediaDir),
        },
        // The next batch is converted while this one is written.
        ahead: 2 * WORDPRESS_BATCH_ITEMS,
        isImported,
        onWorkerError: (err) => {
          if (isWorkerFailureLogged) return;
          isWorkerFailureLogged = true;
          ctx.log.warn(
            { err },
            'an import worker thread failed; its items are converted on the import thread',
          );
        },
      });
      let done = 0;
      try {
        for (let isMore = true; isMore; ) {
          // The batch is gathered (converted, in the workers) before its transaction opens.
          const batch: (SpooledItem & { prepared: PreparedItem | null })[] = [];
          while (batch.length < WORDPRESS_BATCH_ITEMS) {
            const next = await items.next();
            if (next.done) {
              isMore = false;
              break;
            }
            batch.push(next.value);
          }
          // Asked to stop (also while the file was read)? Stops between two batches.
          if (await stopRequested(options.stopSignal, session, done, read.itemCount)) break;
          await inBatch(async (repos) => {
            session.bind(repos);
            await session.beginBatch(writer.batchKeys(batch.map((entry) => entry.item)));
            for (const entry of batch) {
              await writer.writeItem(entry);
              done += 1;
              options.onProgress?.({ phase: 'writing', done, total: read.itemCount });
            }
            if (!isMore) writer.finish();
            await session.endBatch();
          });
        }
        // Links to items written after the one that links to them, now that every item is written
        // (or, stopped, among those written: the next run points the others).
        await inBatch(async (repos) => {
          session.bind(repos);
          await session.beginBatch({ sources: [], slugs: [], redirects: [] });
          await writer.relinkForward();
          await writer.parentRedirects();
          // A stopped import's summary says what the items it wrote call for, as a whole one does.
          if (session.report.stoppedBy) writer.finish();
          await session.endBatch();
        });
      } finally {
        // Stops the worker threads when writing stopped early.
        await items.return(undefined);
      }
    };
    // A strict import undone leaves the media folder as it found it.
    return await writeImport(ctx, session, { ...options, onUndone: () => files.undo() }, writeAll);
  } finally {
    spool.close();
  }
}

/** The key of the WordPress site an export comes from; mappings of earlier imports are kept under it. */
export function wordPressSource(channel: WxrChannel): string {
  return `wordpress:${siteKey(channel)}`;
}

function siteKey(channel: WxrChannel): string {
  // The blog's own address: on multisite and WordPress.com the site URL is the whole network's.
  const raw = channel.baseBlogUrl ?? channel.baseSiteUrl ?? channel.link ?? '';
  return trimEndOf(raw.replace(/^https?:\/\//, ''), '/') || 'unknown-site';
}

/** The first of WordPress's dates that names a day or time that does not exist, if any. */
export function impossibleWordPressDate(gmt: string | null, local: string | null): string | undefined {
  return (
    [gmt, local].find((value) => value && !value.startsWith('0000-00-00') && isImpossibleDate(value)) ??
    undefined
  );
}

/**
 * Turns WordPress's "Y-m-d H:i:s" (GMT) or an RFC 2822 date into ISO, or null (also for a date
 * that does not exist, such as 30 February, which is never rolled over to another day).
 */
export function wordPressDate(gmt: string | null, local: string | null, rfc: string | null): string | null {
  for (const value of [gmt, local]) {
    if (!value || value.startsWith('0000-00-00')) continue;
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
    if (match) {
      const date = parseStrictDate(
        `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`,
      );
      if (date) return date.toISOString();
      // An impossible date is not shifted to a real one, and the feed's date is made from it.
      return null;
    }
  }
  if (rfc) {
    const date = new Date(rfc);
    if (!Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1970) return date.toISOString();
  }
  return null;
}

function articleStatus(item: WxrItem): ArticleStatus | null {
  switch (item.status ?? 'draft') {
    case 'publish':
      return item.password ? 'unpublished' : 'published';
    case 'future':
      return 'scheduled';
    case 'draft':
    case 'pending':
    case 'auto-draft':
      return 'draft';
    case 'private':
      return 'unpublished';
    default:
      return null;
  }
}

const MIME_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  zip: 'application/zip',
};

export function mimeFromUrl(url: string): string | null {
  const ext = /\.([a-z0-9]{2,5})(?:$|[?#])/i.exec(url)?.[1]?.toLowerCase();
  return ext ? (MIME_TYPES[ext] ?? null) : null;
}

/** What became of one source item. */
interface ItemDone {
  outcome: ItemOutcome;
  reason?: string;
}

/** An article or page whose body links to items written after it (see WordPressWriter.relinkForward). */
interface PendingRelink {
  kind: 'article' | 'page';
  id: number;
  isUnchanged: boolean;
}

/** What an item is remembered by, and whether another item of the file had its post id first. */
interface ItemKey {
  sourceId: string;
  isRepeat: boolean;
  /** Its body links to items of the file not written yet (see WordPressWriter.relinkForward). */
  hasForwardLinks: boolean;
}

/** Whether the import wrote the thing (rather than leaving it as it was). */
function isWritten(done: ItemDone): boolean {
  return done.outcome === 'imported' || done.outcome === 'updated';
}

class WordPressWriter {
  private readonly personByLogin = new Map<string, number>();
  /** The item being written links forward: noted once its report line is written. */
  private pendingRelink: PendingRelink | null = null;
  private readonly termIds = new Map<string, number>();
  /** People and terms made for posts that name them though the export does not list them. */
  private readonly madeForPosts = { person: new Set<string>(), term: new Set<string>() };
  /** Terms of unmapped taxonomies attached to posts (post formats, mostly): taxonomy → name → posts. */
  private readonly unmappedTerms = new Map<string, Map<string, number>>();

  private readonly session: ImportSession;

  private readonly channel: WxrChannel;
  /** The folder of its host the old site lived in, or "" (see oldSitePath). */
  private readonly sitePath: string;

  private readonly mapping: TaxonomyMapping;

  private readonly spool: WxrSpool;

  private readonly options: WordPressImportOptions;

  private readonly files: WrittenFiles;

  private readonly rejected: WxrRejected[];

  /** The old site's hosts, whose addresses in bodies are pointed here. */
  private readonly hosts: Set<string>;
  /** Images at other sites' addresses made links, for the report's summary. */
  private readonly externalImages = new ExternalImageTally();

  /** Embedded players and embed blocks kept as links, by provider, among the items this run wrote. */
  private readonly embeds = new Map<string, number>();

  /** The old site's origin, for a relative address of a file that did not come across. */
  private readonly origin: string | null;

  /** The folder of the media folder's wordpress-sites/ this site's uploads go to when another's are in the way. */
  private readonly siteFolder: string;

  constructor(
    session: ImportSession,
    read: { channel: WxrChannel; rejected: WxrRejected[] },
    mapping: TaxonomyMapping,
    spool: WxrSpool,
    options: WordPressImportOptions,
    files: WrittenFiles,
  ) {
    this.files = files;
    this.rejected = read.rejected;
    const channel = read.channel;
    this.session = session;

    this.channel = channel;
    this.sitePath = oldSitePath(channel);
    this.hosts = oldSiteHosts(channel);
    this.origin = oldSiteOrigin(channel);
    this.siteFolder = siteKey(channel)
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-');

    this.mapping = mapping;

    this.spool = spool;

    this.options = options;
  }

  private targetTaxonomy(wpTaxonomy: string) {
    const target = this.mapping[wpTaxonomy];
    return target ? this.session.taxonomy(target) : undefined;
  }

  async writeChannel(): Promise<void> {
    // A site in a folder of its host (https://old.example/blog): the folder was its home page, and
    // its feeds, listing pages and date archives (/blog/feed/, /blog/page/2/) lead to ours through
    // this redirect (see Reader.oldAddress).
    if (this.sitePath !== '') {
      await this.session.redirect(this.sitePath, '/', 'site');
      await this.session.redirect(`${this.sitePath}/index.php`, '/', 'site');
    }
    for (const author of this.channel.authors) {
      const name =
        author.displayName?.trim() ||
        [author.firstName, author.lastName].filter((x) => x?.trim()).join(' ') ||
        author.login;
      const person = await this.session.person(`author:${author.login}`, {
        name,
        slug: author.login.includes('@') ? undefined : author.login,
        // Login emails are private; a person's email is shown on the site, so it is not copied.
        bio: author.description,
      });
      this.personByLogin.set(author.login, person.id);
      const done = this.session.lastDone();
      // WordPress's author archive, /author/<nicename>/ (and its feed and pages, through it).
      await this.session.redirect(
        `${this.sitePath}/author/${slugifyLogin(author.login)}`,
        personPath(person.slug),
        `author ${author.login}`,
      );
      if (author.id && /^\d+$/.test(author.id))
        await this.session.redirect(
          `${this.sitePath}/?author=${author.id}`,
          personPath(person.slug),
          `author ${author.login}`,
        );
      this.session.item({ kind: 'author', id: author.login, title: name, ...done });
    }
    for (const rejected of this.rejected)
      this.session.item({
        kind: rejected.kind,
        id: `line ${rejected.line}`,
        outcome: 'skipped',
        reason: rejected.reason,
      });
    const skippedTaxonomies = new Map<string, number>();
    // Parents first: a term may be listed before its parent, so create all, then link.
    const pending = this.channel.terms.filter((term) => {
      if (this.targetTaxonomy(term.taxonomy)) return true;
      skippedTaxonomies.set(term.taxonomy, (skippedTaxonomies.get(term.taxonomy) ?? 0) + 1);
      const reason = `taxonomy "${term.taxonomy}" is not mapped`;
      this.session.skip('term', `${term.taxonomy}:${term.slug || term.name}`, reason);
      this.session.item({
        kind: 'term',
        id: `${term.taxonomy}:${term.slug}`,
        title: term.name,
        outcome: 'skipped',
        reason,
      });
      return false;
    });
    let remaining = pending;
    while (remaining.length > 0) {
      const ready = remaining.filter(
        (term) =>
          !term.parentSlug ||
          this.termIds.has(`${term.taxonomy}:${term.parentSlug}`) ||
          !pending.some((other) => other.taxonomy === term.taxonomy && other.slug === term.parentSlug),
      );
      // A parent cycle: break it by creating the rest without parents.
      const batch = ready.length > 0 ? ready : remaining;
      for (const term of batch) {
        const parentId =
          ready.length > 0 && term.parentSlug
            ? (this.termIds.get(`${term.taxonomy}:${term.parentSlug}`) ?? null)
            : null;
        const id = `${term.taxonomy}:${term.slug}`;
        if (this.termIds.has(`${term.taxonomy}:${term.slug || term.name}`)) {
          const reason = 'the export lists this term twice';
          this.session.skip('term', `${term.taxonomy}:${term.slug || term.name}`, reason);
          this.session.item({ kind: 'term', id, title: term.name, outcome: 'skipped', reason });
          continue;
        }
        const termId = await this.termFor(term.taxonomy, term.slug, term.name, term.description, parentId);
        const done = this.session.lastDone();
        if (termId !== undefined) await this.termRedirects(term, termId);
        this.session.item({ kind: 'term', id, title: term.name, ...done });
      }
      remaining = remaining.filter((term) => !batch.includes(term));
    }
    for (const [taxonomy, n] of skippedTaxonomies) {
      this.session.warn(
        `${n} term(s) of the WordPress taxonomy "${taxonomy}" were skipped; map it with --map ${taxonomy}=<taxonomy>`,
      );
    }
  }

  /**
   * Redirects from the term's WordPress archive (/category/parent/child/, /tag/name/; feeds and
   * pages follow through it) to its listing here. A sub-category is also reached by its own slug
   * alone, as WordPress answers it.
   */
  private async termRedirects(term: WxrTerm, termId: number): Promise<void> {
    const found = this.session.knownTerm(termId);
    const taxonomy = this.targetTaxonomy(term.taxonomy);
    if (!found || !taxonomy || !term.slug) return;
    const base = WORDPRESS_TERM_BASES[term.taxonomy] ?? term.taxonomy;
    const slugs = [term.slug];
    for (let parent = term.parentSlug; parent && slugs.length < 20; ) {
      if (slugs.includes(parent)) break;
      slugs.unshift(parent);
      const parentSlug: string | null = parent;
      parent =
        this.channel.terms.find((t) => t.taxonomy === term.taxonomy && t.slug === parentSlug)?.parentSlug ??
        null;
    }
    const target = termPath(taxonomy.slug, found.slug);
    const ref = `term ${term.taxonomy}:${term.slug}`;
    await this.session.redirect(`${this.sitePath}/${base}/${slugs.join('/')}`, target, ref);
    if (slugs.length > 1) await this.session.redirect(`${this.sitePath}/${base}/${term.slug}`, target, ref);
    // The query forms WordPress answers without pretty permalinks: ?cat=<id>, ?tag=<slug>.
    if (term.taxonomy === 'category' && term.id && /^\d+$/.test(term.id))
      await this.session.redirect(`${this.sitePath}/?cat=${term.id}`, target, ref);
    if (term.taxonomy === 'post_tag')
      await this.session.redirect(`${this.sitePath}/?tag=${term.slug}`, target, ref);
  }

  private async termFor(
    wpTaxonomy: string,
    slug: string | null,
    name: string,
    description: string | null,
    parentId: number | null,
  ): Promise<number | undefined> {
    const taxonomy = this.targetTaxonomy(wpTaxonomy);
    if (!taxonomy) return undefined;
    const key = `${wpTaxonomy}:${slug || name}`;
    const known = this.termIds.get(key);
    if (known !== undefined) return known;
    const term = await this.session.term(`term:${key}`, taxonomy, {
      name: name || decodeSlug(slug ?? ''),
      slug,
      description,
      parentId,
    });
    this.termIds.set(key, term.id);
    if (slug && name) this.termIds.set(`${wpTaxonomy}:${name}`, term.id);
    return term.id;
  }

  /**
   * A term a post names that the export does not list among its terms: made (or found) all the
   * same, and named in a note rather than counted, as it has no line of its own in the report.
   */
  private async termForPost(
    wpTaxonomy: string,
    slug: string | null,
    name: string,
  ): Promise<number | undefined> {
    if (!this.targetTaxonomy(wpTaxonomy)) return undefined;
    const made = await this.session.uncounted('term', () => this.termFor(wpTaxonomy, slug, name, null, null));
    if (made.isNew) this.madeForPosts.term.add(`${wpTaxonomy}:${slug || name}`);
    return made.value;
  }

  /** A person a post credits whom the export does not list among its authors (see termForPost). */
  private async personForPost(login: string, ref: Parameters<ImportSession['person']>[1]) {
    const made = await this.session.uncounted('person', () => this.session.person(`author:${login}`, ref));
    if (made.isNew) this.madeForPosts.person.add(login);
    return made.value;
  }

  private async personFor(login: string): Promise<number> {
    const known = this.personByLogin.get(login);
    if (known !== undefined) return known;
    // A creator with no <wp:author> entry: the author whose login reads the same, else a new
    // person named after the login (never renaming anyone on a later run).
    const declared = this.channel.authors.find((a) => slugify(a.login) === slugify(login));
    if (declared && declared.login !== login) return this.personFor(declared.login);
    const person = await this.personForPost(login, {
      name: login,
      slug: login.includes('@') ? undefined : login,
      isNameKept: true,
    });
    this.personByLogin.set(login, person.id);
    return person.id;
  }

  /** What writing these items will look up: what earlier runs made of them, their slugs and old paths. */
  batchKeys(items: WxrItem[]): BatchKeys {
    const keys: BatchKeys = { sources: [], slugs: [], redirects: [] };
    const redirect = (from: string | null) => {
      const path = from === null ? null : normalizePath(from);
      if (path) keys.redirects.push(path);
    };
    for (const item of items) {
      if (!isImported(item)) continue;
      const entityType =
        item.postType === 'attachment' ? 'media' : item.postType === 'page' ? 'page' : 'article';
      keys.sources.push({ entityType, sourceId: `post:${item.postId}` });
      if (entityType === 'media') {
        redirect(item.link);
        redirect(`${this.sitePath}/?p=${item.postId}`);
        redirect(`${this.sitePath}/?attachment_id=${item.postId}`);
      }
      if (entityType !== 'article') continue;
      keys.slugs.push(articleSlugBase(item.postName ?? '', item.title));
      redirect(item.link);
      redirect(`${this.sitePath}/?p=${item.postId}`);
      for (const old of oldSlugLinks(item)) redirect(old);
      for (const comment of item.comments)
        keys.sources.push({ entityType: 'comment', sourceId: `comment:${comment.id}` });
    }
    return keys;
  }

  /** Writes one item and records what became of it and of its comments. */
  async writeItem({
    item,
    isRepeat,
    prepared,
    galleries,
  }: SpooledItem & { prepared: PreparedItem | null }): Promise<void> {
    const ref = `${item.postType} ${item.postId ?? '(no id)'} "${item.title || item.postName || ''}" (line ${item.line})`;
    this.pendingRelink = null;
    const done = await this.writeOne(item, ref, isRepeat, prepared, galleries ?? null);
    const index = this.session.item({
      kind: 'item',
      id: item.postId ?? `line ${item.line}`,
      title: item.title || item.postName,
      ...done,
    });
    const relink = this.pendingRelink as PendingRelink | null;
    if (relink) this.spool.addRelink(relink.kind, relink.id, relink.isUnchanged ? index : null);
    this.pendingRelink = null;
  }

  /**
   * Notes that the body just saved links to items not written yet. One that reads unchanged was
   * left so by a run that stopped before its last pass: that pass is this run's to make.
   */
  private relinkLater(kind: 'article' | 'page', id: number, done: ItemDone): void {
    if (isWritten(done) || done.outcome === 'unchanged')
      this.pendingRelink = { kind, id, isUnchanged: done.outcome === 'unchanged' };
  }

  /** Notes, in the report, the terms of unmapped taxonomies that posts carried. */
  finish(): void {
    const external = this.externalImages.summary();
    if (external) this.session.warn(external);
    if (this.embeds.size > 0)
      this.session.warn(
        `embedded players and embed blocks were kept as links to their own pages, so readers' browsers contact no third party until they follow one (${[...this.embeds].map(([provider, n]) => `${provider} ×${n}`).join(', ')})`,
      );
    for (const [kind, made] of Object.entries(this.madeForPosts))
      if (made.size > 0)
        this.session.warn(
          `${made.size} ${kind === 'term' ? 'term(s)' : 'person(s)'} that posts name but the export does not list among its ${kind === 'term' ? 'terms' : 'authors'} ${made.size === 1 ? 'was' : 'were'} made for them (not counted above, as they are no item of the file): ${[...made].slice(0, 20).join(', ')}${made.size > 20 ? ', …' : ''}`,
        );
    for (const [taxonomy, names] of this.unmappedTerms) {
      const list = [...names].map(([name, n]) => `${name} ×${n}`).join(', ');
      this.session.warn(
        `posts carry terms of the WordPress taxonomy "${taxonomy}", which is not mapped, so they were not kept (${list}); map it with --map ${taxonomy}=<taxonomy>`,
      );
    }
  }

  private skipComments(item: WxrItem, ref: string, reason: string): void {
    for (const comment of item.comments) {
      this.session.skip('comment', `comment ${comment.id} on ${ref}`, reason);
      this.session.item({
        kind: 'comment',
        id: comment.id,
        title: comment.author,
        outcome: 'skipped',
        reason,
      });
    }
  }

  private skipped(kind: ReportKind, item: WxrItem, ref: string, reason: string): ItemDone {
    this.session.skip(kind, ref, reason);
    this.skipComments(item, ref, 'its post was not imported');
    return { outcome: 'skipped', reason };
  }

  private async writeOne(
    item: WxrItem,
    ref: string,
    isRepeat: boolean,
    prepared: PreparedItem | null,
    galleries: Galleries | null,
  ): Promise<ItemDone> {
    if (!item.postId || !/^\d+$/.test(item.postId))
      return this.skipped('item', item, ref, 'has no numeric wp:post_id in the WordPress namespace');
    if (!IMPORTED_TYPES.has(item.postType))
      return this.skipped('item', item, ref, `post type "${item.postType}" is not imported`);
    if (item.status === 'trash' || (item.status === 'inherit' && item.postType !== 'attachment'))
      return this.skipped(
        item.postType === 'page' ? 'page' : 'article',
        item,
        ref,
        `status "${item.status}" is not imported`,
      );
    // The key an item is remembered by; a repeated post id (seen in real exports) gets its own.
    let sourceId = `post:${item.postId}`;
    if (isRepeat) {
      this.session.warn(`${ref}: the id ${item.postId} is used by another item too; imported separately`);
      sourceId = `${sourceId}#${item.postName || item.title || item.line}`;
    }
    if (item.postType === 'attachment') {
      this.skipComments(item, ref, 'comments on attachments are not kept: attachments become media files');
      return this.writeAttachment(item, ref, sourceId);
    }
    // A date that does not exist is the item's to fix: read leniently, it would move to another day.
    const impossible = impossibleWordPressDate(item.postDateGmt, item.postDate);
    if (impossible) {
      const reason = `post_date "${impossible}" is not a real date (no such day or time)`;
      this.session.fail(item.postType === 'page' ? 'page' : 'article', ref, reason);
      this.skipComments(item, ref, 'its post failed to import');
      return { outcome: 'failed', reason };
    }
    // One body the converter cannot handle must not cost the rest of the import.
    let converted:
      | { body: WordPressBody; rendered: RenderedBody | null; renderedFrom: string | null }
      | { error: string };
    const ahead = prepared?.body;
    if (ahead) {
      converted =
        'error' in ahead
          ? ahead
          : { body: ahead.converted, rendered: ahead.rendered, renderedFrom: ahead.renderedFrom };
    } else {
      try {
        converted = {
          body: wordPressBody(item.content, { footnotes: footnotesMetaOf(item), galleries }),
          rendered: null,
          renderedFrom: null,
        };
      } catch (error) {
        converted = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    if ('error' in converted) {
      const reason = `its content could not be converted (${converted.error})`;
      this.session.fail(item.postType === 'page' ? 'page' : 'article', ref, reason);
      this.skipComments(item, ref, 'its post failed to import');
      return { outcome: 'failed', reason };
    }
    const converted_ = converted.body;
    const relinked = await this.rewriteBody(converted_.markdown, ref);
    const linked = linkExternalImages(relinked.markdown, STILL_REMOTE);
    if (linked.images.length > 0) {
      this.session.note(ref, externalImagesNote(linked.images));
      this.externalImages.add(linked.images);
    }
    const body = { ...converted_, markdown: linked.markdown };
    // The body rendered ahead is of the text the worker expected the links to be pointed to.
    const rendered = linked.markdown === converted.renderedFrom ? converted.rendered : null;
    for (const note of body.shortcodes)
      if (note.detail) this.session.note(ref, `[${note.name}]: ${note.detail}`);
    // Each shortcode once per post, however often the post uses it.
    const shortcodes = new Map(body.shortcodes.map((note) => [`${note.outcome}:${note.name}`, note]));
    for (const note of shortcodes.values()) {
      if (note.outcome === 'skipped') this.session.warn(`${ref}: shortcode [${note.name}] was dropped`);
      if (note.outcome === 'kept')
        this.session.warn(`${ref}: unknown shortcode [${note.name}] was kept as text`);
    }
    if (body.droppedLinks.length > 0) this.session.note(ref, droppedLinksNote(body.droppedLinks));
    for (const repair of body.repairs) this.session.note(ref, repair);
    for (const problem of body.footnoteProblems) this.session.note(ref, problem);
    // Articles have no field for a teaser's link text: the listings' own "Read more" is shown.
    if (body.moreText)
      this.session.note(
        ref,
        `the <!--more--> link text "${clipText(body.moreText, 80)}" is not kept (listings link to the article with their own words)`,
      );
    const key = { sourceId, isRepeat, hasForwardLinks: relinked.hasForwardLinks };
    const done =
      item.postType === 'page'
        ? await this.writePage(item, ref, key, body.markdown)
        : await this.writePost(item, ref, key, body, { rendered, comments: prepared?.comments ?? null });
    this.countEmbeds(body.embeds, done.outcome);
    return done;
  }

  /**
   * Counts an item's embeds as what became of the item: a re-run that leaves it as it was
   * reports them unchanged. Only those this run wrote are named at the end.
   */
  private countEmbeds(providers: string[], outcome: ItemOutcome): void {
    for (const provider of providers) {
      this.session.report.counts.embed[outcome] += 1;
      if (outcome === 'imported' || outcome === 'updated')
        this.embeds.set(provider, (this.embeds.get(provider) ?? 0) + 1);
    }
  }

  private async writePage(
    item: WxrItem,
    ref: string,
    { sourceId, isRepeat, hasForwardLinks }: ItemKey,
    markdown: string,
  ): Promise<ItemDone> {
    const page = await this.session.page(
      sourceId,
      ref,
      {
        slug: item.postName || item.title,
        title: item.title,
        bodyMarkdown: markdown,
        status: item.status === 'publish' && !item.password ? 'published' : 'draft',
        showInNavigation: false,
        position: this.pagePosition(item, ref),
      },
      {
        createdAt: wordPressDate(item.postDateGmt, item.postDate, item.pubDate),
        modifiedAt: wordPressDate(item.postModifiedGmt, item.postModified, null),
      },
    );
    const done = this.session.lastDone();
    this.skipComments(item, ref, 'comments on pages are not kept: pages take no comments here');
    if (!page) return done;
    const target = pagePath(page.slug);
    if (!isRepeat) this.spool.setTargetPath(item.postId as string, target);
    if (hasForwardLinks) this.relinkLater('page', page.id, done);
    await this.session.redirect(item.link, target, ref);
    // The id's link leads to the first item that has it; a repeat leading there too would take
    // it over on every run.
    if (!isRepeat) await this.session.redirect(`${this.sitePath}/?page_id=${item.postId}`, target, ref);
    return done;
  }

  /**
   * A page's place from its menu_order, kept within the range pages take: WordPress allows
   * negative and huge ones, and the order is all the number means (imported pages are not in
   * the navigation until someone puts them there), so clamping keeps the page.
   */
  private pagePosition(item: WxrItem, ref: string): number {
    const text = item.menuOrder?.trim() ?? '';
    if (text === '') return 0;
    const order = parseWholeNumber(text);
    const position = Math.min(Math.max(order ?? 0, 0), PAGE_LIMITS.position);
    if (order !== position)
      this.session.warn(
        `${ref}: menu_order ${clipText(text, 30)} is outside 0 to ${PAGE_LIMITS.position.toLocaleString('en')}; the page is placed at ${position}`,
      );
    return position;
  }

  private async writePost(
    item: WxrItem,
    ref: string,
    { sourceId, isRepeat, hasForwardLinks }: ItemKey,
    body: WordPressBody,
    prepared: { rendered: RenderedBody | null; comments: PreparedItem['comments'] | null },
  ): Promise<ItemDone> {
    const status = articleStatus(item);
    if (!status) return this.skipped('article', item, ref, `status "${item.status}" is not imported`);
    if (item.password) this.session.warn(`${ref}: password-protected in WordPress; imported unpublished`);
    let publishedAt = wordPressDate(item.postDateGmt, item.postDate, item.pubDate);
    const isUndated = !publishedAt;
    if (!publishedAt && (status === 'published' || status === 'scheduled')) {
      publishedAt = this.session.timestamp;
      this.session.warn(`${ref}: has no date; dated when first imported`);
    }
    const authorIds: number[] = [];
    for (const coauthor of item.terms.filter((t) => t.domain === 'author')) {
      const login = coauthor.nicename?.replace(/^cap-/, '') || coauthor.name;
      const known = this.channel.authors.find((a) => a.login === login || slugifyLogin(a.login) === login);
      authorIds.push(
        known
          ? await this.personFor(known.login)
          : (await this.personForPost(login, { name: coauthor.name || login, slug: login })).id,
      );
    }
    if (authorIds.length === 0 && item.creator) authorIds.push(await this.personFor(item.creator));
    const termIds: number[] = [];
    for (const term of uniqueTerms(item.terms)) {
      if (term.domain === 'author') continue;
      const domain = term.domain === 'tag' ? 'post_tag' : term.domain;
      if (!this.targetTaxonomy(domain)) {
        const names = this.unmappedTerms.get(domain) ?? new Map<string, number>();
        const name = detached(term.name || term.nicename) ?? '';
        names.set(name, (names.get(name) ?? 0) + 1);
        this.unmappedTerms.set(domain, names);
        continue;
      }
      const id =
        this.termIds.get(`${domain}:${term.nicename ?? ''}`) ??
        this.termIds.get(`${domain}:${term.name}`) ??
        (await this.termForPost(domain, term.nicename, term.name));
      if (id !== undefined) termIds.push(id);
    }
    const meta = new Map(item.meta.map((m) => [m.key, m.value.trim()]));
    const canonical = CANONICAL_KEYS.map((k) => meta.get(k)).find(isHttpUrl) ?? null;
    const sourceUrl = SOURCE_URL_KEYS.map((k) => meta.get(k)).find(isHttpUrl) ?? null;
    const sourceName = SOURCE_NAME_KEYS.map((k) => meta.get(k)).find((v) => v && !isHttpUrl(v)) ?? null;
    const thumbnail = meta.get('_thumbnail_id');
    const attachment = thumbnail ? this.spool.attachment(thumbnail) : undefined;
    let featuredUrl = attachment?.url ? await this.featuredUrl(attachment.url, ref) : null;
    // A featured image at another site's address would be loaded from there by every listing
    // and article page: it becomes a link at the head of the body instead.
    const external = featuredUrl
      ? linkToExternalImage(featuredUrl, attachment?.alt ?? '', STILL_REMOTE)
      : null;
    if (external) {
      this.session.note(ref, `featured ${externalImagesNote(external.images)}`);
      this.externalImages.add(external.images);
      body = { ...body, markdown: `${external.markdown}\n\n${body.markdown}` };
      prepared = { ...prepared, rendered: null };
      featuredUrl = null;
    }
    const featured = featuredUrl ? { url: featuredUrl, alt: attachment?.alt ?? null } : undefined;
    const rawExcerpt = item.excerpt.trim();
    // Most excerpts are plain text; the HTML sanitizer is only needed when there is markup.
    // Without one, the text before <!--more--> is what WordPress shows as the teaser.
    const excerpt = !rawExcerpt
      ? body.teaser
      : /[<&]/.test(rawExcerpt)
        ? toPlainText(rawExcerpt)
        : rawExcerpt.replace(/\s+/g, ' ');
    const language = isLanguageTag(this.channel.language) ? this.channel.language : 'en';
    const saved = await this.session.article(
      sourceId,
      ref,
      {
        slug: item.postName ?? '',
        title: item.title,
        subtitle: null,
        summary: excerpt,
        epigraph: null,
        bodyMarkdown: body.markdown,
        status,
        publishedAt,
        source:
          sourceName || sourceUrl
            ? { name: sourceName ?? hostOf(sourceUrl) ?? 'Original source', url: sourceUrl }
            : null,
        canonicalUrl: canonical,
        license: null,
        language,
        featuredImage: featured?.url ?? null,
        featuredImageAlt: featured?.alt || null,
        seoTitle: null,
        seoDescription: null,
        socialImage: null,
        visibility: 'public',
        isFeatured: item.isSticky,
        hasComments: item.commentStatus !== 'closed',
        authorIds: [...new Set(authorIds)],
        termIds: [...new Set(termIds)],
      },
      {
        // When the post was written, not when it was imported: post_date_gmt, as its publication date.
        createdAt: wordPressDate(item.postDateGmt, item.postDate, item.pubDate),
        modifiedAt: wordPressDate(item.postModifiedGmt, item.postModified, null),
        isUndated,
      },
      prepared.rendered,
    );
    const done = this.session.lastDone();
    if (!saved) {
      this.skipComments(item, ref, 'its post was not imported');
      return done;
    }
    if (!isRepeat) this.spool.setTargetPath(item.postId as string, saved.path);
    if (hasForwardLinks) this.relinkLater('article', saved.id, done);
    await this.session.redirect(item.link, saved.path, ref);
    if (!isRepeat) await this.session.redirect(`${this.sitePath}/?p=${item.postId}`, saved.path, ref);
    // Addresses the post had before its slug was changed, which WordPress still answered.
    for (const old of oldSlugLinks(item)) await this.session.redirect(old, saved.path, ref);
    // The post's line, with what its redirects noted, before its comments' lines.
    const noted = this.session.withNotes(done);
    // Not the guid: it keeps the id a post had on the site where it was first written, which
    // may now belong to another post.
    await this.writeComments(item, saved.id, ref, prepared.comments);
    return noted;
  }

  private async writeComments(
    item: WxrItem,
    articleId: number,
    ref: string,
    prepared: PreparedItem['comments'] | null,
  ): Promise<void> {
    const ids = new Map<string, number>();
    const parents: [number, string | null][] = [];
    const threadProblems = await this.threadProblems(item, articleId);
    // Threading needs the ids of the post's comments at once; other comments wait for the batch's end.
    const isThreaded = item.comments.some((c) => c.parent && c.parent !== '0');
    for (const [index, comment] of item.comments.entries()) {
      const sourceId = `comment:${comment.id}`;
      const status: CommentStatus =
        comment.approved === '1'
          ? 'approved'
          : comment.approved === '0'
            ? 'pending'
            : comment.approved === 'spam'
              ? 'spam'
              : 'trash';
      const kind: Comment['kind'] =
        comment.type === 'pingback' || comment.type === 'trackback' ? comment.type : 'comment';
      const createdAt = wordPressDate(comment.dateGmt, comment.date, null) ?? this.session.timestamp;
      const commentRef = `comment ${comment.id} on ${ref}`;
      let text = prepared?.[index];
      if (!text) {
        try {
          const { markdown, droppedLinks, repairs } = htmlToMarkdown(comment.content, { isWordPress: true });
          text = { markdown, droppedLinks, repairs };
        } catch (error) {
          text = { error: error instanceof Error ? error.message : String(error) };
        }
      }
      if ('error' in text) {
        const reason = `its text could not be converted (${text.error})`;
        this.session.fail('comment', commentRef, reason);
        this.session.item({
          kind: 'comment',
          id: comment.id,
          title: comment.author,
          outcome: 'failed',
          reason,
        });
        continue;
      }
      // A reader's comment showing another site's image would have every reader's browser load it.
      const linked = linkExternalImages(text.markdown, STILL_REMOTE);
      const body = linked.markdown;
      if (linked.images.length > 0) {
        this.session.note(commentRef, externalImagesNote(linked.images));
        this.externalImages.add(linked.images);
      }
      if (text.droppedLinks.length > 0) this.session.note(commentRef, droppedLinksNote(text.droppedLinks));
      // Broken markup mended so that nothing after it is lost, on the comment's line as on a post's.
      for (const repair of text.repairs) this.session.note(commentRef, repair);
      if (!body.trim()) {
        this.session.skip('comment', commentRef, 'is empty');
        this.session.item({
          kind: 'comment',
          id: comment.id,
          title: comment.author,
          outcome: 'skipped',
          reason: 'is empty',
        });
        continue;
      }
      // A name cut short is still the commenter's; a cut address or email would be another one,
      // so one too long to keep is left out.
      const email = comment.authorEmail?.trim() || null;
      const url = comment.authorUrl?.trim() || null;
      const emailTooLong = tooLong(email, COMMENT_LIMITS.authorEmail);
      if (emailTooLong) this.session.note(commentRef, `author email left out: it ${emailTooLong}`);
      const urlProblem = !url
        ? undefined
        : isHttpUrl(url)
          ? tooLong(url, COMMENT_LIMITS.authorUrl)
          : 'is not an http(s) address';
      if (urlProblem) this.session.note(commentRef, `author URL left out: it ${urlProblem}`);
      const record = {
        articleId,
        parentId: null,
        authorName:
          this.session.clipped(commentRef, 'author name', comment.author.trim(), COMMENT_LIMITS.authorName) ||
          'Anonymous',
        authorEmail: emailTooLong ? null : email,
        authorUrl: urlProblem ? null : url,
        body,
        status,
        kind,
        createdAt,
        sourceId: this.session.originOf(sourceId),
      };
      const previous = await this.session.mapped('comment', sourceId);
      const existing =
        previous === undefined
          ? undefined
          : (this.session.batchComment(previous) ?? (await this.session.repos.comments.findById(previous)));
      let id: number | undefined;
      if (existing) {
        id = existing.id;
        const isSame =
          existing.body === record.body &&
          existing.status === record.status &&
          existing.authorName === record.authorName &&
          existing.createdAt === record.createdAt &&
          existing.articleId === record.articleId;
        if (!isSame) await this.session.repos.comments.update(id, { ...record, parentId: existing.parentId });
        this.session.count('comment', isSame ? 'unchanged' : 'updated');
      } else {
        id = await this.session.addComment(sourceId, record, { isIdNeeded: isThreaded });
        this.session.count('comment', 'imported');
      }
      const threadProblem = threadProblems.get(comment.id);
      if (threadProblem)
        this.session.note(commentRef, `${threadProblem}; it is kept as a comment of its own`);
      this.session.item({
        kind: 'comment',
        id: comment.id,
        title: comment.author,
        ...this.session.lastDone(),
      });
      if (id === undefined) continue;
      ids.set(comment.id, id);
      if (comment.parent && comment.parent !== '0')
        parents.push([id, threadProblem === undefined ? comment.parent : null]);
    }
    for (const [id, parentSourceId] of parents) {
      const parentId =
        parentSourceId === null
          ? null
          : (ids.get(parentSourceId) ?? (await this.session.mapped('comment', `comment:${parentSourceId}`)));
      if (parentId === undefined) continue;
      const comment = await this.session.repos.comments.findById(id);
      if (comment && comment.parentId !== parentId)
        await this.session.repos.comments.update(id, { ...comment, parentId });
    }
  }

  /**
   * Why a comment of the post cannot reply to the comment it names, by the comment's id: it
   * names itself, a comment of another post or one not among the post's comments, or it is part
   * of a loop of replies (A to B to A). Each such comment is kept as a comment of its own.
   */
  private async threadProblems(item: WxrItem, articleId: number): Promise<Map<string, string>> {
    const problems = new Map<string, string>();
    const parentOf = new Map<string, string>();
    for (const comment of item.comments)
      if (comment.parent && comment.parent !== '0') parentOf.set(comment.id, comment.parent);
    const inPost = new Set(item.comments.map((comment) => comment.id));
    for (const [id, parent] of parentOf) {
      if (parent === id) problems.set(id, 'it names itself as the comment it replies to');
      else if (!inPost.has(parent)) {
        const known = await this.session.mapped('comment', `comment:${parent}`);
        const found =
          known === undefined
            ? undefined
            : (this.session.batchComment(known) ?? (await this.session.repos.comments.findById(known)));
        // One kept from an earlier run of the same post (since left out of the file) is its parent still.
        if (found?.articleId === articleId) continue;
        problems.set(
          id,
          found
            ? `the comment it replies to (${parent}) is a comment of another post`
            : `the comment it replies to (${parent}) is not among this post's comments`,
        );
      }
    }
    // Replies that lead back to themselves have no first comment: each of the loop stands alone.
    for (const start of parentOf.keys()) {
      if (problems.has(start)) continue;
      const path = [start];
      let at = parentOf.get(start);
      while (at !== undefined && !path.includes(at) && !problems.has(at)) {
        path.push(at);
        at = parentOf.get(at);
      }
      if (at === start)
        for (const member of path) problems.set(member, 'its replies lead back to it (a loop)');
    }
    return problems;
  }

  private async writeAttachment(item: WxrItem, ref: string, sourceId: string): Promise<ItemDone> {
    const url = item.attachmentUrl ?? item.guid;
    if (!url) {
      this.session.skip('media', ref, 'has no wp:attachment_url');
      return { outcome: 'skipped', reason: 'has no wp:attachment_url' };
    }
    let localPath: string | null = null;
    const tooLongUrl = tooLong(url, MEDIA_LIMITS.url);
    if (tooLongUrl) {
      const reason = `its url ${tooLongUrl}`;
      this.session.skip('media', ref, reason);
      return { outcome: 'skipped', reason };
    }
    if (this.options.uploadsDir && this.options.mediaDir) localPath = await this.copyUpload(url, ref);
    const record = {
      // A copied file is served from here, at the address bodies are pointed to.
      url: localPath ? mediaUrlOf(localPath) : url,
      localPath,
      mime: mimeFromUrl(url),
      alt: item.meta.find((m) => m.key === '_wp_attachment_image_alt')?.value.trim() || null,
      caption: null,
      title: item.title || null,
      createdAt: wordPressDate(item.postDateGmt, item.postDate, item.pubDate) ?? this.session.timestamp,
      sourceId: this.session.originOf(sourceId),
    };
    const previous = await this.session.mapped('media', sourceId);
    const existing =
      previous === undefined
        ? undefined
        : (this.session.batchMedia(previous) ?? (await this.session.repos.media.findById(previous)));
    const kept = localPath ?? existing?.localPath ?? null;
    // A link to the attachment's page leads to the file.
    if (!sourceId.includes('#')) {
      this.spool.setTargetPath(item.postId as string, kept ? mediaUrlOf(kept) : url);
      // So do its old addresses, when the file is here; else they lead to the post it belongs
      // to, once that is written (see attachmentRedirects).
      if (kept) await this.attachmentRedirects(item, mediaUrlOf(kept), ref);
      else if (item.postParent && /^[1-9]\d*$/.test(item.postParent))
        this.spool.addParentRedirect(item.postId as string, item.postParent, item.link);
    }
    if (existing) {
      const next = {
        ...record,
        localPath: kept,
        url: kept ? mediaUrlOf(kept) : url,
        uploadedBy: existing.uploadedBy ?? null,
      };
      const isSame = JSON.stringify({ ...existing, id: 0 }) === JSON.stringify({ id: 0, ...next });
      if (!isSame) await this.session.repos.media.update(existing.id, next);
      this.session.count('media', isSame ? 'unchanged' : 'updated');
      return { outcome: isSame ? 'unchanged' : 'updated' };
    }
    const id = await this.session.repos.media.insert(record);
    await this.session.remember('media', sourceId, id);
    this.session.count('media', 'imported');
    return { outcome: 'imported' };
  }

  /** Copies wp-content/uploads/<path> from the given folder into the media folder; returns the relative path. */
  private async copyUpload(url: string, ref: string): Promise<string | null> {
    const relative = uploadPathOf(url);
    if (!relative) {
      this.session.warn(`${ref}: ${url} is not under wp-content/uploads; not copied`);
      return null;
    }
    const copied = await this.copiedFile(relative);
    if (!copied) {
      this.session.warn(`${ref}: ${relative} is not in the uploads folder; recorded by URL only`);
      return null;
    }
    return copied;
  }

  /**
   * Copies one file of the uploads folder into the media folder, once per import; returns its
   * path below the media folder, or null when the uploads folder does not have it.
   */
  private async copiedFile(relative: string): Promise<string | null> {
    const known = this.spool.file(relative);
    if (known !== undefined) return known;
    const from = path.join(this.options.uploadsDir as string, relative);
    const found = await fileInFolder(this.options.uploadsDir as string, relative);
    if (found === 'outside') {
      this.session.warn(`${relative} leads out of the uploads folder (a link?); not copied`);
    }
    let localPath: string | null = null;
    if (found === 'file') {
      localPath = path.posix.join('wordpress', relative);
      const occupant = await this.occupant(from, localPath);
      // Another site's file at the same place (every site has 2020/06/photo.jpg) is not written
      // over: this site's goes to a folder of its own.
      if (occupant === 'other') {
        const own = path.posix.join('wordpress-sites', this.siteFolder, relative);
        this.session.warn(
          `${relative}: /media/${localPath} is another import's file; this site's copy is /media/${own}`,
        );
        localPath = own;
      }
      if (occupant !== 'same')
        await this.files.copy(from, path.join(this.options.mediaDir as string, ...localPath.split('/')), {
          isKnownDifferent: occupant === 'ours',
        });
      // Counted apart from the items (an attachment's media entry, a post's body that uses it):
      // once per file and run, as what became of the file in the media folder.
      this.session.report.counts.file[
        occupant === 'same' ? 'unchanged' : occupant === 'ours' ? 'updated' : 'imported'
      ] += 1;
    }
    this.spool.setFile(relative, localPath);
    return localPath;
  }

  /**
   * What the media folder holds at `localPath`, for the file `from`: nothing, the same bytes,
   * other bytes of this site's (a media entry this import made names the file), or another's.
   */
  private async occupant(from: string, localPath: string): Promise<'none' | 'same' | 'ours' | 'other'> {
    const to = path.join(this.options.mediaDir as string, ...localPath.split('/'));
    const isThere = await stat(to).then(
      () => true,
      () => false,
    );
    if (!isThere) return 'none';
    if (await hasSameBytes(from, to).catch(() => false)) return 'same';
    const media = await this.session.repos.media.findByUrl(mediaUrlOf(localPath));
    return media?.sourceId?.startsWith(`${this.session.source}#`) ? 'ours' : 'other';
  }

  /**
   * Where an uploaded file a body or a featured image refers to now lives: the media library's
   * copy of the file (of the attachment's file, for a size variant: see uploadCandidates). Without
   * an uploads folder, undefined (the reference is left alone); when no candidate is in the
   * folder, the file is listed among the skipped, once, and null is returned.
   */
  private async uploadUrl(
    relative: string,
    ref: string,
    written: string,
  ): Promise<string | null | undefined> {
    if (!this.options.uploadsDir || !this.options.mediaDir) return undefined;
    for (const candidate of uploadCandidates(relative)) {
      const copied = await this.copiedFile(candidate);
      if (copied) return mediaUrlOf(copied);
    }
    const reported = `missing:${relative}`;
    if (this.spool.file(reported) === undefined) {
      this.spool.setFile(reported, null);
      this.session.missingFile(
        written,
        `${relative} is not in the uploads folder (first used by ${ref}); its address at the old site is kept`,
      );
    }
    return null;
  }

  /** The featured image's address: the media library's copy when the uploads folder has it. */
  private async featuredUrl(url: string, ref: string): Promise<string | null> {
    const relative = uploadPathOf(url);
    const copied = relative ? await this.uploadUrl(relative, ref, url) : undefined;
    return copied ?? (isHttpUrl(url) ? url : null);
  }

  /**
   * Where an old address of a post or page of the file now lives: undefined when it is none of
   * theirs, null when its item is not written yet (nor by an earlier run).
   */
  private async linkUrl(oldPath: string): Promise<string | null | undefined> {
    const key = normalizePath(oldPath);
    if (!key) return undefined;
    const target = this.spool.linkTarget(key) ?? this.guessedTarget(key);
    if (!target) return undefined;
    if (target.path) return target.path;
    const id = await this.session.mapped(target.kind, `post:${target.postId}`);
    if (id === undefined) return null;
    if (target.kind === 'media') return (await this.session.repos.media.findById(id))?.url ?? null;
    if (target.kind === 'article') {
      const article = await this.session.repos.articles.findById(id);
      return article ? articlePath(article.slug) : null;
    }
    const page = (await this.session.repos.pages.list()).find((p) => p.id === id);
    return page ? pagePath(page.slug) : null;
  }

  /**
   * The post or page an old address of no item of the file names by its last segment, when the
   * others are numbers (a date permalink with another date, as WordPress guesses it too).
   */
  private guessedTarget(path: string) {
    const segments = path.split('/').filter(Boolean);
    const last = segments.pop();
    if (!last || !segments.every((segment) => /^\d+$/.test(segment))) return undefined;
    return this.spool.slugTarget(last.toLowerCase());
  }

  /**
   * Points a body's references to the old site here: links to its posts and pages at their
   * articles and pages, its uploads at the media library's copies. A file not in the uploads
   * folder keeps (or, written relative, gets back) its address at the old site.
   */
  private async rewriteBody(
    markdown: string,
    ref: string,
  ): Promise<{ markdown: string; hasForwardLinks: boolean }> {
    const refs: OldSiteRef[] = [];
    mapOldSiteRefs(markdown, this.hosts, (found) => {
      refs.push(found);
      return undefined;
    });
    if (refs.length === 0) return { markdown, hasForwardLinks: false };
    const replacements = new Map<string, string>();
    let hasForwardLinks = false;
    for (const found of refs) {
      if (replacements.has(found.written)) continue;
      const upload = uploadPathOf(found.isAbsolute ? found.written : found.path);
      if (upload) {
        const url = await this.uploadUrl(
          upload,
          ref,
          found.isAbsolute ? found.written : `${this.origin ?? ''}${found.path}`,
        );
        if (url) replacements.set(found.written, url);
        else if (!found.isAbsolute && this.origin)
          replacements.set(found.written, `${this.origin}${found.path}`);
        continue;
      }
      const url = await this.linkUrl(found.path);
      if (url === null) hasForwardLinks = true;
      if (url) replacements.set(found.written, url + (/#.*$/.exec(found.path)?.[0] ?? ''));
    }
    if (replacements.size === 0) return { markdown, hasForwardLinks };
    return {
      markdown: mapOldSiteRefs(markdown, this.hosts, (found) => replacements.get(found.written)),
      hasForwardLinks,
    };
  }

  /** Redirects an attachment's page, `?p=` and `?attachment_id=` addresses to `target`. */
  private async attachmentRedirects(
    item: Pick<WxrItem, 'postId' | 'link'>,
    target: string,
    ref: string,
  ): Promise<void> {
    await this.session.redirect(item.link, target, ref);
    await this.session.redirect(`${this.sitePath}/?p=${item.postId}`, target, ref);
    await this.session.redirect(`${this.sitePath}/?attachment_id=${item.postId}`, target, ref);
  }

  /**
   * Leads the old addresses of attachments whose file did not come across to the post or page
   * they belong to (by then written), as WordPress shows an attachment's page inside its post's.
   */
  async parentRedirects(): Promise<void> {
    for (const { postId, link, target } of this.spool.parentRedirects())
      if (target.startsWith('/'))
        await this.attachmentRedirects({ postId, link }, target, `attachment ${postId}`);
  }

  /** Points the links of bodies written before their targets (spooled by addRelink) at them. */
  async relinkForward(): Promise<void> {
    for (const { kind, id, item } of this.spool.relinks()) {
      const ref = `${kind} ${id}`;
      const rewrite = async (markdown: string) => (await this.rewriteBody(markdown, ref)).markdown;
      const isRewritten =
        kind === 'article'
          ? await this.session.rewriteArticleBody(id, rewrite)
          : await this.session.rewritePageBody(id, rewrite);
      if (isRewritten && item !== null) this.session.rewritten(kind, item);
    }
  }
}

/**
 * What links in bodies may name an item by: the old addresses of a post, page or attachment page
 * (as redirects are looked up: see normalizePath), and a post's or page's slug.
 */
function linkTargetOf(item: WxrItem, sitePath: string): Parameters<WxrSpool['addLinks']>[0] {
  const kind = item.postType === 'page' ? 'page' : item.postType === 'attachment' ? 'media' : 'article';
  const links = [
    item.link,
    `${sitePath}/?p=${item.postId}`,
    ...(kind === 'page' ? [`${sitePath}/?page_id=${item.postId}`] : []),
    ...(kind === 'media' ? [] : oldSlugLinks(item)),
  ];
  return {
    postId: item.postId as string,
    kind,
    slug: kind !== 'media' && item.postName ? decodeSlug(item.postName).toLowerCase() : null,
    paths: links.flatMap((link) => {
      const normal = link ? normalizePath(link) : null;
      return normal && normal !== '/' ? [normal] : [];
    }),
  };
}

function slugifyLogin(login: string): string {
  return login.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** WXR 1.0 lists each term twice (with and without nicename); keeps one of each. */
function uniqueTerms(terms: WxrItemTerm[]): WxrItemTerm[] {
  const seen = new Map<string, WxrItemTerm>();
  for (const term of terms) {
    const domain = term.domain === 'tag' ? 'post_tag' : term.domain;
    const key = `${domain}:${term.name.toLowerCase()}`;
    const previous = seen.get(key);
    if (!previous || (!previous.nicename && term.nicename)) seen.set(key, { ...term, domain });
  }
  return [...seen.values()];
}

/**
 * The post's permalinks under its earlier slugs (`_wp_old_slug`, one entry per change): its
 * link with the current slug's path segment replaced. Links that do not carry the slug (plain
 * `?p=` permalinks) have none.
 */
export function oldSlugLinks(item: Pick<WxrItem, 'link' | 'postName' | 'meta'>): string[] {
  const slug = item.postName;
  if (!item.link || !slug) return [];
  let url: URL;
  try {
    url = new URL(item.link, 'http://old.invalid');
  } catch {
    return [];
  }
  const segments = url.pathname.split('/');
  // Slugs of other scripts are kept percent-encoded, in either case of hex digits.
  const decoded = (text: string) => {
    try {
      return decodeURIComponent(text).toLowerCase();
    } catch {
      return text.toLowerCase();
    }
  };
  const at = segments.findLastIndex((segment) => segment !== '' && decoded(segment) === decoded(slug));
  if (at < 0) return [];
  const links = new Set<string>();
  for (const { key, value } of item.meta) {
    const old = value.trim();
    if (key !== '_wp_old_slug' || !old || decoded(old) === decoded(slug) || /[/?#\\]/.test(old)) continue;
    const segment = /%[0-9a-f]{2}/i.test(old) ? old : encodeURIComponent(old);
    links.add([...segments.slice(0, at), segment, ...segments.slice(at + 1)].join('/'));
  }
  return [...links];
}
