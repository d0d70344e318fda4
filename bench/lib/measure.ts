import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Sample {
  seconds: number;
  rssMb: number;
  /** The progress line the child had just printed, if the sample was taken for one. */
  mark?: string;
}

export interface Measured {
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
export async function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
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

export const mb = (n: number) => `${n.toFixed(0)} MB`;

/** The RSS at each tenth of a command's run time (for a command that prints no progress). */
export function rssByTenths(measured: Measured): string[] {
  return Array.from({ length: 10 }, (_, i) => {
    const at = (measured.seconds * (i + 1)) / 10;
    const sample = measured.samples.findLast((s) => s.seconds <= at) ?? measured.samples[0];
    return mb(sample?.rssMb ?? 0);
  });
}

/**
 * The RSS at each tenth of the items written, from the progress lines (`writing 10% …`), and
 * its growth from the first tenth to the end: what a larger archive would add.
 */
export function writingRss(measured: Measured): { lines: string[]; growthMb: number } {
  const written = measured.samples.filter((s) => s.mark?.startsWith('writing'));
  const lines = written.map(
    (sample) =>
      `  ${(/(\d+%)/.exec(sample.mark ?? '')?.[1] ?? '').padStart(7)} ${`${sample.seconds.toFixed(0)} s`.padStart(9)} ${mb(sample.rssMb).padStart(7)}`,
  );
  const first = written.find((s) => s.mark?.startsWith('writing 10%')) ?? written[0];
  const late = written.filter((s) => first && s.seconds >= first.seconds);
  const growthMb = late.length > 0 ? Math.max(...late.map((s) => s.rssMb)) - (first?.rssMb ?? 0) : 0;
  return { lines, growthMb };
}
