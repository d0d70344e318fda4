/**
 * Import benchmark: generates an N-post WordPress export (WXR 1.2; 10,000 posts by default) in a
 * temporary folder, runs the real `pressroom import wordpress` on a fresh database, then
 * `pressroom export` of what it imported, each in a child process, and reports wall and CPU time,
 * peak RSS, and the import's RSS at every tenth of the items written, so that memory which grows
 * with the archive shows.
 *
 *   npm run bench:import                 # 10,000 posts, SQLite
 *   npm run bench:import -- 100000       # another size
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:import -- 100000
 *
 * With BENCH_DATABASE_URL the import goes to a temporary database created on that server (and
 * dropped at the end). Targets: 3 ms per post (100,000 posts in under 5 minutes) and memory that
 * does not grow with the archive. `bin/pressroom import wordpress` caps the heap itself (192 MB)
 * unless NODE_OPTIONS says otherwise, and the benchmark measures exactly what an operator gets;
 * BENCH_HEAP_MB=N passes another cap. KEEP=1 keeps the generated file, database and export.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countedProcesses, mb, measure, rssByTenths, writingRss } from './lib/measure.ts';
import { temporaryPostgres } from './lib/postgres.ts';
import { writeWxr } from './lib/wxr.ts';

const POSTS = Number(process.argv[2] ?? 10_000);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 0);

const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-import-'));
const adminUrl = process.env.BENCH_DATABASE_URL;
const postgres = adminUrl ? await temporaryPostgres(adminUrl, 'pressroom_bench_import') : undefined;
try {
  const file = path.join(dir, 'export.xml');
  writeWxr(file, { posts: POSTS });
  const size = statSync(file).size;
  process.stdout.write(`Generated ${POSTS} posts, ${(size / 1048576).toFixed(1)} MB: ${file}\n`);
  const env = {
    ...process.env,
    DATABASE_URL: postgres?.url ?? `sqlite:${path.join(dir, 'bench.db')}`,
    PRESSROOM_DATA: path.join(dir, 'data'),
    PRESSROOM_DEMO__SEED_ON_FIRST_RUN: 'false',
    NODE_OPTIONS: [
      process.env.NODE_OPTIONS,
      HEAP_MB > 0 ? `--max-old-space-size=${HEAP_MB} --max-semi-space-size=4` : '',
    ]
      .filter(Boolean)
      .join(' '),
  };
  const database = postgres ? 'PostgreSQL' : 'SQLite';
  const imported = await measure(
    ['import', 'wordpress', file, '--progress', '--report', path.join(dir, 'report.json')],
    env,
  );
  const table = imported.stdout
    .split('\n')
    .filter((line) => /^\s+(what|articles|people|terms|comments|redirects)|^Source items/.test(line));
  process.stdout.write(`${table.join('\n')}\n`);
  const { lines, growthMb: growth } = writingRss(imported);
  process.stdout.write('  written   elapsed   RSS\n');
  process.stdout.write(`${lines.join('\n')}\n`);
  const msPerPost = (imported.seconds * 1000) / POSTS;
  const isOnTarget = msPerPost < 3 && growth < 20;
  process.stdout.write(
    `Import of ${POSTS} posts (${database}): ${imported.seconds.toFixed(1)} s wall (${imported.cpuSeconds.toFixed(1)} s CPU, ${msPerPost.toFixed(2)} ms per post), ` +
      `peak RSS ${mb(imported.peakRssMb)}, RSS growth after the first 10% ${growth >= 0 ? '+' : ''}${mb(growth)}, heap limit ${HEAP_MB > 0 ? `${HEAP_MB} MB` : '192 MB (bin/pressroom)'} ` +
      `(targets: < 3 ms per post, < 20 MB growth) — ${isOnTarget ? 'OK' : 'OVER TARGET'}\n`,
  );
  process.stdout.write(countedProcesses(imported));

  const output = path.join(dir, 'export.json');
  const exported = await measure(['export', '--output', output], {
    ...env,
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
  });
  const tenths = rssByTenths(exported);
  process.stdout.write(
    `Export (JSON, ${(statSync(output).size / 1048576).toFixed(0)} MB): ${exported.seconds.toFixed(1)} s wall (${exported.cpuSeconds.toFixed(1)} s CPU), peak RSS ${mb(exported.peakRssMb)}\n` +
      `  RSS at each tenth of the export: ${tenths.join(', ')}\n`,
  );
  process.stdout.write(countedProcesses(exported));
} finally {
  if (!process.env.KEEP) {
    rmSync(dir, { recursive: true, force: true });
    await postgres?.drop();
  } else {
    process.stdout.write(`Kept ${dir}${postgres ? ` and ${postgres.url}` : ''}\n`);
  }
}
