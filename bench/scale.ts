// A large archive, every reader page with the page cache off and on, on SQLite and PostgreSQL,
// against nginx serving a saved copy of the article in the same run. Prints one table (req/s,
// ratio to nginx, p50/p95/p99, RSS) and the query plans of every page.
//
//   npm run bench:scale [-- --articles 100000 --duration 5 --connections 50 --mixed 60 --only sqlite --workers 2]
//
// --keep DIR keeps the generated archives for the next run with the same --articles: the SQLite
// file in DIR, and on PostgreSQL a database named pressroom_scale_kept_<articles>, with what
// each holds noted in DIR. Generating 100,000 articles takes minutes (PostgreSQL the longest);
// a kept archive is used again as it is.
//
// PostgreSQL runs when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server where a database
// may be created. Everything listens on 127.0.0.1 and every run is bounded in time.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pino from 'pino';
import { parseConfig } from '../src/config.ts';
import { createWiring } from '../src/wiring.ts';
import { type ArchiveInfo, generateArchive, readerPages } from './lib/archive.ts';
import { savedPageLocation, startNginx } from './lib/nginx.ts';
import { explainPages, type PagePlan } from './lib/plans.ts';
import { keptPostgres, temporaryPostgres } from './lib/postgres.ts';
import { cpuSecondsOfTree, describeTree, processTree, totalRssMb } from './lib/process-tree.ts';
import { REPO_ROOT, type RunningProcess, startProcess, waitForHttp } from './lib/processes.ts';
import { WRK } from './lib/wrk.ts';

const { values: args } = parseArgs({
  options: {
    articles: { type: 'string', default: process.env.BENCH_ARTICLES ?? '100000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'uncached-connections': { type: 'string', default: '4' },
    mixed: { type: 'string', default: '60' },
    only: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'base-port': { type: 'string', default: process.env.BENCH_BASE_PORT ?? '19300' },
    keep: { type: 'string' },
  },
});
const ARTICLES = Number(args.articles);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
/** Rendering pages is CPU-bound: a few connections measure latency, more only queue. */
const UNCACHED_CONNECTIONS = Number(args['uncached-connections']);
const MIXED = Number(args.mixed);
/**
 * Seconds of mixed reads run first, as their own row: a fresh server fills its cache under 50
 * connections, and a stall while it does so (a cold page rendered while others queue) is the
 * cold start's, not the steady state's.
 */
const MIXED_WARMUP = Math.min(5, MIXED);
const BASE_PORT = Number(args['base-port']);
/** Server processes sharing the port (serve --workers): memory figures then add them all up. */
const WORKERS = Number(args.workers);

const run = promisify(execFile);

interface Measure {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

const LUA_DONE = `
done = function(summary, latency, requests)
  io.write(string.format("PCTL %d %d %d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  io.write(string.format("ERRS %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`;

function luaFile(dir: string, name: string, paths?: string[]): string {
  const file = path.join(dir, `${name}.lua`);
  const random = paths
    ? `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
`
    : '';
  writeFileSync(file, random + LUA_DONE);
  return file;
}

/** wrk for `seconds` seconds; latencies in milliseconds. */
async function wrk(
  url: string,
  seconds: number,
  script: string,
  connections = CONNECTIONS,
): Promise<Measure> {
  const { stdout } = await run(
    WRK,
    [`-t2`, `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', script, url],
    { timeout: (seconds + 30) * 1000 },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const [p50 = 0, p95 = 0, p99 = 0] = (/PCTL (\d+) (\d+) (\d+)/.exec(stdout) ?? [])
    .slice(1)
    .map((n) => Number(n) / 1000);
  const errors = Number(/ERRS (\d+)/.exec(stdout)?.[1] ?? 0);
  return { rps, p50, p95, p99, errors };
}

/**
 * Resident memory of bin/pressroom and every process below it (a launcher on an old Node, the
 * server, the server processes of --workers), now and the sum of their peaks, in MB.
 */
function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  const tree = processTree(pid);
  return { rss: totalRssMb(tree), peak: tree.reduce((sum, each) => sum + each.peakMb, 0) };
}

interface Row {
  database: string;
  page: string;
  cache: 'off' | 'on' | '-';
  measure: Measure;
  rssMb: number;
}

function startServer(options: {
  port: number;
  url: string;
  dataDir: string;
  isCached: boolean;
}): RunningProcess {
  return startProcess(path.join(REPO_ROOT, 'bin', 'pressroom'), ['serve', '--no-demo'], {
    env: {
      PORT: String(options.port),
      HOST: '127.0.0.1',
      SITE_URL: `http://127.0.0.1:${options.port}`,
      DATABASE_URL: options.url,
      PRESSROOM_DATA: options.dataDir,
      PRESSROOM_LOG__LEVEL: 'warn',
      PRESSROOM_LOG__REQUESTS: 'false',
      ...(options.isCached ? {} : { PRESSROOM_CACHE__MAX_PAGES: '0' }),
      PRESSROOM_SERVER__WORKERS: String(WORKERS),
    },
  });
}

interface DatabaseReport {
  database: string;
  /** Seconds the archive took to generate; null when a kept one was used. */
  generateSeconds: number | null;
  startSeconds: { off: number; on: number };
  /**
   * Processor time the server used up to its first answer, in seconds. On a machine shared with
   * other work the clock mostly measures the wait for a processor; this is what start-up costs.
   */
  startCpuSeconds: { off: number | undefined; on: number | undefined; empty: number | undefined };
  rows: Row[];
  nginx: Measure;
  mixed: { warmup: Measure; measure: Measure; peakMb: number; idleMb: number; startPeakMb: number };
  emptyStartSeconds: number;
  plans: PagePlan[];
}

async function benchDatabase(
  database: string,
  url: string,
  dir: string,
  portOffset: number,
): Promise<DatabaseReport> {
  const dataDir = path.join(dir, database);
  mkdirSync(dataDir, { recursive: true });
  const now = new Date();
  const config = parseConfig({
    database: { url },
    data: { dir: dataDir },
    site: { url: 'http://127.0.0.1' },
    log: { level: 'silent' },
  });
  // A kept archive notes what it holds beside it; without the note it is generated again.
  const infoFile = args.keep ? path.join(dir, `${database}-${ARTICLES}.json`) : undefined;
  let info: ArchiveInfo;
  let generateSeconds: number | null = null;
  if (infoFile && existsSync(infoFile)) {
    info = JSON.parse(readFileSync(infoFile, 'utf8')) as ArchiveInfo;
    process.stdout.write(
      `\n${database}: using the kept archive of ${ARTICLES} articles; explaining queries…\n`,
    );
  } else {
    process.stdout.write(`\n${database}: generating ${ARTICLES} articles…\n`);
    const wiring = await createWiring({ config, log: pino({ level: 'silent' }), shouldShareChanges: false });
    const started = performance.now();
    try {
      info = await generateArchive(wiring, {
        articles: ARTICLES,
        now,
        onProgress: (done) => {
          if (done % 20_000 === 0) process.stdout.write(`  ${done}\n`);
        },
      });
    } finally {
      await wiring.close();
    }
    generateSeconds = (performance.now() - started) / 1000;
    if (infoFile) writeFileSync(infoFile, JSON.stringify(info));
    process.stdout.write(`  generated in ${generateSeconds.toFixed(1)} s; explaining queries…\n`);
  }
  const pages = readerPages(info);
  const plans = await explainPages(config, pages);

  const rows: Row[] = [];
  const startSeconds = { off: 0, on: 0 };
  const startCpuSeconds: DatabaseReport['startCpuSeconds'] = {
    off: undefined,
    on: undefined,
    empty: undefined,
  };
  const port = BASE_PORT + portOffset;
  const { seconds: emptyStartSeconds, cpuSeconds: emptyCpu } = await timeEmptyStart(
    database === 'sqlite' ? `sqlite:${path.join(dataDir, 'empty.db')}` : null,
    url,
    dataDir,
    port,
  );
  const single = luaFile(dir, 'single');
  let nginx: Measure = { rps: 0, p50: 0, p95: 0, p99: 0, errors: 0 };
  let mixed = { warmup: nginx, measure: nginx, peakMb: 0, idleMb: 0, startPeakMb: 0 };
  for (const isCached of [false, true]) {
    const cache = isCached ? 'on' : 'off';
    const t0 = performance.now();
    const server = startServer({ port, url, dataDir, isCached });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000, server);
      startSeconds[cache] = (performance.now() - t0) / 1000;
      startCpuSeconds[cache] = cpuSecondsOfTree(server.child.pid ?? -1);
      process.stdout.write(
        `  memory counted (cache ${cache}): bin/pressroom (pid ${server.child.pid}) and every process below it, RSS summed:\n${describeTree(processTree(server.child.pid), '    ')}`,
      );
      for (const page of pages) {
        const pageUrl = `http://127.0.0.1:${port}${page.path}`;
        const connections = isCached ? CONNECTIONS : UNCACHED_CONNECTIONS;
        // One request renders (and, with the cache on, caches) the page before the load starts.
        await fetch(pageUrl).then((r) => r.arrayBuffer());
        await wrk(pageUrl, 1, single, connections);
        const measure = await wrk(pageUrl, DURATION, single, connections);
        rows.push({ database, page: page.label, cache, measure, rssMb: memoryOf(server.child.pid).rss });
        process.stdout.write(`  cache ${cache} ${page.label}: ${measure.rps.toFixed(0)} req/s\n`);
      }
      if (isCached) {
        // nginx serves the same article bytes from a file, measured right after Pressroom.
        const article = pages.find((p) => p.label === 'article')!;
        const html = await (await fetch(`http://127.0.0.1:${port}${article.path}`)).text();
        const nginxDir = path.join(dir, `nginx-${database}`);
        mkdirSync(path.join(nginxDir, 'www'), { recursive: true });
        writeFileSync(path.join(nginxDir, 'www', 'article.html'), html);
        const server2 = await startNginx({
          dir: nginxDir,
          port: BASE_PORT + 90 + portOffset,
          location: savedPageLocation(article.path),
        });
        try {
          await wrk(server2.url, 1, single);
          nginx = await wrk(server2.url, DURATION, single);
        } finally {
          await server2.stop();
        }
        // Mixed reads over every page kind and many articles, so the cache fills as it would
        // (--mixed 0 leaves them out: wrk refuses a run of no seconds).
        const idleMb = memoryOf(server.child.pid).rss;
        const paths = [...pages.map((p) => p.path), ...info.articleSlugs.map((s) => `/articles/${s}`)];
        // Peak during the load, sampled: VmHWM would also count the start-up's peak.
        let peakMb = idleMb;
        const sampler = setInterval(() => {
          peakMb = Math.max(peakMb, memoryOf(server.child.pid).rss);
        }, 250);
        try {
          const none = { rps: 0, p50: 0, p95: 0, p99: 0, errors: 0 };
          const mixedLua = luaFile(dir, 'mixed', paths);
          const warmup =
            MIXED_WARMUP > 0 ? await wrk(`http://127.0.0.1:${port}/`, MIXED_WARMUP, mixedLua) : none;
          const measure = MIXED > 0 ? await wrk(`http://127.0.0.1:${port}/`, MIXED, mixedLua) : none;
          mixed = { warmup, measure, peakMb, idleMb, startPeakMb: memoryOf(server.child.pid).peak };
        } finally {
          clearInterval(sampler);
        }
      }
    } finally {
      await server.stop();
    }
  }
  startCpuSeconds.empty = emptyCpu;
  return {
    database,
    generateSeconds,
    startSeconds,
    startCpuSeconds,
    emptyStartSeconds,
    rows,
    nginx,
    mixed,
    plans,
  };
}

/**
 * Start-up of the same server on an empty database (migrated first, so only start-up is
 * timed), for comparison with the archive's: the difference is what the archive costs.
 */
async function timeEmptyStart(
  sqliteUrl: string | null,
  archiveUrl: string,
  dataDir: string,
  port: number,
): Promise<{ seconds: number; cpuSeconds: number | undefined }> {
  let url = sqliteUrl;
  let drop = async () => {};
  if (!url) {
    const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? archiveUrl;
    const empty = await temporaryPostgres(adminUrl, 'pressroom_scale');
    url = empty.url;
    drop = empty.drop;
  }
  try {
    const config = parseConfig({ database: { url }, data: { dir: dataDir }, log: { level: 'silent' } });
    await (await createWiring({ config, log: pino({ level: 'silent' }), shouldShareChanges: false })).close();
    const t0 = performance.now();
    const server = startServer({ port, url, dataDir, isCached: true });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000, server);
      return {
        seconds: (performance.now() - t0) / 1000,
        cpuSeconds: cpuSecondsOfTree(server.child.pid ?? -1),
      };
    } finally {
      await server.stop();
    }
  } finally {
    await drop();
  }
}

function pad(text: string, width: number, isRight = false): string {
  return isRight ? text.padStart(width) : text.padEnd(width);
}

const cpu = (seconds: number | undefined) => (seconds === undefined ? 'n/a' : `${seconds.toFixed(2)} s`);

function report(reports: DatabaseReport[]): void {
  const out: string[] = [];
  out.push(
    `\nPressroom at ${ARTICLES} articles, ${WORKERS} server process${WORKERS > 1 ? 'es' : ''} — wrk -t2, ${UNCACHED_CONNECTIONS} connections with the cache off, ${CONNECTIONS} with it on (nginx too), ${DURATION} s per page; load average ${loadavg()[0]?.toFixed(1)} (other work shares this machine: compare ratios within a run)`,
  );
  out.push(
    `| database | page | cache | req/s | × nginx | p50 ms | p95 ms | p99 ms | errors | RSS MB | plan |`,
    `| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
  );
  for (const r of reports) {
    for (const row of r.rows) {
      const plan = r.plans.find((p) => p.label === row.page);
      const flags = plan?.queries.flatMap((q) => q.flags) ?? [];
      out.push(
        `| ${row.database} | ${row.page} | ${row.cache} | ${row.measure.rps.toFixed(0)} | ${(row.measure.rps / (r.nginx.rps || 1)).toFixed(3)} | ${row.measure.p50.toFixed(1)} | ${row.measure.p95.toFixed(1)} | ${row.measure.p99.toFixed(1)} | ${row.measure.errors} | ${row.rssMb.toFixed(0)} | ${row.cache === 'off' ? (flags.length ? `${flags.length} flagged` : `${plan?.queries.length ?? 0} queries, no scans`) : ''} |`,
      );
    }
    out.push(
      `| ${r.database} | nginx, saved article | - | ${r.nginx.rps.toFixed(0)} | 1.000 | ${r.nginx.p50.toFixed(1)} | ${r.nginx.p95.toFixed(1)} | ${r.nginx.p99.toFixed(1)} | ${r.nginx.errors} | | |`,
    );
    if (MIXED > 0)
      out.push(
        `| ${r.database} | mixed reads, first ${MIXED_WARMUP} s (cache filling) | on | ${r.mixed.warmup.rps.toFixed(0)} | | ${r.mixed.warmup.p50.toFixed(1)} | ${r.mixed.warmup.p95.toFixed(1)} | ${r.mixed.warmup.p99.toFixed(1)} | ${r.mixed.warmup.errors} | | |`,
        `| ${r.database} | mixed reads ${MIXED} s, after them | on | ${r.mixed.measure.rps.toFixed(0)} | | ${r.mixed.measure.p50.toFixed(1)} | ${r.mixed.measure.p95.toFixed(1)} | ${r.mixed.measure.p99.toFixed(1)} | ${r.mixed.measure.errors} | peak ${r.mixed.peakMb.toFixed(0)} | |`,
      );
  }
  for (const r of reports) {
    out.push(
      `\n${r.database}: ${r.generateSeconds === null ? 'kept archive used' : `archive generated in ${r.generateSeconds.toFixed(1)} s`}; start-up to first answer (/healthz) ${r.startSeconds.off.toFixed(2)} s (cache off), ${r.startSeconds.on.toFixed(2)} s (cache on), ${r.emptyStartSeconds.toFixed(2)} s on an empty database (processor time up to it: ${cpu(r.startCpuSeconds.off)}, ${cpu(r.startCpuSeconds.on)}, ${cpu(r.startCpuSeconds.empty)}); RSS before mixed load ${r.mixed.idleMb.toFixed(0)} MB, peak during it ${r.mixed.peakMb.toFixed(0)} MB (peak since start, start-up included: ${r.mixed.startPeakMb.toFixed(0)} MB)`,
    );
  }
  out.push(
    '\nQuery plans (cache off; steps that read a whole article table or sort a range of it are flagged):',
  );
  for (const r of reports) {
    for (const plan of r.plans) {
      const flagged = plan.queries.filter((q) => q.flags.length > 0);
      out.push(
        `  ${r.database} ${pad(plan.label, 20)} ${plan.path} → ${plan.status}, ${plan.queries.length} queries, ${flagged.length ? `${flagged.length} flagged` : 'no scans over the archive'}`,
      );
      for (const q of flagged) {
        out.push(`      ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
        for (const f of q.flags) out.push(`        ! ${f}`);
      }
      if (process.env.BENCH_PLANS === 'all') {
        for (const q of plan.queries) {
          out.push(`      ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
          for (const line of q.plan) out.push(`        ${line}`);
        }
      }
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

const dir = args.keep ? path.resolve(args.keep) : mkdtempSync(path.join(tmpdir(), 'pressroom-scale-'));
if (args.keep) mkdirSync(dir, { recursive: true });

/** The PostgreSQL database of this run: a new one, or with --keep the kept one (emptied if its note is missing). */
async function runDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!args.keep) return temporaryPostgres(adminUrl, 'pressroom_scale');
  const kept = await keptPostgres(adminUrl, `pressroom_scale_kept_${ARTICLES}`, {
    isFresh: !existsSync(path.join(dir, `postgres-${ARTICLES}.json`)),
  });
  return { url: kept, drop: async () => {} };
}
const reports: DatabaseReport[] = [];
/** A database whose run failed is named with its error; the others' figures are still printed. */
const failures: string[] = [];
try {
  if (args.only !== 'postgres') {
    const file = path.join(dir, args.keep ? `scale-${ARTICLES}.db` : 'scale.db');
    // A kept file without its note may hold half an archive: it is generated again.
    if (args.keep && !existsSync(path.join(dir, `sqlite-${ARTICLES}.json`)))
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    await benchDatabase('sqlite', `sqlite:${file}`, dir, 1).then(
      (done) => reports.push(done),
      (error: unknown) => failures.push(`sqlite: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (adminUrl && args.only !== 'sqlite') {
    const database = await runDatabase(adminUrl);
    try {
      await benchDatabase('postgres', database.url, dir, 2).then(
        (done) => reports.push(done),
        (error: unknown) =>
          failures.push(`postgres: ${error instanceof Error ? error.message : String(error)}`),
      );
    } finally {
      await database.drop();
    }
  } else if (!adminUrl && args.only !== 'sqlite') {
    process.stdout.write(
      '\npostgres: skipped (set BENCH_DATABASE_URL to a server where a database may be created)\n',
    );
  }
  report(reports);
  for (const failure of failures) process.stdout.write(`\nFAILED ${failure}\n`);
  if (failures.length > 0) process.exitCode = 1;
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
