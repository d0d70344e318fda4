import { createHash } from 'node:crypto';
import {
  type BrotliOptions,
  brotliCompress,
  brotliCompressSync,
  gzip,
  gzipSync,
  constants as zlibConstants,
} from 'node:zlib';
import { CacheTags } from '../domain/cache-tags.ts';
import type { ContentChange } from '../services/context.ts';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

export interface CachedPage {
  etag: string;
  status: number;
  tags: ReadonlySet<string>;
  /** When what the page shows last changed (feeds and sitemaps send it as Last-Modified). */
  lastModified: Date;
  /** When it was rendered (ms since the epoch), for documents that expire. */
  renderedAt: number;
  /**
   * The body in an encoding, with its ETag. A compressed copy is made on first demand at a fast
   * level (well under a millisecond for a page), then made again at the best level on the thread
   * pool, off the event loop, and swapped in when ready (`isBest`). A compressed copy's ETag is
   * weak and names the encoding, not the compressed bytes, so it stays the same across that
   * swap: a client that revalidates gets a 304 instead of a second full transfer.
   */
  encoded(encoding: ContentEncoding): { bytes: Buffer; etag: string; isBest: boolean };
}

export interface PageCacheLimits {
  /** Most pages kept; 0 turns the cache off. */
  maxPages: number;
  /** Most bytes kept, every encoding of every page counted. */
  maxBytes: number;
}

/** How many invalidations are remembered to judge pages rendered across them. */
const RECENT_INVALIDATIONS = 64;

/** Per-entry bookkeeping (key, tags, object headers) counted on top of the bytes. */
const ENTRY_OVERHEAD = 512;

/**
 * Best-level copies are made at most this many at a time: each compression holds an encoder's
 * buffers from the moment it is started, so a burst of cache misses that started them all at
 * once held hundreds of megabytes until the thread pool got through them.
 */
export const UPGRADES_RUNNING = 2;
/** Past this many waiting, a page keeps its fast copy until it is asked for again. */
export const UPGRADES_WAITING = 256;

/**
 * A 256 KB window (lgwin 18) instead of the default 4 MB: pages are smaller than that, and the
 * encoder's buffers, allocated per call outside the JavaScript heap, shrink with it.
 */
const BROTLI_WINDOW = 18;
const FAST_BROTLI: BrotliOptions = {
  params: {
    [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
    [zlibConstants.BROTLI_PARAM_QUALITY]: 4,
    [zlibConstants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW,
  },
};
const BEST_BROTLI = (size: number): BrotliOptions => ({
  params: {
    [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
    [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
    [zlibConstants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW,
    [zlibConstants.BROTLI_PARAM_SIZE_HINT]: size,
  },
});

interface Entry extends CachedPage {
  key: string;
  size: number;
}

/**
 * Rendered reader pages, kept in memory and dropped precisely: each page lists the tags of
 * what it shows (article:12, person:3, listing:term:7, nav, settings) and a change drops the
 * pages that carry its tags. The least recently used pages go first when the cache holds
 * more pages or bytes than its limits.
 */
export class PageCache {
  private readonly pages = new Map<string, Entry>();
  /** The keys of the kept pages carrying each tag: an invalidation visits only those. */
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly limits: PageCacheLimits;
  private bytes = 0;
  /** Counts invalidations: a page rendered while one happened may show what it dropped. */
  private generationCount = 0;
  /**
   * The tags of the latest invalidations (null: everything), newest last, each with the
   * generation it started. A page rendered meanwhile is kept unless one of them names a tag
   * the page carries, so a busy site's steady invalidations do not stop all caching.
   */
  private readonly recent: { generation: number; tags: ReadonlySet<string> | null }[] = [];
  private readonly upgrades = new UpgradeQueue(UPGRADES_RUNNING, UPGRADES_WAITING);

  constructor(limits: PageCacheLimits | number) {
    this.limits = typeof limits === 'number' ? { maxPages: limits, maxBytes: 64 * 1024 * 1024 } : limits;
  }

  /** Take it before rendering; pass it to `set` so a page that went stale meanwhile is not kept. */
  get generation(): number {
    return this.generationCount;
  }

  get(key: string): CachedPage | undefined {
    const entry = this.pages.get(key);
    if (entry) {
      // Least recently used goes first: a hit moves the page to the end.
      this.pages.delete(key);
      this.pages.set(key, entry);
    }
    return entry;
  }

  /**
   * Makes the entry for a rendered page and keeps it, unless the cache is off or something
   * was invalidated since `renderedSince` (the generation taken before rendering): then the
   * page is served once and not kept, for it may show what the change replaced.
   */
  set(
    key: string,
    page: { body: string; status: number; tags: Iterable<string>; lastModified?: Date },
    renderedSince?: number,
  ): CachedPage {
    const bytes = exactBuffer(Buffer.from(page.body, 'utf8'));
    const tags = new Set(page.tags);
    const isKept =
      this.limits.maxPages > 0 &&
      (renderedSince === undefined || !this.isStale(tags, renderedSince)) &&
      bytes.length + ENTRY_OVERHEAD <= this.limits.maxBytes;
    const entry = this.makeEntry(key, bytes, {
      status: page.status,
      tags,
      lastModified: page.lastModified ?? new Date(),
      isKept,
    });
    if (!isKept) return entry;
    this.remove(key);
    this.pages.set(key, entry);
    for (const tag of tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) {
        keys = new Set();
        this.keysByTag.set(tag, keys);
      }
      keys.add(key);
    }
    this.bytes += entry.size;
    this.trim();
    return entry;
  }

  /** Whether an invalidation since `generation` named one of these tags (or everything). */
  private isStale(tags: ReadonlySet<string>, generation: number): boolean {
    if (generation === this.generationCount) return false;
    const oldest = this.recent[0];
    // Older than what is remembered: it may have missed anything.
    if (!oldest || oldest.generation > generation + 1) return true;
    for (const change of this.recent) {
      if (change.generation <= generation) continue;
      if (change.tags === null) return true;
      for (const tag of tags) if (change.tags.has(tag)) return true;
    }
    return false;
  }

  private remember(tags: ReadonlySet<string> | null): void {
    this.generationCount++;
    this.recent.push({ generation: this.generationCount, tags });
    if (this.recent.length > RECENT_INVALIDATIONS) this.recent.shift();
  }

  get size(): number {
    return this.pages.size;
  }

  /** Bytes held, every encoding counted. */
  get byteSize(): number {
    return this.bytes;
  }

  clear(): void {
    this.remember(null);
    this.pages.clear();
    this.keysByTag.clear();
    this.bytes = 0;
  }

  /** Drops every page carrying any of the tags; costs the pages dropped, not the pages kept. */
  invalidate(tags: Iterable<string>): void {
    const wanted = new Set(tags);
    this.remember(wanted);
    for (const tag of wanted) {
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) this.remove(key);
    }
  }

  /** Applies a content change announced by the services. */
  apply(change: ContentChange): void {
    switch (change.kind) {
      case 'article': {
        const tags = [CacheTags.article(change.id), ...change.slugs.map((s) => CacheTags.slug(s))];
        if (change.listings && change.listings.months.length === 0) {
          // Neither listed before nor after (a draft): only the article's own pages change.
        } else if (change.listings) {
          // Only the listings that show (or showed) the article: its terms', its authors', its
          // month's, and the site-wide ones (home, feeds, sitemap index, search).
          tags.push(
            CacheTags.siteListing,
            ...change.listings.termIds.map((id) => CacheTags.termListing(id)),
            ...change.listings.personIds.map((id) => CacheTags.personListing(id)),
            ...change.listings.months.map((m) => CacheTags.monthListing(m)),
          );
        } else {
          tags.push(CacheTags.anyListing);
        }
        this.invalidate(tags);
        break;
      }
      case 'person':
        this.invalidate([CacheTags.person(change.id)]);
        break;
      case 'term':
        this.invalidate([CacheTags.term(change.id), CacheTags.anyListing]);
        break;
      case 'page':
        this.invalidate([CacheTags.page(change.slug), CacheTags.nav]);
        break;
      case 'settings':
      case 'everything':
        this.clear();
        break;
    }
  }

  private remove(key: string): void {
    const entry = this.pages.get(key);
    if (!entry) return;
    this.pages.delete(key);
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
    this.bytes -= entry.size;
  }

  private trim(): void {
    while (this.pages.size > this.limits.maxPages || this.bytes > this.limits.maxBytes) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  /** A compressed copy grew (or shrank) a kept entry. */
  private resize(entry: Entry, delta: number): void {
    entry.size += delta;
    if (this.pages.get(entry.key) !== entry) return;
    this.bytes += delta;
    this.trim();
  }

  private makeEntry(
    key: string,
    bytes: Buffer,
    options: { status: number; tags: ReadonlySet<string>; lastModified: Date; isKept: boolean },
  ): Entry {
    const etag = etagOf(bytes);
    const copies: Partial<Record<'br' | 'gzip', { bytes: Buffer; isBest: boolean }>> = {};
    // Weak: the fast and the best copy are different bytes of the same representation.
    const etags = { br: `W/${etag.slice(0, -1)}-br"`, gzip: `W/${etag.slice(0, -1)}-gzip"` };
    const upgrading = new Set<string>();
    const entry: Entry = {
      key,
      etag,
      status: options.status,
      tags: options.tags,
      lastModified: options.lastModified,
      renderedAt: Date.now(),
      size: bytes.length + ENTRY_OVERHEAD,
      encoded: (encoding) => {
        if (encoding === 'identity') return { bytes, etag, isBest: true };
        let copy = copies[encoding];
        if (!copy) {
          const fast =
            encoding === 'br' ? brotliCompressSync(bytes, FAST_BROTLI) : gzipSync(bytes, { level: 1 });
          // Kept for as long as the page: exactly its size, not zlib's whole output chunk.
          const fastCopy = exactBuffer(fast);
          copy = { bytes: fastCopy, isBest: false };
          copies[encoding] = copy;
          this.resize(entry, fastCopy.length);
        }
        if (!copy.isBest && options.isKept && !upgrading.has(encoding)) {
          upgrading.add(encoding);
          const isTaken = this.upgrades.add((finished) => {
            // Dropped or replaced while it waited: nothing to improve.
            if (this.pages.get(key) !== entry) return finished();
            const done = (error: Error | null, best: Buffer) => {
              finished();
              const current = copies[encoding];
              if (error || !current || this.pages.get(key) !== entry) return;
              copies[encoding] = { bytes: exactBuffer(best), isBest: true };
              this.resize(entry, best.length - current.bytes.length);
            };
            if (encoding === 'br') brotliCompress(bytes, BEST_BROTLI(bytes.length), done);
            else gzip(bytes, { level: 9 }, done);
          });
          // Too many waiting: a later request for this copy asks again.
          if (!isTaken) upgrading.delete(encoding);
        }
        return { bytes: copy.bytes, etag: etags[encoding], isBest: copy.isBest };
      },
    };
    return entry;
  }
}

/** Runs tasks a few at a time, in order; refuses new ones when too many wait. */
class UpgradeQueue {
  private running = 0;
  private readonly waiting: ((finished: () => void) => void)[] = [];

  private readonly maxRunning: number;
  private readonly maxWaiting: number;

  constructor(maxRunning: number, maxWaiting: number) {
    this.maxRunning = maxRunning;
    this.maxWaiting = maxWaiting;
  }

  /** Whether the task was taken (it calls `finished` exactly once when it is done). */
  add(task: (finished: () => void) => void): boolean {
    if (this.running < this.maxRunning) {
      this.start(task);
      return true;
    }
    if (this.waiting.length >= this.maxWaiting) return false;
    this.waiting.push(task);
    return true;
  }

  private start(task: (finished: () => void) => void): void {
    this.running++;
    let isFinished = false;
    task(() => {
      if (isFinished) return;
      isFinished = true;
      this.running--;
      const next = this.waiting.shift();
      if (next) this.start(next);
    });
  }
}

/**
 * The bytes in a buffer of their own. Node hands out most buffers as views of a larger block
 * (64 KB for a page-sized string or zlib's output chunk), and a view kept keeps the whole
 * block: a cached page and its two compressed copies held about 200 KB instead of 30.
 */
export function exactBuffer(buffer: Buffer): Buffer {
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length) return buffer;
  const copy = Buffer.allocUnsafeSlow(buffer.length);
  buffer.copy(copy);
  return copy;
}

export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * If-None-Match matching by weak comparison, as RFC 9110 asks for GET: `W/"x"` and `"x"` match.
 */
export function isEtagMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/** Answers for the Accept-Encoding values seen most: browsers send one of a handful. */
const encodingByHeader = new Map<string, ContentEncoding>();
const ENCODING_HEADERS_KEPT = 32;

/** The best encoding the client accepts (brotli, then gzip), honouring q=0 refusals. */
export function preferredEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (!acceptEncoding) return 'identity';
  let encoding = encodingByHeader.get(acceptEncoding);
  if (encoding === undefined) {
    encoding = negotiatedEncoding(acceptEncoding);
    if (encodingByHeader.size < ENCODING_HEADERS_KEPT) encodingByHeader.set(acceptEncoding, encoding);
  }
  return encoding;
}

function negotiatedEncoding(acceptEncoding: string): ContentEncoding {
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}
