import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pino from 'pino';
import { parseConfig } from '../src/config.ts';
import { renderMarkdownNow } from '../src/content/markdown.ts';
import { Search, searchDocument } from '../src/services/discovery/search.ts';
import { createSearchIndex } from '../src/storage/search-index.ts';
import { createWiring, type Wiring } from '../src/wiring.ts';
import { temporaryPostgres } from './lib/postgres.ts';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const SKIP_QUERIES = process.env.BENCH_SKIP_QUERIES === '1';
const TARGET_P95_MS = 30;
const BATCH = 1000;

/** A small deterministic PRNG, so every run searches the same corpus. */
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

const REAL_WORDS =
  'water river basin aquifer drought ledger budget court justice parliament oversight intelligence trade port fisheries satellite monitoring climate heat shade city broadband pilot municipal election reform migration border treaty energy grid labour wages housing rent health vaccine school teacher farm harvest soil forest carbon market bank debt inflation currency tax customs railway corridor mining copper lithium coast storm flood insurance'.split(
    ' ',
  );
const SYLLABLES =
  'ka lo mi ne ra su ti vo ze ba de fi gu ho ja ku le mo nu pa qui ro sa te ul va we xi yo zu'.split(' ');

function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>(REAL_WORDS);
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Zipf-like pick: common words are much more common, as in real text. */
function picker(random: () => number, words: string[]): () => string {
  return () => words[Math.floor(words.length * random() ** 3)] ?? 'water';
}

async function generate(wiring: Wiring): Promise<void> {
  const random = prng(42);
  const words = vocabulary(random, 6000);
  const word = picker(random, words);
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const now = '2026-11-20T12:00:00.000Z';
  const store = wiring.store;
  const taxonomies = await store.taxonomies.listTaxonomies();
  const region = taxonomies.find((t) => t.slug === 'region')!;
  const theme = taxonomies.find((t) => t.slug === 'theme')!;
  const people: { id: number; name: string }[] = [];
  const terms: { id: number; name: string }[] = [];
  await store.transaction(async (repos) => {
    for (let i = 0; i < 300; i++) {
      const name = `Author ${SYLLABLES[i % 30]}${SYLLABLES[Math.floor(i / 30) % 30]} ${i}`;
      const id = await repos.people.insert({
        slug: `author-${i}`,
        name,
        bio: null,
        bioHtml: null,
        email: null,
        website: null,
        links: [],
        photo: null,
        createdAt: now,
        updatedAt: now,
      });
      people.push({ id, name });
    }
    for (let i = 0; i < 60; i++) {
      const taxonomy = i < 20 ? region : theme;
      const name = i < 20 ? `Region ${words[i + 100]}` : `Theme ${REAL_WORDS[i % REAL_WORDS.length]} ${i}`;
      const id = await repos.taxonomies.insertTerm(
        {
          taxonomyId: taxonomy.id,
          slug: `term-${i}`,
          name,
          description: null,
          descriptionHtml: null,
          parentId: null,
          position: 0,
        },
        now,
      );
      terms.push({ id, name });
    }
  });

  const started = performance.now();
  for (let offset = 0; offset < ARTICLES; offset += BATCH) {
    await wiring.database.db.transaction().execute(async (db) => {
      const index = createSearchIndex(db, wiring.database.dialect);
      const rows = [];
      const meta: {
        person: { id: number; name: string };
        region: { id: number; name: string };
        theme: { id: number; name: string };
      }[] = [];
      for (let i = offset; i < Math.min(offset + BATCH, ARTICLES); i++) {
        const title = sentence(4 + Math.floor(random() * 5));
        const summary = sentence(20);
        const paragraphs = Array.from({ length: 5 }, () => sentence(30 + Math.floor(random() * 20)));
        const markdown = paragraphs.join('\n\n');
        const published = new Date(
          Date.UTC(2016, 0, 1) + (i / ARTICLES) * (Date.UTC(2026, 10, 19) - Date.UTC(2016, 0, 1)),
        );
        rows.push({
          slug: `bench-${i}`,
          title,
          subtitle: null,
          summary,
          epigraph_text: null,
          epigraph_attribution: null,
          body_markdown: markdown,
          body_html: renderMarkdownNow(markdown),
          status: 'published',
          published_at: published.toISOString(),
          created_at: published.toISOString(),
          updated_at: published.toISOString(),
          source_name: null,
          source_url: null,
          canonical_url: null,
          license: null,
          language: 'en',
          featured_image: null,
          featured_image_alt: null,
          visibility: 'public',
          is_featured: 0,
          has_comments: 1,
          word_count: markdown.split(' ').length,
          version: 1,
        });
        meta.push({
          person: people[Math.floor(random() * people.length)]!,
          region: terms[Math.floor(random() * 20)]!,
          theme: terms[20 + Math.floor(random() * 40)]!,
        });
      }
      const ids = await db.insertInto('articles').values(rows).returning('id').execute();
      await db
        .insertInto('article_authors')
        .values(ids.map((r, i) => ({ article_id: r.id, person_id: meta[i]!.person.id, position: 0 })))
        .execute();
      await db
        .insertInto('article_terms')
        .values(
          ids.flatMap((r, i) => [
            { article_id: r.id, term_id: meta[i]!.region.id, position: 0 },
            { article_id: r.id, term_id: meta[i]!.theme.id, position: 1 },
          ]),
        )
        .execute();
      for (const [i, r] of ids.entries()) {
        const row = rows[i]!;
        await index.put(
          searchDocument({
            articleId: r.id,
            publishedAt: row.published_at,
            termIds: [meta[i]!.region.id, meta[i]!.theme.id],
            personIds: [meta[i]!.person.id],
            language: 'en',
            title: row.title,
            subtitle: null,
            summary: row.summary,
            bodyHtml: row.body_html,
            people: [meta[i]!.person.name],
            terms: [meta[i]!.region.name, meta[i]!.theme.name],
          }),
        );
      }
    });
    if ((offset + BATCH) % 20_000 === 0) {
      const rate = (offset + BATCH) / ((performance.now() - started) / 1000);
      process.stdout.write(`  ${offset + BATCH} articles (${rate.toFixed(0)}/s)\n`);
    }
  }
  if (wiring.database.dialect === 'postgres') await sql`ANALYZE`.execute(wiring.database.db);
  else await sql`INSERT INTO article_search(article_search) VALUES ('optimize')`.execute(wiring.database.db);
}

const QUERIES: { label: string; q: string; filters?: Record<string, unknown> }[] = [
  { label: 'common word', q: 'water' },
  { label: 'common word, page 5', q: 'river', filters: { page: 5 } },
  { label: 'two words', q: 'drought budget' },
  { label: 'three words', q: 'court justice reform' },
  { label: 'rare word', q: 'lithium' },
  { label: 'phrase', q: '"water river"' },
  { label: 'prefix', q: 'migra*' },
  { label: 'short prefix', q: 'ka*' },
  { label: 'word + region', q: 'harvest', filters: { terms: { region: 'term-3' } } },
  { label: 'word + author', q: 'water', filters: { author: 'author-17' } },
  { label: 'word + dates', q: 'flood', filters: { from: '2025-01-01', to: '2025-12-31' } },
  { label: 'author name', q: 'author' },
  { label: 'accented', q: 'café' },
  { label: 'no match', q: 'xylophonequartz' },
  { label: 'many words', q: 'water river basin aquifer drought ledger' },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function bench(kind: 'sqlite' | 'postgres', url: string, dataDir: string): Promise<void> {
  const config = parseConfig({
    database: { url },
    data: { dir: dataDir },
    site: { url: 'https://bench.example' },
    log: { level: 'silent' },
  });
  const wiring = await createWiring({
    config,
    log: pino({ level: 'silent' }),
    now: () => new Date('2026-11-20T12:00:00.000Z'),
  });
  try {
    if (process.env.BENCH_REUSE) {
      process.stdout.write(`\n${kind}: reusing ${process.env.BENCH_REUSE}\n`);
    } else {
      process.stdout.write(`\n${kind}: generating ${ARTICLES} articles…\n`);
      const genStart = performance.now();
      await generate(wiring);
      process.stdout.write(
        `  generated and indexed in ${((performance.now() - genStart) / 1000).toFixed(1)} s\n`,
      );
    }
    if (SKIP_QUERIES) return;
    const search = new Search(wiring);
    for (const q of QUERIES) await search.search({ q: q.q, ...q.filters });
    const all: number[] = [];
    process.stdout.write(
      `  ${'query'.padEnd(22)} ${'hits'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}\n`,
    );
    for (const q of QUERIES) {
      const times: number[] = [];
      let total = 0;
      let isExact = true;
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const outcome = await search.search({ q: q.q, ...q.filters });
        times.push(performance.now() - start);
        total = outcome.pagination.total;
        isExact = outcome.isTotalExact;
      }
      all.push(...times);
      times.sort((a, b) => a - b);
      process.stdout.write(
        `  ${q.label.padEnd(22)} ${`${isExact ? '' : '>'}${total}`.padStart(7)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)}\n`,
      );
    }
    all.sort((a, b) => a - b);
    const p95 = percentile(all, 95);
    process.stdout.write(
      `  ${kind} overall (${all.length} searches): p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms — target p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await wiring.close();
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-'));
const reuse = process.env.BENCH_REUSE;
if (reuse) {
  // Times the queries against a database a previous run kept (BENCH_KEEP=1).
  await bench(reuse.startsWith('sqlite:') ? 'sqlite' : 'postgres', reuse, dataDir);
  process.exit(0);
}
try {
  if (process.env.BENCH_ONLY !== 'postgres')
    await bench('sqlite', `sqlite:${path.join(dataDir, 'bench.db')}`, dataDir);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (adminUrl && process.env.BENCH_ONLY !== 'sqlite') {
    const database = await temporaryPostgres(adminUrl);
    try {
      await bench('postgres', database.url, dataDir);
    } finally {
      if (process.env.BENCH_KEEP) process.stdout.write(`kept ${database.url}\n`);
      else await database.drop();
    }
  } else if (!adminUrl) {
    process.stdout.write(
      '\npostgres: skipped (set BENCH_DATABASE_URL to a server where a database may be created)\n',
    );
  }
} finally {
  if (process.env.BENCH_KEEP) process.stdout.write(`kept ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}
