/**
 * Ghost import benchmark: generates an N-post Ghost 5 JSON export (10,000 posts by default; each
 * post with html, mobiledoc, lexical and plaintext, about 12 KB, so 100,000 posts make 1.2
 * GB) in a temporary folder, runs the real `pressroom import ghost` on a fresh database, then
 * `pressroom export --format markdown` of what it imported, each in a child process, and reports
 * wall and CPU time, peak RSS, and the RSS at every tenth (of the file read and the posts
 * written for the import, of the run time for the export), so that memory which grows with the
 * archive shows.
 *
 *   npm run bench:import-ghost                 # 10,000 posts, SQLite
 *   npm run bench:import-ghost -- 100000       # another size
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:import-ghost -- 100000
 *
 * With BENCH_DATABASE_URL the import goes to a temporary database created on that server (and
 * dropped at the end). Targets: RSS that does not grow with the archive once under way, and a
 * peak under 250 MB. `bin/pressroom import ghost` caps the heap itself (192 MB) unless
 * NODE_OPTIONS says otherwise; BENCH_HEAP_MB=N passes another cap. KEEP=1 keeps the generated
 * file, database and export.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeGhostExport } from './lib/ghost.ts';
import { countedProcesses, mb, measure, rssByTenths, writingRss } from './lib/measure.ts';
import { temporaryPostgres } from './lib/postgres.ts';

const POSTS = Number(process.argv[2] ?? 10_000);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 0);
const PEAK_TARGET_MB = 250;
const GROWTH_TARGET_MB = 20;

const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-ghost-'));
const adminUrl = process.env.BENCH_DATABASE_URL;
const postgres = adminUrl ? await temporaryPostgres(adminUrl, 'pressroom_bench_ghost') : undefined;
try {
  const file = path.join(dir, 'ghost.json');
  writeGhostExport(file, { posts: POSTS });
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
    ['import', 'ghost', file, '--progress', '--report', path.join(dir, 'report.json')],
    env,
  );
  const table = imported.stdout
    .split('\n')
    .filter((line) => /^\s+(what|articles|pages|people|terms|redirects)|^Source items/.test(line));
  process.stdout.write(`${table.join('\n')}\n`);
  const read = imported.samples.filter((s) => s.mark?.startsWith('reading'));
  process.stdout.write(
    `  RSS at each tenth of the file read: ${read.map((s) => `${/(\d+%)/.exec(s.mark ?? '')?.[1]} ${mb(s.rssMb)}`).join(', ')}\n`,
  );
  const { lines, growthMb } = writingRss(imported);
  process.stdout.write('  written   elapsed   RSS\n');
  process.stdout.write(`${lines.join('\n')}\n`);
  const msPerPost = (imported.seconds * 1000) / POSTS;
  const isOnTarget = imported.peakRssMb < PEAK_TARGET_MB && growthMb < GROWTH_TARGET_MB;
  process.stdout.write(
    `Import of ${POSTS} posts (${database}): ${imported.seconds.toFixed(1)} s wall (${imported.cpuSeconds.toFixed(1)} s CPU, ${msPerPost.toFixed(2)} ms per post), ` +
      `peak RSS ${mb(imported.peakRssMb)}, RSS growth after the first 10% written ${growthMb >= 0 ? '+' : ''}${mb(growthMb)}, heap limit ${HEAP_MB > 0 ? `${HEAP_MB} MB` : '192 MB (bin/pressroom)'} ` +
      `(targets: peak < ${PEAK_TARGET_MB} MB, < ${GROWTH_TARGET_MB} MB growth) — ${isOnTarget ? 'OK' : 'OVER TARGET'}\n`,
  );
  process.stdout.write(countedProcesses(imported));

  const output = path.join(dir, 'markdown');
  const exported = await measure(['export', '--format', 'markdown', '--output', output], {
    ...env,
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
  });
  const files = readdirSync(path.join(output, 'articles')).length;
  const tenths = rssByTenths(exported);
  const growth = Math.max(...exported.samples.map((s) => s.rssMb)) - (exported.samples[0]?.rssMb ?? 0);
  process.stdout.write(
    `Export (Markdown, ${files} article files): ${exported.seconds.toFixed(1)} s wall (${exported.cpuSeconds.toFixed(1)} s CPU), peak RSS ${mb(exported.peakRssMb)} ` +
      `(target: peak < ${PEAK_TARGET_MB} MB) — ${exported.peakRssMb < PEAK_TARGET_MB ? 'OK' : 'OVER TARGET'}\n` +
      `  RSS at each tenth of the export: ${tenths.join(', ')} (growth from the first sample ${mb(growth)})\n`,
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
