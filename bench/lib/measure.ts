import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTree, type ProcessMemory, processTree, totalRssMb } from './process-tree.ts';

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
  /** The peak of the largest process, as /usr/bin/time reports it. */
  peakRssMb: number;
  /** The peak of the samples' sums over every process, with the processes of that sample. */
  peakTreeMb: number;
  peakTree: string;
  samples: Sample[];
  stdout: string;
}

/**
 * Resident memory of every process below `pid` (/usr/bin/time), summed: the command itself, or
 * on a Node too old for our TypeScript, the launcher bin/pressroom and the command it runs on
 * the bundled Node 24.
 */
function rssBelow(pid: number, role: string): { rssMb: number; tree: ProcessMemory[] } {
  const tree = processTree(pid, { role }).filter((each) => each.pid !== pid);
  return { rssMb: totalRssMb(tree), tree };
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
        samples.push({ seconds: elapsed(), rssMb: sample().rssMb, mark: line });
  });
  let peakTreeMb = 0;
  let peakTree: ProcessMemory[] = [];
  const sample = () => {
    const below = rssBelow(pid, args[0] ?? 'command');
    if (below.rssMb > peakTreeMb) {
      peakTreeMb = below.rssMb;
      peakTree = below.tree;
    }
    return below;
  };
  const timer = setInterval(() => {
    const { rssMb } = sample();
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
    peakTreeMb,
    peakTree: describeTree(peakTree, '    '),
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

/**
 * What the peak figures counted: /usr/bin/time's peak is that of the largest process, the
 * command; a launcher on an old Node adds its own memory, shown in the sampled sum.
 */
export function countedProcesses(measured: Measured): string {
  return (
    `  peak RSS above is the largest process's (/usr/bin/time); all processes together peaked at ${mb(measured.peakTreeMb)} (sampled), counted:\n` +
    measured.peakTree
  );
}
