// What one uncached reader page costs, in machine instructions counted by callgrind. Unlike
// requests per second, the counts do not move with whatever else the machine is doing, so a
// change that saves 5 % shows as 5 % on a busy machine too.
//
//   npm run bench:render-cost [-- --articles 20000 --requests 100 --pages article,home --against ../other
//                            --archive /var/tmp/archive-20k --node-options="--max-semi-space-size=8"]
//
// With --against, another checkout (an older commit, say) is counted on the same archive, and
// the table gives the change. Figures are user-space instructions only: nginx, which spends
// most of its time in the kernel, cannot be compared this way (bench:scale compares
// throughput with it).
//
// Needs valgrind (Debian's package). SQLite only: the database's own work happens in-process
// there, so the count takes it in; a PostgreSQL server's work would not be counted.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parseConfig } from '../src/config.ts';
import { createWiring } from '../src/wiring.ts';
import { generateArchive, readerPages } from './lib/archive.ts';
import { freePort, REPO_ROOT, type RunningProcess, startProcess, waitForHttp } from './lib/processes.ts';

const VALGRIND = '/usr/bin/valgrind';

const { values: args } = parseArgs({
  options: {
    articles: { type: 'string', default: '20000' },
    requests: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '150' },
    pages: { type: 'string', default: 'article,home,term page 1,author,site feed (RSS),search' },
    keep: { type: 'boolean', default: false },
    /** A folder for the archive, kept for later runs: generated once, then reused. */
    archive: { type: 'string' },
    /** Another checkout of Pressroom (with its npm install) counted on the same archive. */
    against: { type: 'string' },
    /** Node options for the server instead of bin/pressroom's, e.g. "--max-semi-space-size=8". */
    'node-options': { type: 'string', default: '--max-semi-space-size=2' },
  },
});
const ARTICLES = Number(args.articles);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const NODE_OPTIONS = (args['node-options'] ?? '').split(/\s+/).filter(Boolean);
const PAGE_LABELS = (args.pages ?? '').split(',').map((s) => s.trim());

/** Fetches `url` `count` times, one after another, reading every body. */
async function fetchTimes(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    await response.arrayBuffer();
  }
}

/** Total instructions in the callgrind output files of `prefix` (one per process). */
function countedInstructions(dir: string, prefix: string): number {
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const match = /^(?:summary|totals): (\d+)/m.exec(text);
    if (match) total += Number(match[1]);
  }
  return total;
}

interface Target {
  dir: string;
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  ready: string;
  url: string;
}

/**
 * Instructions of one run of `command` under callgrind, from start to exit: start-up, `WARMUP`
 * requests of the page to let the compiler settle, then `count` more.
 */
async function countRun(target: Target, count: number, name: string): Promise<number> {
  const prefix = `callgrind.${name}`;
  const server: RunningProcess = startProcess(
    VALGRIND,
    [
      '--tool=callgrind',
      '--trace-children=no',
      `--callgrind-out-file=${path.join(target.dir, `${prefix}.%p`)}`,
      target.command,
      ...target.args,
    ],
    { env: target.env },
  );
  try {
    await waitForHttp(target.ready, 600_000);
    await fetchTimes(target.url, WARMUP + count);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}\n${server.stderr()}`, { cause: error });
  } finally {
    // Under valgrind a clean exit takes many seconds, and callgrind writes its counts only
    // then: no SIGKILL after the usual 5 s.
    if (server.child.exitCode === null && server.child.signalCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 300_000))]);
    }
    await server.stop();
  }
  const total = countedInstructions(target.dir, prefix);
  if (total === 0) throw new Error(`${name}: callgrind wrote no counts\n${server.stderr()}`);
  return total;
}

/**
 * Instructions per request: two whole runs that differ only in `REQUESTS` more requests of the
 * page, so start-up, warm-up and shutdown cancel out.
 */
async function countPerRequest(target: Target): Promise<number> {
  const short = await countRun(target, 0, `${target.name}-short`);
  const long = await countRun(target, REQUESTS, `${target.name}-long`);
  return (long - short) / REQUESTS;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-render-cost-'));
  try {
    const dataDir = args.archive ? path.resolve(args.archive) : path.join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const pagesFile = path.join(dataDir, 'reader-pages.json');
    const url = `sqlite:${path.join(dataDir, 'pressroom.db')}`;
    const config = parseConfig({
      database: { url },
      data: { dir: dataDir },
      site: { url: 'http://127.0.0.1' },
      log: { level: 'silent' },
    });
    let pages: { label: string; path: string }[];
    if (existsSync(pagesFile)) {
      pages = JSON.parse(readFileSync(pagesFile, 'utf8'));
      process.stdout.write(`Using the archive in ${dataDir}\n`);
    } else {
      process.stdout.write(`Generating ${ARTICLES} articles…\n`);
      const wiring = await createWiring({
        config,
        log: pino({ level: 'silent' }),
        shouldShareChanges: false,
      });
      try {
        pages = readerPages(await generateArchive(wiring, { articles: ARTICLES, now: new Date() }));
      } finally {
        await wiring.close();
      }
      writeFileSync(pagesFile, JSON.stringify(pages));
    }
    const chosen = pages.filter((p) => PAGE_LABELS.includes(p.label));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const checkouts = [REPO_ROOT, ...(args.against ? [path.resolve(args.against)] : [])];
    const results: { label: string; counts: number[] }[] = [];
    for (const page of chosen) {
      const counts: number[] = [];
      for (const [i, checkout] of checkouts.entries()) {
        process.stdout.write(`Counting ${page.label} (${page.path}) in ${checkout}…\n`);
        counts.push(
          await countPerRequest({
            dir,
            name: `${page.label.replace(/\W+/g, '-')}-${i}`,
            command: path.join(checkout, 'node_modules', 'node', 'bin', 'node'),
            // What bin/pressroom passes, without its re-run: callgrind follows one process.
            args: [...NODE_OPTIONS, path.join(checkout, 'bin', 'entry.mjs'), 'serve', '--no-demo'],
            env: {
              PORT: String(port),
              HOST: '127.0.0.1',
              SITE_URL: base,
              DATABASE_URL: url,
              PRESSROOM_DATA: dataDir,
              PRESSROOM_LOG__LEVEL: 'warn',
              PRESSROOM_LOG__REQUESTS: 'false',
              PRESSROOM_CACHE__MAX_PAGES: '0',
              PRESSROOM_SERVER__WORKERS: '1',
              MALLOC_ARENA_MAX: '2',
              // Without it the first run of a checkout compiles every module and the next reads
              // them from the cache: the two runs would differ by far more than the requests.
              NODE_DISABLE_COMPILE_CACHE: '1',
            },
            ready: `${base}/healthz`,
            url: `${base}${page.path}`,
          }),
        );
      }
      results.push({ label: page.label, counts });
    }
    process.stdout.write(
      `\nInstructions per uncached request (identity encoding), ${ARTICLES} articles on SQLite, the difference of runs with ${WARMUP} and ${WARMUP + REQUESTS} requests:\n`,
    );
    const heading = checkouts.length > 1 ? ['this checkout', 'other', 'change'] : ['instructions'];
    process.stdout.write(`${'page'.padEnd(24)}${heading.map((h) => h.padStart(16)).join('')}\n`);
    for (const r of results) {
      const cells = r.counts.map((c) => Math.round(c).toLocaleString('en'));
      if (r.counts.length > 1) {
        const [mine, other] = r.counts as [number, number];
        cells.push(`${(((mine - other) / other) * 100).toFixed(1)} %`);
      }
      process.stdout.write(`${r.label.padEnd(24)}${cells.map((c) => c.padStart(16)).join('')}\n`);
    }
    if (checkouts.length > 1) process.stdout.write(`Other: ${checkouts[1]}\n`);
  } finally {
    if (args.keep) process.stdout.write(`Kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
