import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './reader-server.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRESSROOM = path.join(REPO_ROOT, 'bin', 'pressroom');

/** How a child process ended: its exit code, or the signal that ended it. */
export interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PressroomChild {
  child: ChildProcess;
  ended: Promise<Ending>;
  /** The last few kilobytes the process wrote to stdout and stderr, for failure messages. */
  output(): string;
  /** kill -9: no handler runs, nothing is flushed or closed. */
  kill(): Promise<Ending>;
}

/**
 * `bin/pressroom ARGS` on the Node running the tests. Running it on this Node directly (with the
 * heap flags an import would otherwise re-run itself with) keeps it one process, so a signal
 * reaches the process doing the work rather than a launcher in front of it.
 */
export function runPressroom(args: string[], env: NodeJS.ProcessEnv): PressroomChild {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=192', '--max-semi-space-size=4', PRESSROOM, ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, PRESSROOM_LOG__LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-16_000);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const ended = new Promise<Ending>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    ended,
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return ended;
    },
  };
}

/** `bin/pressroom ARGS` run to its end. */
export async function runPressroomToEnd(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Ending & { output: string }> {
  const running = runPressroom(args, env);
  const ending = await running.ended;
  return { ...ending, output: running.output() };
}

export interface ServerProcess extends PressroomChild {
  baseUrl: string;
  /** SIGTERM, as a process manager stops it; SIGKILL if it has not ended within 10 s. */
  stop(): Promise<Ending>;
}

/** The database and data folder a server process runs on. */
export interface ServerTarget {
  databaseUrl: string;
  dataDir: string;
}

/** `bin/pressroom serve` on a database, listening on a free port; resolves once /healthz answers 200. */
export async function startServerProcess(
  target: ServerTarget,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const running = runPressroom(['serve', '--no-demo'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    SITE_URL: baseUrl,
    DATABASE_URL: target.databaseUrl,
    PRESSROOM_DATA: target.dataDir,
    PRESSROOM_LOG__REQUESTS: 'false',
    ...options.env,
  });
  const server: ServerProcess = {
    ...running,
    baseUrl,
    stop: async () => {
      if (running.child.exitCode !== null || running.child.signalCode !== null) return running.ended;
      running.child.kill('SIGTERM');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
      const ending = await running.ended;
      clearTimeout(timer);
      return ending;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let ended: Ending | undefined;
  void running.ended.then((ending) => {
    ended = ending;
  });
  while (Date.now() < deadline && !ended) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).status === 200) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.kill();
  throw new Error(
    `the server did not come up${ended ? ` (it ended: ${JSON.stringify(ended)})` : ''}:\n${running.output()}`,
  );
}
