import type { IncomingMessage, ServerResponse } from 'node:http';
import { CacheTags } from '../../domain/cache-tags.ts';
import { isEtagMatch, type PageCache, preferredEncoding } from '../page-cache.ts';
import { hasMemberCookie } from './member-reader.ts';

/** Addresses remembered per kept page, at most, before the oldest are forgotten. */
const ADDRESSES_PER_PAGE = 2;
/** Longer addresses are left to the framework: a cache key is never that long. */
const MAX_ADDRESS_LENGTH = 1024;

/** How the answers for a kind of address are made, besides the page's bytes and ETag. */
export interface AnswerKind {
  /** Header names and values in turn: content type, caching, vary. */
  readonly headers: readonly string[];
  /** Sends Last-Modified and honours If-Modified-Since when no If-None-Match is sent. */
  readonly hasLastModified: boolean;
  /** A copy older than this many milliseconds is left to the app, which renders it again. */
  readonly ttlMs: number | undefined;
}

/**
 * Reader pages answered straight from the page cache, before the framework sees the request.
 *
 * Routing a request through Fastify (its request and reply objects, hooks and schema checks)
 * cost about a third of the time of answering a cached page. Once a reader route has answered
 * an address from a kept page, the address is remembered with the page's cache key, and later
 * requests for it are answered here with the same headers the route sends. Every reader
 * route's key is a function of the address alone (its path and query), and addresses that
 * the framework would refuse or redirect never reach a route, so they are never remembered.
 * When the page is dropped (an edit, the byte limit), the address finds nothing and goes to
 * the framework again, which renders and keeps the page anew.
 *
 * Feeds, sitemaps and search pages are answered the same way, each with its own kind of answer
 * (its content type and cache lifetime, Last-Modified, and for feeds and sitemaps a copy's time
 * to live, after which the app renders it again).
 *
 * Answers vary only by Accept-Encoding, If-None-Match and (where Last-Modified is sent)
 * If-Modified-Since. A route whose answer depends on any other part of the request (a cookie,
 * an Accept header asking for another format) must not hand its addresses to `remember`; the one
 * exception is a page tagged CacheTags.forAnonymousOnly (a gated article's preview), which is
 * answered here only to requests without a member cookie.
 */
export class CachedAnswers {
  private readonly cache: PageCache;
  /** Cache key and kind of answer by address, oldest first. */
  private readonly byAddress = new Map<string, { key: string; kind: AnswerKind }>();
  private readonly maxAddresses: number;
  /** The protective headers, names and values in turn, as Node's writeHead takes them. */
  private readonly protectiveHeaders: readonly string[];
  /** The kind of answer of a reader page. */
  private readonly pageKind: AnswerKind;
  /** Called after each answer, for the request log. */
  private readonly onAnswered: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;

  /** What every reader page sends browsers and shared caches (see readerRoutes). */
  readonly cacheControl: string;

  constructor(options: {
    cache: PageCache;
    maxPages: number;
    /** The protective headers every answer carries. */
    headers: Readonly<Record<string, string>>;
    /** Seconds a shared cache (a CDN) may keep a page. */
    sharedMaxAge: number;
    onAnswered?: (request: IncomingMessage, response: ServerResponse) => void;
  }) {
    this.cache = options.cache;
    this.maxAddresses = options.maxPages * ADDRESSES_PER_PAGE;
    // Browsers ask again every time (a 304 while the ETag matches costs a few bytes), so that an
    // article unpublished, deleted or corrected is gone or changed at once; shared caches keep
    // the configured lifetime. A browser lifetime, or stale-while-revalidate, showed a deleted
    // article for up to two minutes.
    this.cacheControl = `public, max-age=0, must-revalidate, s-maxage=${options.sharedMaxAge}`;
    this.protectiveHeaders = Object.entries(options.headers).flat();
    this.pageKind = this.kindOf(this.pageHeaders(), { hasLastModified: false });
    this.onAnswered = options.onAnswered;
  }

  /** The headers of a reader page besides its ETag, encoding and length. */
  pageHeaders(): Record<string, string> {
    return {
      'cache-control': this.cacheControl,
      vary: 'accept-encoding',
      'content-type': 'text/html; charset=utf-8',
    };
  }

  /** A kind of answer with these headers (content type, caching), for `remember`. */
  kindOf(
    headers: Readonly<Record<string, string>>,
    options: { hasLastModified: boolean; ttlMs?: number },
  ): AnswerKind {
    return {
      headers: [...this.protectiveHeaders, ...Object.entries(headers).flat()],
      hasLastModified: options.hasLastModified,
      ttlMs: options.ttlMs,
    };
  }

  /**
   * Remembers that a route answered `address` with the page kept under `key`, as a reader page
   * unless another kind of answer is given.
   */
  remember(address: string, key: string, kind: AnswerKind = this.pageKind): void {
    if (this.maxAddresses === 0 || address.length > MAX_ADDRESS_LENGTH) return;
    const known = this.byAddress.get(address);
    if (known?.key === key && known.kind === kind) return;
    this.byAddress.delete(address);
    this.byAddress.set(address, { key, kind });
    if (this.byAddress.size > this.maxAddresses) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest !== undefined) this.byAddress.delete(oldest);
    }
  }

  /** Answers the request if it asks for a kept page at a remembered address; false leaves it to the app. */
  answer(request: IncomingMessage, response: ServerResponse): boolean {
    const { method, url, headers } = request;
    if ((method !== 'GET' && method !== 'HEAD') || url === undefined) return false;
    // What the app refuses or checks (no Host, a body, an expectation: the app refuses any but
    // 100-continue) is left to it.
    if (headers.host === undefined || headers['content-length'] !== undefined) return false;
    if (headers.expect !== undefined) return false;
    if (headers['transfer-encoding'] !== undefined) return false;
    const remembered = this.byAddress.get(url);
    if (remembered === undefined) return false;
    const { kind } = remembered;
    const entry = this.cache.get(remembered.key);
    if (!entry) return false;
    // A gated article's preview page is not for a member: the app renders theirs.
    if (entry.tags.has(CacheTags.forAnonymousOnly) && hasMemberCookie(headers.cookie)) return false;
    if (kind.ttlMs !== undefined && Date.now() - entry.renderedAt > kind.ttlMs) return false;
    const encoding = preferredEncoding(headers['accept-encoding']);
    const { bytes, etag } = entry.encoded(encoding);
    const answer = [...kind.headers, 'etag', etag];
    let isNotModified = isEtagMatch(headers['if-none-match'], etag);
    if (kind.hasLastModified) {
      // Whole seconds, as the header writes them.
      const lastModified = Math.floor(entry.lastModified.getTime() / 1000) * 1000;
      answer.push('last-modified', new Date(lastModified).toUTCString());
      const since = headers['if-modified-since'];
      if (headers['if-none-match'] === undefined && since) isNotModified = Date.parse(since) >= lastModified;
    }
    if (isNotModified) {
      response.writeHead(304, answer);
      response.end();
    } else {
      if (encoding !== 'identity') answer.push('content-encoding', encoding);
      answer.push('content-length', String(bytes.length));
      response.writeHead(entry.status, answer);
      response.end(method === 'HEAD' ? undefined : bytes);
    }
    this.onAnswered?.(request, response);
    return true;
  }
}
