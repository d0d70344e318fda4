/**
 * Renders reader pages in-process with the page cache off, records every query each one runs,
 * and asks the database how it runs them (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
 * PostgreSQL). Steps whose cost follows the archive are flagged: a full scan of an article
 * table, or a sort of rows not read in order from an index.
 */
import { CompiledQuery } from 'kysely';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { createWiring } from '../../src/wiring.ts';

export interface PagePlan {
  label: string;
  path: string;
  status: number;
  queries: { sql: string; plan: string[]; flags: string[] }[];
}

/** Tables that grow with the archive. */
const BIG = [
  'articles',
  'article_terms',
  'article_authors',
  'article_search',
  'article_search_entries',
  'article_views',
];
/** Read counts are read by a range of days: their rows follow recent traffic, not the archive. */
const WINDOWED = ['article_views'];

/** Table names behind the aliases a query uses ("articles" as "a", article_search_entries e). */
function aliasesOf(query: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const pattern = /\b(?:from|join)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi;
  for (const match of query.matchAll(pattern)) {
    const [, table, alias] = match;
    if (!table) continue;
    aliases.set(table, table);
    if (alias && !/^(on|where|order|group|limit|inner|left|join|cross)$/i.test(alias))
      aliases.set(alias, table);
  }
  return aliases;
}

function flagsOf(dialect: string, plan: string[], query: string): string[] {
  const flags: string[] = [];
  const aliases = aliasesOf(query);
  const isBig = (name: string | undefined) => BIG.includes(aliases.get(name ?? '') ?? name ?? '');
  if (dialect === 'sqlite') {
    // A range over a big table is fine when an index hands rows over in order and a LIMIT stops
    // the walk; with a temporary B-tree every row in the range is read and sorted first.
    const hasRangeOnBig = plan.some((line) => {
      const step = /\b(?:SEARCH|SCAN) (\w+)/.exec(line);
      const table = aliases.get(step?.[1] ?? '') ?? step?.[1] ?? '';
      // Full-text ranges (the ranked candidates' rowid cutoff) are bounded by the search's own caps.
      return (
        step &&
        isBig(step[1]) &&
        !WINDOWED.includes(table) &&
        !/VIRTUAL TABLE/.test(line) &&
        // A lookup by id that also checks a range in the same index entry reads one entry.
        !/\((?:id|rowid)=\?/.test(line) &&
        /[<>]/.test(line)
      );
    });
    for (const line of plan) {
      const scan = /\bSCAN (\w+)/.exec(line);
      if (scan && isBig(scan[1]) && !/VIRTUAL TABLE/.test(line)) flags.push(line.trim());
      if (hasRangeOnBig && /USE TEMP B-TREE/.test(line)) flags.push(line.trim());
    }
    return flags;
  }
  for (const line of plan) {
    // Estimated rows tell an empty table (read counts in a fresh archive) from a big one.
    const scan = /Seq Scan on (\w+)\s+(?:\w+\s+)?\(cost=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(line);
    if (scan && isBig(scan[1]) && Number(scan[2]) > 1000) flags.push(line.trim());
    const sort = /Sort {2}\(cost=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(line);
    if (sort && Number(sort[1]) > 5000) flags.push(line.trim());
  }
  return flags;
}

/** Explains the queries of each page; `config` names the database (the page cache is turned off here). */
export async function explainPages(
  config: Config,
  pages: { label: string; path: string }[],
  now?: () => Date,
): Promise<PagePlan[]> {
  let current: { sql: string; parameters: readonly unknown[] }[] = [];
  let isRecording = false;
  const wiring = await createWiring({
    config: { ...config, cache: { ...config.cache, maxPages: 0 } },
    log: pino({ level: 'silent' }),
    shouldShareChanges: false,
    ...(now ? { now } : {}),
    onQuery: (query) => {
      if (isRecording) current.push(query);
    },
  });
  const app = await buildApp(wiring, { shouldLog: false });
  const results: PagePlan[] = [];
  try {
    for (const page of pages) {
      current = [];
      isRecording = true;
      const response = await app.inject({ method: 'GET', url: page.path });
      isRecording = false;
      const seen = new Set<string>();
      const queries: PagePlan['queries'] = [];
      for (const query of current) {
        if (!/^\s*(select|with)\b/i.test(query.sql) || seen.has(query.sql)) continue;
        seen.add(query.sql);
        const prefix = wiring.database.dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
        const { rows } = await wiring.database.db.executeQuery(
          CompiledQuery.raw(prefix + query.sql, [...query.parameters]),
        );
        const plan = (rows as Record<string, unknown>[]).map((r) =>
          String(r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r)),
        );
        queries.push({ sql: query.sql, plan, flags: flagsOf(wiring.database.dialect, plan, query.sql) });
      }
      results.push({ ...page, status: response.statusCode, queries });
    }
  } finally {
    await app.close();
    await wiring.close();
  }
  return results;
}
