import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A port that is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls a URL until it answers 2xx, or throws after the timeout. With the process that should
 * answer, throws as soon as it exits, and the error carries what it wrote to stderr.
 */
export async function waitForHttp(url: string, timeoutMs = 60_000, server?: RunningProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  const said = () => (server ? `; its stderr: ${server.stderr().trim() || '(nothing)'}` : '');
  while (Date.now() < deadline) {
    if (server && (server.child.exitCode !== null || server.child.signalCode !== null)) {
      throw new Error(
        `${url}: the server exited (${server.child.signalCode ?? `code ${server.child.exitCode}`})${said()}`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms${said()}`, { cause: lastError });
}

export interface RunningProcess {
  child: ChildProcess;
  /** What the process wrote to stderr so far (for error messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts a long-running child process; stop() sends SIGTERM, then SIGKILL after 5 s. */
export function startProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  return {
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export interface PressroomProcess extends RunningProcess {
  baseUrl: string;
}

/** `./bin/pressroom serve` on a fresh SQLite database in `dataDir` (the demo publication loads on first run). */
export async function startPressroom(options: {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
}): Promise<PressroomProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const running = startProcess(path.join(REPO_ROOT, 'bin', 'pressroom'), ['serve'], {
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      SITE_URL: baseUrl,
      DATABASE_URL: `sqlite:${path.join(options.dataDir, 'pressroom.db')}`,
      PRESSROOM_DATA: options.dataDir,
      PRESSROOM_LOG__LEVEL: 'warn',
      ...options.env,
    },
  });
  try {
    await waitForHttp(`${baseUrl}/healthz`);
  } catch (error) {
    await running.stop();
    throw new Error(`Pressroom did not start: ${running.stderr()}`, { cause: error });
  }
  return { ...running, baseUrl };
}
