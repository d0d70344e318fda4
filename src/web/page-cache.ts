import { createHash } from 'node:crypto';
import type { ContentChange } from '../services/context.js';

export interface CachedPage {
  body: string;
  etag: string;
  status: number;
  tags: ReadonlySet<string>;
}

/**
 * Rendered reader pages, kept in memory and dropped precisely: each page lists the tags of
 * what it shows (article:12, person:3, term:7, listing, nav, settings) and a change drops the
 * pages that carry its tags. Oldest entries go first when the cache is full.
 */
export class PageCache {
  private readonly pages = new Map<string, CachedPage>();

  constructor(private readonly maxPages: number) {}

  get(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  set(key: string, page: { body: string; status: number; tags: Iterable<string> }): CachedPage {
    const entry: CachedPage = {
      body: page.body,
      status: page.status,
      etag: etagOf(page.body),
      tags: new Set(page.tags),
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
