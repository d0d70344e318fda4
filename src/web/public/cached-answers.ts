import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEtagMatch, type PageCache, preferredEncoding } from '../page-cache.ts';

/** Addresses remembered per kept page, at most, before the oldest are forgotten. */
const ADDRESSES_PER_PAGE = 2;
/** Longer addresses are left to the framework: a cache key is never that long. */
const MAX_ADDRESS_LENGTH = 1024;

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
 * Answers vary only by Accept-Encoding and If-None-Match. A route whose answer depends on any
 * other part of the request (a cookie, an Accept header asking for another format) must not
 * hand its addresses to `remember`.
 */
export class CachedAnswers {
  private readonly cache: PageCache;
  /** Cache key by address, oldest first. */
  private readonly keysByAddress = new Map<string, string>();
  private readonly maxAddresses: number;
  /** Header names and values in turn, as Node's writeHead takes them. */
  private readonly fixedHeaders: readonly string[];
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
    this.fixedHeaders = Object.entries({ ...options.headers, ...this.pageHeaders() }).flat();
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

  /** Remembers that a reader route answered `address` with the page kept under `key`. */
  remember(address: string, key: string): void {
    if (this.maxAddresses === 0 || address.length > MAX_ADDRESS_LENGTH) return;
    if (this.keysByAddress.get(address) === key) return;
    this.keysByAddress.delete(address);
    this.keysByAddress.set(address, key);
    if (this.keysByAddress.size > this.maxAddresses) {
      const oldest = this.keysByAddress.keys().next().value;
      if (oldest !== undefined) this.keysByAddress.delete(oldest);
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
    const key = this.keysByAddress.get(url);
    if (key === undefined) return false;
    const entry = this.cache.get(key);
    if (!entry) return false;
    const encoding = preferredEncoding(headers['accept-encoding']);
    const { bytes, etag } = entry.encoded(encoding);
    const answer = [...this.fixedHeaders, 'etag', etag];
    if (isEtagMatch(headers['if-none-match'], etag)) {
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
