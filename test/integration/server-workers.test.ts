import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { freePort } from '../helpers/reader-server.ts';
import { runPressroomToEnd, type ServerProcess, startServerProcess } from '../helpers/server-process.ts';

/** The ids of the processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (command) state ppid …": the command may hold spaces, so read after its ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const kind of DATABASE_KINDS) {
  describe(`serve with two server processes on ${kind}`, () => {
    let t: TestWiring;
    let server: ServerProcess;
    before(async () => {
      t = await createTestWiring(kind);
      await seedDemo(t.wiring);
      server = await startServerProcess(
        { databaseUrl: t.database.url, dataDir: t.database.dataDir },
        { env: { PRESSROOM_SERVER__WORKERS: '2' } },
      );
    });
    after(async () => {
      await server?.stop();
      await t?.cleanup();
    });

    test('runs two processes that answer on one port', async () => {
      const pid = server.child.pid as number;
      const workers = await waitFor('two server processes', 10_000, () =>
        childrenOf(pid).length === 2 ? childrenOf(pid) : undefined,
      );
      assert.equal(workers.length, 2);
      const statuses = await Promise.all(
        Array.from({ length: 40 }, () => fetch(`${server.baseUrl}/`).then((r) => r.status)),
      );
      assert.deepEqual(new Set(statuses), new Set([200]));
    });

    test('an edit made elsewhere shows on every request, whichever process answers', async () => {
      const slug = 'the-adjournment-economy';
      // Both processes render (and cache) the page before the edit.
      for (let i = 0; i < 6; i++)
        assert.equal((await fetch(`${server.baseUrl}/articles/${slug}`)).status, 200);
      const article = (await t.wiring.store.articles.findBySlug(slug))!;
      await saveArticle(
        t.wiring,
        { ...draftOf(article), title: 'Edited while two processes serve' },
        { actor: 'cli', id: article.id },
      );
      await waitFor('the edit on ten requests in a row', 5_000, async () => {
        const bodies = await Promise.all(
          Array.from({ length: 10 }, () => fetch(`${server.baseUrl}/articles/${slug}`).then((r) => r.text())),
        );
        return bodies.every((body) => body.includes('Edited while two processes serve')) ? true : undefined;
      });
    });

    test('a process that dies is replaced, and the site keeps answering', async () => {
      const pid = server.child.pid as number;
      const [victim] = childrenOf(pid);
      assert.ok(victim);
      process.kill(victim, 'SIGKILL');
      const replaced = await waitFor('a replacement process', 15_000, () => {
        const now = childrenOf(pid);
        return now.length === 2 && !now.includes(victim) ? now : undefined;
      });
      assert.equal(replaced.length, 2);
      await waitFor('the replacement to answer', 15_000, async () => {
        const statuses = await Promise.all(
          Array.from({ length: 20 }, () => fetch(`${server.baseUrl}/healthz`).then((r) => r.status)),
        );
        return statuses.every((s) => s === 200) ? true : undefined;
      });
    });

    test('SIGTERM stops every process', async () => {
      const pid = server.child.pid as number;
      const workers = childrenOf(pid);
      assert.equal(workers.length, 2);
      const ending = await server.stop();
      assert.equal(ending.code, 0, server.output());
      for (const worker of workers) {
        assert.throws(() => process.kill(worker, 0), /ESRCH/, `process ${worker} is still running`);
      }
    });
  });
}

describe('serve with two server processes, when they cannot start', () => {
  let blocker: Server;
  let port: number;
  before(async () => {
    port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  test('a port already taken ends the server with the reason, not a hang', async () => {
    const t = await createTestWiring('sqlite');
    try {
      const ending = await runPressroomToEnd(['serve', '--no-demo', '--workers', '2'], {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: t.database.url,
        PRESSROOM_DATA: t.database.dataDir,
      });
      assert.equal(ending.code, 1, ending.output);
      assert.match(ending.output, /port \d+ on 127\.0\.0\.1 is already in use/);
      assert.match(ending.output, /SERVER_WORKERS_FAILED/);
    } finally {
      await t.cleanup();
    }
  });

  test('a database that cannot be opened ends the server with the reason, and no server process is left', async () => {
    // The server processes are started while the first one opens the database: they must go too.
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-workers-'));
    try {
      const notSqlite = path.join(dir, 'notes.txt');
      writeFileSync(notSqlite, 'not a database, only some notes\n'.repeat(100));
      const ending = await runPressroomToEnd(['serve', '--no-demo', '--workers', '2'], {
        PORT: String(port + 1),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${notSqlite}`,
        PRESSROOM_DATA: dir,
      });
      assert.equal(ending.code, 1, ending.output);
      assert.match(ending.output, /Cannot use the database sqlite:.*notes\.txt: file is not a database/);
      assert.match(ending.output, /\[DATABASE_UNAVAILABLE\]/);
      assert.doesNotMatch(ending.output, /\n\s+at /);
      assert.deepEqual(
        processesWithEnvironment(`PRESSROOM_DATA=${dir}`),
        [],
        'no process of this server is left',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--workers must be a whole number', async () => {
    const ending = await runPressroomToEnd(['serve', '--workers', 'two'], {});
    assert.equal(ending.code, 1);
    assert.match(ending.output, /--workers must be a whole number from 1 to 64, not "two"/);
  });
});

/** Ids of the running processes whose environment holds `entry` (Linux: read from /proc). */
function processesWithEnvironment(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let environment = '';
    try {
      environment = readFileSync(`/proc/${name}/environ`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (environment.split('\0').includes(entry)) found.push(Number(name));
  }
  return found;
}
