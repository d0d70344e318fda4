/**
 * Import benchmark: generates a 10,000-post WordPress export (WXR 1.2) in a temporary folder,
 * runs the real `pressroom import wordpress` in a child process on a fresh SQLite database,
 * and reports wall time and peak memory (targets: under 30 s, under 300 MB).
 *
 *   npm run bench:import            # 10,000 posts
 *   npm run bench:import -- 2000    # another size
 *
 * The importer's live heap stays near 100 MB for this file (posts are spooled to disk and
 * written one at a time; only ids, slugs and redirects stay in memory), but V8 lets its heap grow
 * lazily to several hundred MB when nothing limits it. `bin/pressroom import wordpress` therefore
 * caps the heap itself (192 MB) unless NODE_OPTIONS says otherwise, and the benchmark measures
 * exactly what an operator gets. BENCH_HEAP_MB=N passes another cap: if memory were not flat, the
 * import would stop with an out-of-memory error instead of finishing. KEEP=1 keeps the generated
 * file and database.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWxr } from './lib/wxr.ts';

const POSTS = Number(process.argv[2] ?? 10_000);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 0);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-import-'));
try {
  const file = path.join(dir, 'export.xml');
  writeWxr(file, { posts: POSTS });
  const size = statSync(file).size;
  process.stdout.write(`Generated ${POSTS} posts, ${(size / 1048576).toFixed(1)} MB: ${file}\n`);
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`,
    PRESSROOM_DATA: path.join(dir, 'data'),
    PRESSROOM_DEMO__SEED_ON_FIRST_RUN: 'false',
    NODE_OPTIONS: [
      process.env.NODE_OPTIONS,
      HEAP_MB > 0 ? `--max-old-space-size=${HEAP_MB} --max-semi-space-size=4` : '',
    ]
      .filter(Boolean)
      .join(' '),
  };
  const started = process.hrtime.bigint();
  const child = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, path.join(repoRoot, 'bin', 'pressroom'), 'import', 'wordpress', file],
    { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) {
    process.stderr.write(child.stdout + child.stderr);
    process.exit(1);
  }
  const maxRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1] ?? 0);
  const cpu =
    Number(/User time \(seconds\): ([\d.]+)/.exec(child.stderr)?.[1] ?? 0) +
    Number(/System time \(seconds\): ([\d.]+)/.exec(child.stderr)?.[1] ?? 0);
  const table = child.stdout
    .split('\n')
    .filter((line) => /^\s+(what|articles|people|terms|comments|redirects)/.test(line));
  process.stdout.write(`${table.join('\n')}\n`);
  process.stdout.write(
    `Import of ${POSTS} posts: ${seconds.toFixed(1)} s wall (${cpu.toFixed(1)} s CPU), peak RSS ${(maxRssKb / 1024).toFixed(0)} MB, heap limit ${HEAP_MB > 0 ? `${HEAP_MB} MB` : 'none'} ` +
      `(targets: < 30 s, < 300 MB) — ${seconds < 30 && maxRssKb / 1024 < 300 ? 'OK' : 'OVER TARGET'}\n`,
  );
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
