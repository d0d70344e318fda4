// The memory of a command and every process it started, from Linux's /proc. `bin/pressroom` is
// not always the server: on a Node too old for our TypeScript it is a launcher waiting for the
// server it started on the bundled Node 24, and `serve --workers N` adds N server processes
// below the one that hands them connections. A figure read from the first pid alone measured
// the launcher (about 40 MB, flat) and missed the server.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './processes.ts';

export interface ProcessMemory {
  pid: number;
  parent: number;
  /** What the process is to Pressroom: launcher, server, primary (of --workers), worker, or its command. */
  role: string;
  /** The program it runs, e.g. "node 24.11.0 (node_modules/node/bin/node)". */
  program: string;
  rssMb: number;
  /** The process's own peak resident memory so far (VmHWM). */
  peakMb: number;
}

/** Parent of every process now running, by pid. */
function parents(): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fields after the command name, which may itself hold spaces and brackets.
      found.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // It ended while the list was read.
    }
  }
  return found;
}

function environmentOf(pid: number): Map<string, string> {
  const variables = new Map<string, string>();
  try {
    for (const pair of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const at = pair.indexOf('=');
      if (at > 0) variables.set(pair.slice(0, at), pair.slice(at + 1));
    }
  } catch {
    // Ended, or not ours to read.
  }
  return variables;
}

const versions = new Map<string, string>();

function programOf(pid: number): string {
  let exe: string;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '?';
  }
  const shown = exe.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, exe) : exe;
  if (path.basename(exe) !== 'node') return shown;
  if (!versions.has(exe)) {
    try {
      versions.set(exe, execFileSync(exe, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim());
    } catch {
      versions.set(exe, '?');
    }
  }
  return `node ${versions.get(exe)} (${shown})`;
}

/**
 * `root` and all its descendants, each with its resident memory now and at its peak, in tree
 * order (a parent before its children). Processes that end while they are read are left out.
 * A Node process that is neither a launcher nor one of --workers takes `role` ("server").
 */
export function processTree(root: number | undefined, options: { role?: string } = {}): ProcessMemory[] {
  if (!root) return [];
  const parentOf = parents();
  const childrenOf = new Map<number, number[]>();
  for (const [pid, parent] of parentOf) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), pid]);
  const order: number[] = [];
  const visit = (pid: number) => {
    order.push(pid);
    for (const child of (childrenOf.get(pid) ?? []).sort((a, b) => a - b)) visit(child);
  };
  if (parentOf.has(root)) visit(root);

  const environments = new Map(order.map((pid) => [pid, environmentOf(pid)]));
  const tree: ProcessMemory[] = [];
  for (const pid of order) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const children = childrenOf.get(pid) ?? [];
    // The launcher (bin/node-runtime.mjs runOn) names itself to its child in PRESSROOM_PARENT_PID;
    // Node's cluster gives each worker NODE_UNIQUE_ID.
    const isLauncher = children.some(
      (child) => environments.get(child)?.get('PRESSROOM_PARENT_PID') === String(pid),
    );
    const isWorker = environments.get(pid)?.has('NODE_UNIQUE_ID') ?? false;
    const hasWorkers = children.some((child) => environments.get(child)?.has('NODE_UNIQUE_ID'));
    const program = programOf(pid);
    // Node names its main thread "MainThread": the program tells a Node process from others.
    const role = isLauncher
      ? 'launcher'
      : isWorker
        ? 'worker'
        : hasWorkers
          ? 'primary'
          : program.startsWith('node ')
            ? (options.role ?? 'server')
            : (/^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?');
    tree.push({
      pid,
      parent: parentOf.get(pid) ?? 0,
      role,
      program,
      rssMb: kb('VmRSS') / 1024,
      peakMb: kb('VmHWM') / 1024,
    });
  }
  return tree;
}

/** The sum of the tree's resident memory, in MB. */
export function totalRssMb(tree: ProcessMemory[]): number {
  return tree.reduce((sum, each) => sum + each.rssMb, 0);
}

/** One line per process: pid, role, program and RSS, then the total. */
export function describeTree(tree: ProcessMemory[], indent = '  '): string {
  const lines = tree.map(
    (each) =>
      `${indent}pid ${String(each.pid).padEnd(8)} ${each.role.padEnd(9)} ${each.rssMb.toFixed(0).padStart(5)} MB  ${each.program}`,
  );
  lines.push(
    `${indent}${`total of ${tree.length} process${tree.length === 1 ? '' : 'es'}`.padEnd(22)} ${totalRssMb(tree).toFixed(0).padStart(5)} MB`,
  );
  return `${lines.join('\n')}\n`;
}

/** RSS per process in a short form for a table cell: "launcher 41 + server 182". */
export function shortTree(tree: ProcessMemory[]): string {
  return tree.map((each) => `${each.role} ${each.rssMb.toFixed(0)}`).join(' + ');
}

/**
 * CPU seconds (user + system) used so far by a process and its descendants, from Linux's /proc;
 * undefined elsewhere. On a busy machine wall time mostly measures the queue for the CPUs, while
 * CPU time still compares the two ways to start.
 */
export function cpuSecondsOfTree(root: number): number | undefined {
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  const stats = new Map<number, { parent: number; ticks: number }>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command name, which may itself hold spaces and brackets.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(entry), {
          parent: Number(fields[1]),
          ticks: Number(fields[11]) + Number(fields[12]),
        });
      } catch {
        // the process ended while we read
      }
    }
  } catch {
    return undefined;
  }
  let ticks = 0;
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { parent }] of stats)
      if (!inTree.has(pid) && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
  }
  for (const pid of inTree) ticks += stats.get(pid)?.ticks ?? 0;
  return stats.has(root) ? ticks / ticksPerSecond : undefined;
}
