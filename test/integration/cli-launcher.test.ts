// The launcher (bin/pressroom) runs the command in a child process when the Node that started it
// is too old for the sources. A process manager that kills the launcher with SIGKILL, which it
// cannot pass on, must not leave that child (an import, a server) running with no one waiting.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { freePort } from '../helpers/reader-server.ts';
import { REPO_ROOT } from '../helpers/server-process.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'pressroom');
const RUNTIME = pathToFileURL(path.join(REPO_ROOT, 'bin', 'node-runtime.mjs')).href;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (polling) for `condition`, up to `limitMs`: a bound for a failure, not a measurement. */
async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < limitMs; ) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-launcher-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a command the launcher runs in a child process ends when the launcher is killed with SIGKILL', async () => {
  const port = await freePort();
  // The launcher as it runs on a Node too old for the sources: the command in a child on another
  // Node. The command is a server, which would otherwise run for ever; an import is the same child.
  const launcher = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { runOn } from ${JSON.stringify(RUNTIME)};
       const child = runOn(process.execPath, [${JSON.stringify(BIN)}, 'serve']);
       process.stderr.write('child ' + child.pid + '\\n');`,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${path.join(dir, 'launcher.db')}`,
        PRESSROOM_DATA: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        SITE_URL: `http://127.0.0.1:${port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-16_000);
  };
  launcher.stdout.setEncoding('utf8').on('data', keep);
  launcher.stderr.setEncoding('utf8').on('data', keep);
  let childPid = 0;
  try {
    assert.ok(await until(() => /child (\d+)/.test(output), 30_000), output);
    childPid = Number(/child (\d+)/.exec(output)?.[1]);
    const answers = async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status > 0;
      } catch {
        return false;
      }
    };
    let isUp = false;
    for (const start = Date.now(); !isUp && Date.now() - start < 60_000; ) {
      isUp = await answers();
      if (!isUp) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(isUp, `the server never answered:\n${output}`);
    launcher.kill('SIGKILL');
    assert.ok(
      await until(() => !isRunning(childPid), 20_000),
      `the child went on after the launcher was killed:\n${output}`,
    );
  } finally {
    if (childPid && isRunning(childPid)) process.kill(childPid, 'SIGKILL');
    if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
  }
});
