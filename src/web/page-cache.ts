import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import type { ContentChange } from '../services/context.ts';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

export interface CachedPage {
  body: string;
  etag: string;
  status: number;
  tags: ReadonlySet<string>;
  /** The body encoded once, compressed on first demand, so serving a cached page copies bytes and nothing more. */
  encoded(encoding: ContentEncoding): Buffer;
}

/**
 * Rendered reader pages, kept in memory and dropped precisely: each page lists the tags of
 * what it shows (article:12, person:3, term:7, listing, nav, settings) and a change drops the
 * pages that carry its tags. Oldest entries go first when the cache is full.
 */
export class PageCache {
  private readonly pages = new Map<string, CachedPage>();

  private readonly maxPages: number;

  constructor(maxPages: number) {
    this.maxPages = maxPages;
  }

  get(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  set(key: string, page: { body: string; status: number; tags: Iterable<string> }): CachedPage {
    const entry: CachedPage = {
      body: page.body,
      status: page.status,
      etag: etagOf(page.body),
      tags: new Set(page.tags),
      encoded: encoder(page.body),
    };
    if (this.maxPages === 0) return entry;
    this.pages.delete(key);
    this.pages.set(key, entry);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
    return entry;
  }

  get size(): number {
    return this.pages.size;
  }

  clear(): void {
    this.pages.clear();
  }

  /** Drops every page carrying any of the tags. */
  invalidate(tags: Iterable<string>): void {
    const wanted = new Set(tags);
    for (const [key, page] of this.pages) {
      for (const tag of page.tags) {
        if (wanted.has(tag)) {
          this.pages.delete(key);
          break;
        }
      }
    }
  }

  /** Applies a content change announced by the services. */
  apply(change: ContentChange): void {
    switch (change.kind) {
      case 'article':
        this.invalidate([`article:${change.id}`, 'listing', ...change.slugs.map((s) => `slug:${s}`)]);
        break;
      case 'person':
        this.invalidate([`person:${change.id}`]);
        break;
      case 'term':
        this.invalidate([`term:${change.id}`, 'listing']);
        break;
      case 'page':
        this.invalidate([`page:${change.slug}`, 'nav']);
        break;
      case 'settings':
      case 'everything':
        this.clear();
        break;
    }
  }
}

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

function encoder(body: string): (encoding: ContentEncoding) => Buffer {
  const bytes = Buffer.from(body, 'utf8');
  let gzip: Buffer | undefined;
  let brotli: Buffer | undefined;
  return (encoding) => {
    if (encoding === 'gzip') {
      gzip ??= gzipSync(bytes, { level: 9 });
      return gzip;
    }
    if (encoding === 'br') {
      brotli ??= brotliCompressSync(bytes, {
        params: {
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
          [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      });
      return brotli;
    }
    return bytes;
  };
}

/** The best encoding the client accepts (brotli, then gzip), honouring q=0 refusals. */
export function preferredEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (!acceptEncoding) return 'identity';
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
