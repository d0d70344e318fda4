// The launcher (bin/pressroom) runs the command in a child process when the Node that started it
// is too old for the sources. A process manager that kills the launcher with SIGKILL, which it
// cannot pass on, must not leave that child (an import, a server) running with no one waiting.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { skipOrFail } from '../helpers/prerequisites.ts';
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

/** A WordPress export of `count` short posts: enough work to be stopped in the middle of it. */
function bigExport(count: number): string {
  const items = Array.from(
    { length: count },
    (_, i) => `<item><title>Post ${i + 1}</title><link>http://big.example/post-${i + 1}/</link>
<dc:creator><![CDATA[admin]]></dc:creator><content:encoded><![CDATA[<p>Body ${i + 1} <a href="http://big.example/?p=${i + 2}">next</a>.</p><pre><code>x &lt; ${i}</code></pre>]]></content:encoded>
<wp:post_id>${i + 1}</wp:post_id><wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt><wp:post_name>post-${i + 1}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8" ?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Big</title><link>http://big.example</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://big.example</wp:base_site_url><wp:base_blog_url>http://big.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login><wp:author_display_name><![CDATA[Admin]]></wp:author_display_name></wp:author>
${items.join('\n')}</channel></rss>`;
}

test('an import the launcher runs in a child process stops when the launcher is killed with SIGKILL, busy as it is', async () => {
  // An import awaits one database write after another: its main thread can go a long time
  // without running a timer, so the watch for the launcher must not depend on it. The flags are
  // those the launcher gives an import.
  const file = path.join(dir, 'big.xml');
  writeFileSync(file, bigExport(20_000));
  const launcher = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { runOn } from ${JSON.stringify(RUNTIME)};
       const child = runOn(process.execPath, ['--max-semi-space-size=4', '--max-old-space-size=192', ${JSON.stringify(BIN)}, 'import', 'wordpress', ${JSON.stringify(file)}, '--progress']);
       process.stderr.write('child ' + child.pid + '\\n');`,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${path.join(dir, 'import.db')}`,
        PRESSROOM_DATA: dir,
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
    assert.ok(
      await until(() => /writing \d+%/.test(output), 120_000),
      `the import never started writing:\n${output}`,
    );
    launcher.kill('SIGKILL');
    assert.ok(
      // The watch looks every half second; an import left to itself ran on for minutes.
      await until(() => !isRunning(childPid), 8_000),
      `the import went on after the launcher was killed:\n${output}`,
    );
    assert.doesNotMatch(output, /Source items: 20001/);
  } finally {
    if (childPid && isRunning(childPid)) process.kill(childPid, 'SIGKILL');
    if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
  }
});

// The machine's own Node, when it is older than the sources need: bin/pressroom then runs the
// command in a child process on the Node 24 npm installed beside the code.
function oldNode(t: TestContext): string | undefined {
  const candidate = '/usr/bin/node';
  const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
  const major = Number(/^v(\d+)/.exec(version.stdout ?? '')?.[1] ?? 0);
  if (version.error || major === 0 || major >= 22) {
    skipOrFail(t, `no Node.js older than 22 at ${candidate}`);
    return undefined;
  }
  return candidate;
}

/**
 * Starts `bin/pressroom import wordpress` on the machine's old Node, as the leader of a process
 * group of its own (as under systemd or `timeout`), and sends `signal` to `target` once it writes.
 */
async function stopLaunchedImport(
  t: TestContext,
  options: { name: string; signal: NodeJS.Signals; target: 'child-then-launcher' | 'launcher' },
): Promise<{ output: string; code: number | null; reportFile: string } | undefined> {
  const nodePath = oldNode(t);
  if (!nodePath) return undefined;
  const file = path.join(dir, `${options.name}.xml`);
  writeFileSync(file, bigExport(20_000));
  const reportFile = path.join(dir, `${options.name}-report.json`);
  const launcher = spawn(nodePath, [BIN, 'import', 'wordpress', file, '--progress', '--report', reportFile], {
    cwd: REPO_ROOT,
    detached: true,
    env: {
      ...process.env,
      // The old Node first on PATH, as on the machine: the launcher finds Node 24 by itself.
      PATH: `${path.dirname(nodePath)}${path.delimiter}${process.env.PATH ?? ''}`,
      DATABASE_URL: `sqlite:${path.join(dir, `${options.name}.db`)}`,
      PRESSROOM_DATA: dir,
      PRESSROOM_DEMO__SEED_ON_FIRST_RUN: 'false',
      PRESSROOM_LOG__LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-16_000);
  };
  launcher.stdout.setEncoding('utf8').on('data', keep);
  launcher.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)));
  const pid = launcher.pid ?? 0;
  try {
    assert.ok(
      await until(() => /writing \d+%/.test(output), 120_000),
      `the import never started writing:\n${output}`,
    );
    if (options.target === 'child-then-launcher') {
      // What one signal to the group does when the child handles its copy before the launcher
      // passes its own on (a loaded machine): the child hears it twice. Sent to the group at
      // once, the two deliveries often merge into one pending signal and hide the fault.
      const childPid = Number(spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim());
      assert.ok(childPid > 0, `no child of the launcher:\n${output}`);
      process.kill(childPid, options.signal);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    process.kill(pid, options.signal);
    const code = await Promise.race([
      exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 60_000)),
    ]);
    return { output, code, reportFile };
  } finally {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Ended already.
    }
  }
}

test('one SIGTERM to the process group of an import the launcher runs stops it once, with its summary and report', async (t) => {
  // The launcher passes the signal on to its child, which got it from the group already: the two
  // deliveries of one signal must not count as the "again" that stops at once with no report.
  const result = await stopLaunchedImport(t, {
    name: 'group-term',
    signal: 'SIGTERM',
    target: 'child-then-launcher',
  });
  if (!result) return;
  assert.doesNotMatch(result.output, /again: stopping at once/);
  assert.match(
    result.output,
    /Stopped by SIGTERM after \d+ of 20000 items; run the same command again to finish/,
  );
  assert.match(result.output, /Source items: \d+ \(\d+ imported\)/);
  assert.ok(existsSync(result.reportFile), `no --report was written:\n${result.output}`);
  assert.equal(result.code, 143);
});

test('SIGINT sent to the launcher alone stops the import it runs, as SIGTERM does', async (t) => {
  const result = await stopLaunchedImport(t, { name: 'launcher-int', signal: 'SIGINT', target: 'launcher' });
  if (!result) return;
  assert.match(
    result.output,
    /Stopped by SIGINT after \d+ of 20000 items; run the same command again to finish/,
  );
  assert.ok(existsSync(result.reportFile), `no --report was written:\n${result.output}`);
  assert.equal(result.code, 130);
});

test('the launcher caps the heap of the server and of commands that stream the archive, and leaves given flags alone', async () => {
  const { memoryFlags } = (await import(RUNTIME)) as {
    memoryFlags: (args: string[], given: string) => string[];
  };
  const capped = ['--max-semi-space-size=4', '--max-old-space-size=192'];
  assert.deepEqual(memoryFlags(['import', 'wordpress', 'a.xml'], ''), capped);
  assert.deepEqual(memoryFlags(['import', 'ghost', 'a.json'], ''), capped);
  assert.deepEqual(memoryFlags(['export', '--output', 'a.json'], ''), capped);
  assert.deepEqual(memoryFlags(['export', '--format', 'markdown', '-o', 'dir'], ''), capped);
  assert.deepEqual(memoryFlags(['backup'], ''), capped);
  // The server too: V8 otherwise lets a server's heap and dropped pages' buffers grow to
  // several times what it keeps before collecting them.
  assert.deepEqual(memoryFlags(['serve'], ''), ['--max-semi-space-size=2', '--max-old-space-size=128']);
  assert.deepEqual(memoryFlags(['serve', '--workers', '2'], '--max-old-space-size=512'), [
    '--max-semi-space-size=2',
  ]);
  // A JSON import or a restore reads the whole document at once: no cap that could stop it.
  assert.deepEqual(memoryFlags(['import', 'json', 'a.json'], ''), []);
  assert.deepEqual(memoryFlags(['restore', 'a.json'], ''), []);
  assert.deepEqual(memoryFlags(['export'], '--max-old-space-size=4096'), ['--max-semi-space-size=4']);
  assert.deepEqual(memoryFlags(['export'], '--max-old-space-size=4096 --max-semi-space-size=16'), []);
});
