/**
 * Generates a large archive straight into storage: people, terms and published articles in
 * multi-row inserts, listing counts and (optionally) the search index, without going through
 * article saves. 100,000 articles take seconds, not the hour saves would.
 *
 * Used by `npm run bench:scale`, `npm run bench:soak` and the large-archive integration test.
 */
import { type Insertable, type Kysely, sql } from 'kysely';
import { renderMarkdownNow } from '../../src/content/markdown.ts';
import { encodeListingPosition } from '../../src/domain/listing.ts';
import type { Store } from '../../src/domain/ports/store.ts';
import { searchDocument } from '../../src/services/discovery/search.ts';
import { loadSettings } from '../../src/services/settings.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import type { ArticlesTable, Database } from '../../src/storage/schema.ts';
import { createSearchIndex } from '../../src/storage/search-index.ts';

export interface ArchiveOptions {
  articles: number;
  /** The archive's "now": the newest article is an hour older. */
  now: Date;
  /** How many of the newest articles go into the search index (all by default). */
  indexed?: number;
  onProgress?: (done: number) => void;
}

/** Addresses of typical pages in the generated archive, for tests and benchmarks. */
export interface ArchiveInfo {
  articleSlugs: string[];
  /** A theme carried by about a third of the articles: its page 500 exists past ~18,000 articles. */
  bigTerm: { taxonomy: string; term: string };
  /** Deep listing pages as the page before's "Older" link names them (read by keyset), those the archive has. */
  cursorPages: { label: string; path: string }[];
  /** A region with sub-regions. */
  parentTerm: { taxonomy: string; term: string };
  authorSlug: string;
  /** A month with articles, YYYY-MM. */
  month: string;
  searchWord: string;
}

const WORDS =
  'water river basin aquifer drought ledger budget court justice parliament oversight intelligence trade port fisheries satellite monitoring climate heat shade city broadband pilot municipal election reform migration border treaty energy grid labour wages housing rent health vaccine school teacher farm harvest soil forest carbon market bank debt inflation currency tax customs railway corridor mining copper lithium coast storm flood insurance'.split(
    ' ',
  );

/** A small deterministic PRNG, so every run builds the same archive. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = 200;
const REGIONS = 20;
const THEMES = 40;
const REPORTS = 6;
const TAGS = 300;

/** Fills an empty, migrated database with `articles` published articles; returns page addresses. */
export async function generateArchive(
  target: { store: Store; database: DatabaseHandle },
  options: ArchiveOptions,
): Promise<ArchiveInfo> {
  const { store, database } = target;
  const random = prng(7);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const nowIso = options.now.toISOString();
  const taxonomies = new Map((await store.taxonomies.listTaxonomies()).map((t) => [t.slug, t]));
  const taxonomyId = (slug: string) => {
    const taxonomy = taxonomies.get(slug);
    if (!taxonomy) throw new Error(`taxonomy ${slug} is missing`);
    return taxonomy.id;
  };

  const people: { id: number; name: string }[] = [];
  const terms = new Map<string, { id: number; name: string }[]>();
  await store.transaction(async (repos) => {
    for (let i = 0; i < PEOPLE; i++) {
      const name = `Writer ${WORDS[i % WORDS.length]} ${i}`;
      const id = await repos.people.insert({
        slug: `writer-${i}`,
        name,
        bio: `Writes about ${WORDS[i % WORDS.length]}.`,
        bioHtml: `<p>Writes about ${WORDS[i % WORDS.length]}.</p>`,
        email: null,
        website: null,
        links: [],
        photo: null,
        createdAt: nowIso,
        updatedAt: nowIso,
      });
      people.push({ id, name });
    }
    const addTerms = async (taxonomy: string, count: number, prefix: string, parentEvery = 0) => {
      const list: { id: number; name: string }[] = [];
      for (let i = 0; i < count; i++) {
        const parent = parentEvery > 0 && i % parentEvery !== 0 ? list[i - (i % parentEvery)] : undefined;
        const name = `${prefix} ${WORDS[i % WORDS.length]} ${i}`;
        const id = await repos.taxonomies.insertTerm(
          {
            taxonomyId: taxonomyId(taxonomy),
            slug: `${prefix.toLowerCase()}-${i}`,
            name,
            description: null,
            descriptionHtml: null,
            parentId: parent?.id ?? null,
            position: i,
          },
          nowIso,
        );
        list.push({ id, name });
      }
      terms.set(taxonomy, list);
    };
    await addTerms('region', REGIONS, 'Region', 5);
    await addTerms('theme', THEMES, 'Theme');
    await addTerms('report', REPORTS, 'Report');
    await addTerms('tag', TAGS, 'Tag');
  });

  // Rendering Markdown costs more than inserting; a pool of bodies is rendered once.
  const bodies = Array.from({ length: 32 }, () => {
    const markdown = Array.from({ length: 8 }, () => sentence(60)).join('\n\n');
    return { markdown, html: renderMarkdownNow(markdown), words: 480, text: markdown.slice(0, 600) };
  });

  const first = options.now.getTime() - 10 * 365 * 86_400_000;
  const last = options.now.getTime() - 3_600_000;
  const indexedFrom = options.articles - (options.indexed ?? options.articles);
  const batch = 500;
  const slugs: string[] = [];
  for (let offset = 0; offset < options.articles; offset += batch) {
    await database.db.transaction().execute(async (db) => {
      await insertBatch(db, database.dialect, {
        from: offset,
        to: Math.min(offset + batch, options.articles),
        total: options.articles,
        first,
        last,
        random,
        sentence,
        bodies,
        people,
        terms,
        indexedFrom,
        slugs,
      });
    });
    options.onProgress?.(Math.min(offset + batch, options.articles));
  }
  await store.transaction((repos) => repos.listings.rebuild());
  // Fresh statistics, as a real archive's would be, so plans match what production sees.
  await sql`ANALYZE`.execute(database.db);

  // Deep pages as the "Older" link of the page before names them: by the position of its last article.
  const { pageSize } = await loadSettings(store);
  const cursorPages: ArchiveInfo['cursorPages'] = [];
  const addCursorPage = async (
    label: string,
    base: string,
    page: number,
    filter: { termIds: number[] } | { personId: number } | Record<string, never>,
  ) => {
    const [end] =
      (await store.articles.publishedPositions({
        now: nowIso,
        limit: 1,
        offset: (page - 1) * pageSize - 1,
        ...filter,
      })) ?? [];
    if (end) cursorPages.push({ label, path: `${base}?page=${page}&after=${encodeListingPosition(end)}` });
  };
  const regionIds = (terms.get('region') ?? []).slice(0, 5).map((t) => t.id);
  await addCursorPage('term page 501 by cursor', '/theme/theme-0', 501, {
    termIds: [terms.get('theme')?.[0]?.id ?? 0],
  });
  await addCursorPage('sub-terms page 101 by cursor', '/region/region-0', 101, { termIds: regionIds });
  await addCursorPage('author page 11 by cursor', '/authors/writer-3', 11, { personId: people[3]?.id ?? 0 });
  await addCursorPage('home page 1001 by cursor', '/', 1001, {});

  const newest = new Date(last);
  const month = new Date(Date.UTC(newest.getUTCFullYear(), newest.getUTCMonth() - 2, 15))
    .toISOString()
    .slice(0, 7);
  return {
    articleSlugs: slugs.slice(-200),
    bigTerm: { taxonomy: 'theme', term: 'theme-0' },
    cursorPages,
    parentTerm: { taxonomy: 'region', term: 'region-0' },
    authorSlug: 'writer-3',
    month,
    searchWord: 'harvest',
  };
}

interface BatchContext {
  from: number;
  to: number;
  total: number;
  first: number;
  last: number;
  random: () => number;
  sentence: (n: number) => string;
  bodies: { markdown: string; html: string; words: number; text: string }[];
  people: { id: number; name: string }[];
  terms: Map<string, { id: number; name: string }[]>;
  indexedFrom: number;
  slugs: string[];
}

async function insertBatch(
  db: Kysely<Database>,
  dialect: DatabaseHandle['dialect'],
  c: BatchContext,
): Promise<void> {
  const { random } = c;
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const rows: Insertable<ArticlesTable>[] = [];
  const meta: { people: { id: number; name: string }[]; terms: { id: number; name: string }[] }[] = [];
  const regions = c.terms.get('region') ?? [];
  const themes = c.terms.get('theme') ?? [];
  const reports = c.terms.get('report') ?? [];
  const tags = c.terms.get('tag') ?? [];
  for (let i = c.from; i < c.to; i++) {
    const published = new Date(c.first + ((c.last - c.first) * (i + 1)) / c.total).toISOString();
    const body = c.bodies[i % c.bodies.length]!;
    const slug = `archive-${i}`;
    c.slugs.push(slug);
    rows.push({
      slug,
      title: `${c.sentence(5)} ${i}`,
      subtitle: null,
      summary: c.sentence(24),
      epigraph_text: null,
      epigraph_attribution: null,
      body_markdown: body.markdown,
      body_html: body.html,
      status: 'published',
      published_at: published,
      created_at: published,
      updated_at: published,
      source_name: null,
      source_url: null,
      canonical_url: null,
      license: null,
      language: 'en',
      featured_image: null,
      featured_image_alt: null,
      visibility: 'public',
      is_featured: i % 500 === 0 ? 1 : 0,
      has_comments: 1,
      word_count: body.words,
      version: 1,
    });
    const articleTerms = [pick(regions), random() < 0.33 ? themes[0]! : pick(themes), pick(themes)];
    if (random() < 0.1) articleTerms.push(pick(reports));
    articleTerms.push(pick(tags));
    const authors = [pick(c.people)];
    if (random() < 0.15) authors.push(pick(c.people));
    meta.push({
      people: [...new Map(authors.map((p) => [p.id, p])).values()],
      terms: [...new Map(articleTerms.map((t) => [t.id, t])).values()],
    });
  }
  const ids = await db.insertInto('articles').values(rows).returning('id').execute();
  await db
    .insertInto('article_authors')
    .values(
      ids.flatMap((r, i) =>
        meta[i]!.people.map((p, position) => ({
          article_id: r.id,
          person_id: p.id,
          position,
          listed_at: rows[i]!.published_at ?? null,
        })),
      ),
    )
    .execute();
  await db
    .insertInto('article_terms')
    .values(
      ids.flatMap((r, i) =>
        meta[i]!.terms.map((t, position) => ({
          article_id: r.id,
          term_id: t.id,
          position,
          listed_at: rows[i]!.published_at ?? null,
        })),
      ),
    )
    .execute();
  const index = createSearchIndex(db, dialect);
  for (const [i, r] of ids.entries()) {
    if (c.from + i < c.indexedFrom) continue;
    const row = rows[i]!;
    await index.put(
      searchDocument({
        articleId: r.id,
        publishedAt: row.published_at ?? nowIsoOf(row),
        termIds: meta[i]!.terms.map((t) => t.id),
        personIds: meta[i]!.people.map((p) => p.id),
        language: 'en',
        title: row.title,
        subtitle: null,
        summary: row.summary ?? null,
        // The index gets the start of the body: enough to search, quick to build.
        bodyHtml: c.bodies[(c.from + i) % c.bodies.length]!.text,
        people: meta[i]!.people.map((p) => p.name),
        terms: meta[i]!.terms.map((t) => t.name),
      }),
    );
  }
}

function nowIsoOf(row: Insertable<ArticlesTable>): string {
  return row.updated_at;
}

/** Every kind of reader page, at addresses the generated archive has. */
export function readerPages(info: ArchiveInfo): { label: string; path: string }[] {
  const article = info.articleSlugs[info.articleSlugs.length - 1] ?? 'archive-0';
  const big = `/${info.bigTerm.taxonomy}/${info.bigTerm.term}`;
  return [
    { label: 'home', path: '/' },
    { label: 'article', path: `/articles/${article}` },
    { label: 'term page 1', path: big },
    { label: 'term page 500', path: `${big}?page=500` },
    ...info.cursorPages,
    { label: 'term with sub-terms', path: `/${info.parentTerm.taxonomy}/${info.parentTerm.term}` },
    { label: 'author', path: `/authors/${info.authorSlug}` },
    { label: 'taxonomy index', path: `/${info.bigTerm.taxonomy}` },
    { label: 'sitemap index', path: '/sitemap.xml' },
    { label: 'monthly sitemap', path: `/sitemaps/articles-${info.month}.xml` },
    { label: 'news sitemap', path: '/sitemaps/news.xml' },
    { label: 'site feed (RSS)', path: '/feed.xml' },
    { label: 'term feed (Atom)', path: `${big}/feed.atom` },
    { label: 'search', path: `/search?q=${info.searchWord}` },
  ];
}
