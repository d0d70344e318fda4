// Start-up time: from spawning `./bin/pressroom serve` to the first 200 from /healthz, on a
// SQLite database that already holds the demo publication (a first, unmeasured start loads it).
// --node names the Node that starts the launcher (repeat it to compare, in interleaved rounds):
// an older one measures the path where bin/pressroom re-runs itself on the Node 24 npm
// installed beside the code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpuSecondsOfTree } from './lib/process-tree.ts';
import { freePort, REPO_ROOT } from './lib/processes.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    node: { type: 'string', multiple: true, default: [process.execPath] },
    port: { type: 'string' },
  },
});
const rounds = Number(args.rounds);
const port = args.port ? Number(args.port) : await freePort();
const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-startup-'));

/** Milliseconds and CPU seconds from spawn to the first 200 from /healthz; the server is stopped afterwards. */
async function timeOneStart(node: string): Promise<{ ms: number; cpu: number | undefined }> {
  const started = performance.now();
  const child = spawn(node, [path.join(REPO_ROOT, 'bin', 'pressroom'), 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(dataDir, 'pressroom.db')}`,
      PRESSROOM_DATA: dataDir,
      PRESSROOM_LOG__LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`pressroom exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error('no answer from /healthz within 60 s');
      const status = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((res) => res.status)
        .catch(() => 0);
      if (status === 200) return { ms: performance.now() - started, cpu: cpuSecondsOfTree(child.pid ?? -1) };
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function versionOf(node: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', () => resolve(out.trim()));
  });
}

const seconds = (ms: number | undefined) => `${((ms ?? Number.NaN) / 1000).toFixed(2)} s`;
try {
  await timeOneStart(process.execPath); // loads the demo publication; not measured
  const times = new Map<string, Array<{ ms: number; cpu: number | undefined }>>(
    args.node.map((node) => [node, []]),
  );
  for (let i = 0; i < rounds; i++) for (const [node, list] of times) list.push(await timeOneStart(node));
  process.stdout.write(`${rounds} interleaved starts each, after one that loaded the demo publication\n`);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [node, list] of times) {
    const walls = list.map((t) => t.ms).sort((a, b) => a - b);
    const cpus = list.flatMap((t) => (t.cpu === undefined ? [] : [t.cpu]));
    process.stdout.write(
      `started by ${node} (${await versionOf(node)}): spawn → first 200 from /healthz ` +
        `median ${seconds(median(walls))}, min ${seconds(walls[0])}, max ${seconds(walls.at(-1))}` +
        (cpus.length > 0
          ? `; CPU time (user + system, whole process tree) median ${median(cpus)?.toFixed(2)} s`
          : '') +
        '\n',
    );
  }
  const load = loadavg()[0] ?? 0;
  process.stdout.write(`load average ${load.toFixed(1)} on ${availableParallelism()} CPUs\n`);
  if (load > availableParallelism()) console.warn('warning: the machine is busy; figures are high and noisy');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
