// Soak: a server on a generated archive under mixed reads (every page kind, many articles,
// varied searches) while edits and new articles land, minute after minute. Prints req/s, p99
// and resident memory per minute: memory must level off, not climb. Memory is that of every
// process `bin/pressroom serve` runs (a launcher on an old Node, the server, the --workers
// processes), summed, with each one's share.
//
//   npm run bench:soak [-- --minutes 10 --articles 100000 --connections 20 --database postgres --workers 2]
//
// Writes go through the same article service as the newsroom, from this process, so the
// server learns of them as it would from another one (SQLite data_version, PostgreSQL NOTIFY).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../src/config.ts';
import { draftOf, saveArticle } from '../src/services/articles.ts';
import { createWiring } from '../src/wiring.ts';
import { generateArchive, readerPages } from './lib/archive.ts';
import { describeTree, processTree, shortTree, totalRssMb } from './lib/process-tree.ts';
import { REPO_ROOT, startProcess, waitForHttp } from './lib/processes.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    articles: { type: 'string', default: process.env.BENCH_ARTICLES ?? '100000' },
    connections: { type: 'string', default: '20' },
    database: { type: 'string', default: 'sqlite' },
    port: { type: 'string', default: process.env.BENCH_BASE_PORT ?? '19310' },
    workers: { type: 'string', default: '1' },
  },
});
const MINUTES = Number(args.minutes);
const ARTICLES = Number(args.articles);
const PORT = Number(args.port);
const WORKERS = Number(args.workers);
const run = promisify(execFile);

const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-soak-'));
let drop = async () => {};
let url = `sqlite:${path.join(dir, 'soak.db')}`;
if (args.database === 'postgres') {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl)
    throw new Error('set BENCH_DATABASE_URL to a PostgreSQL server where a database may be created');
  const name = `pressroom_soak_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  url = target.toString();
  drop = async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  };
}

try {
  const config = parseConfig({ database: { url }, data: { dir }, log: { level: 'silent' } });
  const wiring = await createWiring({ config, log: pino({ level: 'silent' }) });
  try {
    process.stdout.write(`generating ${ARTICLES} articles on ${args.database}…\n`);
    const info = await generateArchive(wiring, { articles: ARTICLES, now: new Date() });
    const words = ['harvest', 'water river', 'court', 'flood insurance', 'migra*', '"tax customs"', 'copper'];
    const paths = [
      ...readerPages(info).map((p) => p.path),
      ...info.articleSlugs.map((s) => `/articles/${s}`),
      ...words.flatMap((w) => [1, 2, 3].map((page) => `/search?q=${encodeURIComponent(w)}&page=${page}`)),
      ...Array.from({ length: 50 }, (_, i) => `/theme/theme-0?page=${i + 1}`),
    ];
    const script = path.join(dir, 'mixed.lua');
    writeFileSync(
      script,
      `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  io.write(string.format("P99 %d\\n", latency:percentile(99)))
end
`,
    );
    const server = startProcess(
      path.join(REPO_ROOT, 'bin', 'pressroom'),
      ['serve', '--no-demo', '--workers', String(WORKERS)],
      {
        env: {
          PORT: String(PORT),
          HOST: '127.0.0.1',
          DATABASE_URL: url,
          PRESSROOM_DATA: dir,
          PRESSROOM_LOG__LEVEL: 'warn',
          PRESSROOM_LOG__REQUESTS: 'false',
        },
      },
    );
    try {
      await waitForHttp(`http://127.0.0.1:${PORT}/`, 120_000);
      process.stdout.write(
        `soak: ${MINUTES} min, wrk -t2 -c${args.connections} over ${paths.length} addresses, an edit every 2 s and a new article every 10 s (load average ${loadavg()[0]?.toFixed(1)})\n`,
      );
      const tree = () => processTree(server.child.pid);
      const started = tree();
      process.stdout.write(
        `memory counted: bin/pressroom (pid ${server.child.pid}) and every process below it, RSS summed:\n${describeTree(started)}`,
      );
      let counted = started.map((each) => each.pid).join(' ');
      process.stdout.write('minute  req/s   p99 ms  RSS MB  peak MB  writes  RSS MB per process\n');
      process.stdout.write(
        `     0                  ${totalRssMb(started).toFixed(0).padStart(6)}                   ${shortTree(started)}\n`,
      );
      let writes = 0;
      let failedWrites = 0;
      let isWriting = true;
      const model = (await wiring.store.articles.findBySlug(info.articleSlugs[0] ?? ''))!;
      const writer = (async () => {
        let n = 0;
        while (isWriting) {
          await new Promise((resolve) => setTimeout(resolve, 2000));
          if (!isWriting) break;
          n++;
          try {
            const slug = info.articleSlugs[n % info.articleSlugs.length] ?? '';
            const article = await wiring.store.articles.findBySlug(slug);
            if (article) {
              await saveArticle(
                wiring,
                { ...draftOf(article), title: `${article.title.split(' · ')[0]} · edit ${n}` },
                { actor: 'soak' },
              );
              writes++;
            }
            if (n % 5 === 0) {
              await saveArticle(
                wiring,
                {
                  ...draftOf(model),
                  slug: `soak-${n}`,
                  title: `Soak article ${n}`,
                  publishedAt: new Date().toISOString(),
                },
                { actor: 'soak' },
              );
              writes++;
            }
          } catch (error) {
            // A busy database under this load is reported and the writer goes on.
            failedWrites++;
            if (failedWrites <= 3) process.stdout.write(`  write failed: ${(error as Error).message}\n`);
          }
        }
      })();
      for (let minute = 1; minute <= MINUTES; minute++) {
        let peak = 0;
        const sampler = setInterval(() => {
          peak = Math.max(peak, totalRssMb(tree()));
        }, 500);
        const { stdout } = await run(
          '/usr/bin/wrk',
          [
            '-t2',
            `-c${args.connections}`,
            '-d60s',
            '--timeout',
            '5s',
            '-s',
            script,
            `http://127.0.0.1:${PORT}/`,
          ],
          { timeout: 120_000 },
        );
        clearInterval(sampler);
        if (server.child.exitCode !== null) throw new Error(`the server stopped: ${server.stderr()}`);
        const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
        const p99 = Number(/P99 (\d+)/.exec(stdout)?.[1] ?? 0) / 1000;
        const now = tree();
        process.stdout.write(
          `${String(minute).padStart(6)} ${rps.toFixed(0).padStart(6)} ${p99.toFixed(1).padStart(8)} ${totalRssMb(now).toFixed(0).padStart(7)} ${Math.max(peak, totalRssMb(now)).toFixed(0).padStart(8)} ${String(writes).padStart(7)}  ${shortTree(now)}\n`,
        );
        // A worker that crashed and was replaced is a new process: say so rather than let its
        // fresh, smaller memory pass for a levelling off.
        const pids = now.map((each) => each.pid).join(' ');
        if (pids !== counted) {
          process.stdout.write(
            `  the processes changed since the last line; now counted:\n${describeTree(now, '    ')}`,
          );
          counted = pids;
        }
      }
      isWriting = false;
      await writer;
    } finally {
      await server.stop();
    }
  } finally {
    await wiring.close();
  }
} finally {
  await drop();
  rmSync(dir, { recursive: true, force: true });
}
