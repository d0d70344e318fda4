// wrk runs as the page and tracker benchmarks read them: the summary of one run, the median of a
// target's interleaved runs, and the table printed from them.
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { NGINX } from './nginx.ts';

export const WRK = '/usr/bin/wrk';

/** Throws unless wrk and nginx are installed. */
export function requireWrkAndNginx(): void {
  for (const tool of [WRK, NGINX]) {
    if (!existsSync(tool)) throw new Error(`${tool} is needed for this benchmark`);
  }
}

/** What wrk printed for one run (run with --latency). */
export interface WrkFigures {
  requestsPerSecond: number;
  latencyAverage: string;
  latencyP99: string;
  errors: string;
}

/** One run of a named target. */
export interface WrkSummary extends WrkFigures {
  name: string;
}

/** Reads the figures of one run of `name` (named in the error when wrk printed none). */
export function readWrkFigures(name: string, stdout: string): WrkFigures {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
  if (!rps) throw new Error(`could not read wrk output for ${name}:\n${stdout}`);
  const errors = /(Non-2xx or 3xx responses: \d+|Socket errors: .*)/g;
  return {
    requestsPerSecond: Number(rps),
    latencyAverage: /Latency\s+(\S+)/.exec(stdout)?.[1] ?? '?',
    latencyP99: /99%\s+(\S+)/.exec(stdout)?.[1] ?? '?',
    errors: [...stdout.matchAll(errors)].map((m) => m[1]).join('; ') || 'none',
  };
}

/** The run with the median rate. */
export function median<T extends WrkSummary>(results: T[]): T {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('no results');
  return middle;
}

/** Where the runs happen, and a warning when the machine is already busy. */
export function machineNote(): string {
  const load = loadavg()[0] ?? 0;
  const note =
    `all on 127.0.0.1 ` +
    `(${availableParallelism()} CPUs shared with wrk, load average ${load.toFixed(1)}).\n`;
  return load > availableParallelism()
    ? `${note}Warning: the machine is busy; figures will be low and noisy.\n`
    : note;
}

/** One line per target: its median run, and the rates of all its runs. */
export function runsTable(results: WrkSummary[], runs: Map<string, WrkSummary[]>, nameWidth: number): string {
  return results
    .map((result) => {
      const all = (runs.get(result.name) ?? []).map((r) => r.requestsPerSecond.toFixed(0)).join(', ');
      return (
        `${result.name.padEnd(nameWidth)} ${result.requestsPerSecond.toFixed(0).padStart(9)} req/s   ` +
        `latency avg ${result.latencyAverage}, p99 ${result.latencyP99}   errors: ${result.errors}   (runs: ${all})\n`
      );
    })
    .join('');
}

/** How long and how hard each wrk round runs: the options bench:pages and bench:tracker share. */
export interface WrkRoundOptions {
  duration: number;
  connections: number;
  threads: number;
  rounds: number;
}

/**
 * Reads --duration, --rounds, --connections and --threads from the command line, and the
 * whole-number options one bench adds (`extra`, by name with its default).
 */
export function wrkRoundOptions(
  extra: Record<string, number> = {},
): WrkRoundOptions & { extra: Record<string, number> } {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      threads: { type: 'string', default: '2' },
      ...Object.fromEntries(
        Object.entries(extra).map(([name, fallback]) => [
          name,
          { type: 'string', default: String(fallback) } as const,
        ]),
      ),
    },
  });
  return {
    duration: Number(values.duration),
    connections: Number(values.connections),
    threads: Number(values.threads),
    rounds: Math.max(1, Number(values.rounds)),
    extra: Object.fromEntries(
      Object.keys(extra).map((name) => [name, Number((values as Record<string, unknown>)[name])]),
    ),
  };
}
