import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArticleDraft } from '../../src/domain/article.ts';
import { saveArticle } from '../../src/services/articles.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { findOrCreateTerm } from '../../src/services/taxonomies.ts';

export interface ArticleSpec {
  slug: string;
  title: string;
  body: string;
  publishedAt: string;
  status?: ArticleDraft['status'];
  subtitle?: string;
  summary?: string;
  authors?: string[];
  terms?: Record<string, string[]>;
  language?: string;
  featuredImage?: string;
}

/** Saves an article through the real service, creating its authors and terms. */
export async function addArticle(ctx: ServiceContext, spec: ArticleSpec): Promise<number> {
  const now = ctx.now();
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const authorIds: number[] = [];
  const termIds: number[] = [];
  await ctx.store.transaction(async (repos) => {
    for (const name of spec.authors ?? [])
      authorIds.push((await findOrCreatePerson(repos, { name }, now)).id);
    for (const [slug, names] of Object.entries(spec.terms ?? {})) {
      const taxonomy = taxonomies.find((t) => t.slug === slug);
      if (!taxonomy) throw new Error(`no taxonomy ${slug}`);
      for (const name of names) termIds.push((await findOrCreateTerm(repos, taxonomy, { name }, now)).id);
    }
  });
  const existing = await ctx.store.articles.findBySlug(spec.slug);
  const { article } = await saveArticle(
    ctx,
    {
      slug: spec.slug,
      title: spec.title,
      subtitle: spec.subtitle ?? null,
      summary: spec.summary ?? null,
      epigraph: null,
      bodyMarkdown: spec.body,
      status: spec.status ?? 'published',
      publishedAt: spec.publishedAt,
      source: null,
      canonicalUrl: null,
      license: null,
      language: spec.language ?? 'en',
      featuredImage: spec.featuredImage ?? null,
      featuredImageAlt: null,
      seoTitle: null,
      seoDescription: null,
      socialImage: null,
      visibility: 'public',
      isFeatured: false,
      hasComments: true,
      authorIds,
      termIds,
    },
    { actor: 'test', ...(existing ? { id: existing.id } : {}) },
  );
  return article.id;
}

export interface ParsedFeed {
  bozo: boolean;
  bozoMessage: string;
  version: string;
  entries: {
    title: string;
    link: string;
    published: string | null;
    updated: string | null;
    tags: string[];
    authors: string[];
    hasContent: boolean;
    enclosures: string[];
  }[];
}

const PARSE = `
import calendar, json, sys, time, feedparser
d = feedparser.parse(sys.argv[1])
def iso(t):
    return None if t is None else time.strftime('%Y-%m-%dT%H:%M:%SZ', t)
print(json.dumps({
  'bozo': bool(d.bozo), 'bozoMessage': str(d.get('bozo_exception', '')), 'version': d.version,
  'entries': [{
    'title': e.get('title'), 'link': e.get('link'),
    'published': iso(e.get('published_parsed')), 'updated': iso(e.get('updated_parsed')),
    'tags': [t.get('label') or t.get('term') for t in e.get('tags', [])],
    'authors': [a.get('name') for a in e.get('authors', [])],
    'hasContent': bool(e.get('content')),
    'enclosures': [l.get('href') for l in e.get('links', []) if l.get('rel') == 'enclosure'],
  } for e in d.entries]}))
`;

/** Whether Debian's feedparser is there to check feeds with. */
export function hasFeedparser(): boolean {
  const result = spawnSync('/usr/bin/python3', ['-c', 'import feedparser'], { encoding: 'utf8' });
  return result.status === 0;
}

/** Parses feed text with feedparser (python3-feedparser) in a child process. */
export function feedparse(text: string): ParsedFeed {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-feed-'));
  try {
    const file = path.join(dir, 'feed');
    writeFileSync(file, text);
    const result = spawnSync('/usr/bin/python3', ['-c', PARSE, file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`feedparser failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as ParsedFeed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ISO time truncated to whole seconds, as feeds carry it. */
export function toSeconds(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}
