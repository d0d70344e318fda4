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
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporaryPostgres } from './lib/postgres.ts';
import { writeWxr } from './lib/wxr.ts';

const POSTS = Number(process.argv[2] ?? 10_000);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 0);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Sample {
  seconds: number;
  rssMb: number;
  /** The progress line the child had just printed, if the sample was taken for one. */
  mark?: string;
}

interface Measured {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  samples: Sample[];
  stdout: string;
}

/** Pids of every process below `pid` (bin/pressroom re-runs itself with a heap cap). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Resident memory of the largest process below `pid`, in MB (the one doing the work). */
function rssBelow(pid: number): number {
  let largest = 0;
  for (const child of descendants(pid)) {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child}/status`, 'utf8'))?.[1] ?? 0);
      largest = Math.max(largest, kb / 1024);
    } catch {
      // Ended meanwhile.
    }
  }
  return largest;
}

/**
 * Runs `bin/pressroom ARGS` under /usr/bin/time (for CPU time and peak RSS), sampling its
 * memory every quarter second and at every line it prints on standard error.
 */
async function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const child = spawn(
    '/usr/bin/time',
    ['-v', process.execPath, path.join(repoRoot, 'bin', 'pressroom'), ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid as number;
  const samples: Sample[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const line of chunk.split('\n'))
      if (/^(reading|writing) \d+%/.test(line))
        samples.push({ seconds: elapsed(), rssMb: rssBelow(pid), mark: line });
  });
  const timer = setInterval(() => {
    const rssMb = rssBelow(pid);
    if (rssMb > 0) samples.push({ seconds: elapsed(), rssMb });
  }, 250);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const seconds = elapsed();
  if (code !== 0) {
    process.stderr.write(stdout + stderr);
    throw new Error(`pressroom ${args.join(' ')} exited with ${code}`);
  }
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(stderr)?.[1] ?? 0);
  return {
    seconds,
    cpuSeconds: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
    peakRssMb: field('Maximum resident set size \\(kbytes\\)') / 1024,
    samples,
    stdout,
  };
}

const mb = (n: number) => `${n.toFixed(0)} MB`;

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
  const written = imported.samples.filter((s) => s.mark?.startsWith('writing'));
  process.stdout.write('  written   elapsed   RSS\n');
  for (const sample of written)
    process.stdout.write(
      `  ${(/(\d+%)/.exec(sample.mark ?? '')?.[1] ?? '').padStart(7)} ${`${sample.seconds.toFixed(0)} s`.padStart(9)} ${mb(sample.rssMb).padStart(7)}\n`,
    );
  // Growth from the first tenth written to the end: what a larger archive would add.
  const first = written.find((s) => s.mark?.startsWith('writing 10%')) ?? written[0];
  const late = written.filter((s) => first && s.seconds >= first.seconds);
  const growth = late.length > 0 ? Math.max(...late.map((s) => s.rssMb)) - (first?.rssMb ?? 0) : 0;
  const msPerPost = (imported.seconds * 1000) / POSTS;
  const isOnTarget = msPerPost < 3 && growth < 20;
  process.stdout.write(
    `Import of ${POSTS} posts (${database}): ${imported.seconds.toFixed(1)} s wall (${imported.cpuSeconds.toFixed(1)} s CPU, ${msPerPost.toFixed(2)} ms per post), ` +
      `peak RSS ${mb(imported.peakRssMb)}, RSS growth after the first 10% ${growth >= 0 ? '+' : ''}${mb(growth)}, heap limit ${HEAP_MB > 0 ? `${HEAP_MB} MB` : '192 MB (bin/pressroom)'} ` +
      `(targets: < 3 ms per post, < 20 MB growth) — ${isOnTarget ? 'OK' : 'OVER TARGET'}\n`,
  );

  const output = path.join(dir, 'export.json');
  const exported = await measure(['export', '--output', output], {
    ...env,
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
  });
  const tenths = Array.from({ length: 10 }, (_, i) => {
    const at = (exported.seconds * (i + 1)) / 10;
    const sample = exported.samples.findLast((s) => s.seconds <= at) ?? exported.samples[0];
    return mb(sample?.rssMb ?? 0);
  });
  process.stdout.write(
    `Export (JSON, ${(statSync(output).size / 1048576).toFixed(0)} MB): ${exported.seconds.toFixed(1)} s wall (${exported.cpuSeconds.toFixed(1)} s CPU), peak RSS ${mb(exported.peakRssMb)}\n` +
      `  RSS at each tenth of the export: ${tenths.join(', ')}\n`,
  );
} finally {
  if (!process.env.KEEP) {
    rmSync(dir, { recursive: true, force: true });
    await postgres?.drop();
  } else {
    process.stdout.write(`Kept ${dir}${postgres ? ` and ${postgres.url}` : ''}\n`);
  }
}
