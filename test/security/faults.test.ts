// Faults the server and the importer must survive: a process killed with SIGKILL in the middle
// of writing, a database that goes away and comes back, a data folder that turns read-only or
// fills up. Each case runs the real program (`bin/pressroom serve`, `bin/pressroom import`) in
// a child process and checks what was acknowledged against what is stored.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import sharp from 'sharp';
import { writeWxr } from '../../bench/lib/wxr.ts';
import { buildApp } from '../../src/app.ts';
import type { MigrationReport } from '../../src/domain/migration-report.ts';
import { WORDPRESS_BATCH_ITEMS } from '../../src/services/import/wordpress.ts';
import type { Wiring } from '../../src/wiring.ts';
import { makeUser } from '../helpers/admin.ts';
import {
  createTestDatabase,
  createTestWiring,
  type DatabaseKind,
  openTestWiring,
  type TestDatabase,
  type TestWiring,
} from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { articleIdIn, type HttpAnswer, HttpClient } from '../helpers/http-client.ts';
import { skipOrFail, skipUnlessCI } from '../helpers/prerequisites.ts';
import {
  fillUp,
  mountExt4,
  mountTmpfs,
  mountUnavailableReason,
  type ScratchFilesystem,
} from '../helpers/scratch-filesystem.ts';
import {
  type PressroomChild,
  runPressroom,
  runPressroomToEnd,
  type ServerProcess,
  startServerProcess,
} from '../helpers/server-process.ts';
import { wxrSourceItems } from '../helpers/source-items.ts';

const adminUrl = process.env.TEST_DATABASE_URL;
const EDITOR = 'editor@faults.example';
/** PostgreSQL cases show as skipped without TEST_DATABASE_URL (and fail where CI is set). */
const postgresSkip = skipUnlessCI(adminUrl ? undefined : 'TEST_DATABASE_URL is not set') ?? false;
const KINDS: DatabaseKind[] = ['sqlite', 'postgres'];
const skipFor = (kind: DatabaseKind) => (kind === 'postgres' ? postgresSkip : false);

/** A readable error page: says what happened, names no file, query or stack frame. */
function assertReadableFailure(
  answer: HttpAnswer,
  pattern: RegExp,
  what: string,
  server?: ServerProcess,
): void {
  assert.equal(
    answer.status,
    503,
    `${what}: status ${answer.status}\n${answer.body.slice(0, 1000)}\nserver log:\n${server?.output().slice(-3000) ?? ''}`,
  );
  assert.ok(answer.headers.get('retry-after'), `${what}: a 503 says when to retry (Retry-After)`);
  assert.match(answer.body, pattern, `${what}: the page says why`);
  assert.doesNotMatch(
    answer.body,
    /SqliteError|SQLITE_|\bat \S+ \(|node:internal|\.ts:\d+|ECONN|EROFS|ENOSPC|\/tmp\//,
    `${what}: no internals on the page`,
  );
}

/** SQLite's own check of every page and index of a database file, run in this process. */
function sqliteIntegrity(file: string): { integrity: string; foreignKeys: unknown[] } {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join('; ');
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    return { integrity, foreignKeys };
  } finally {
    db.close();
  }
}

/** Articles whose current version has no revision: an edit that was stored without its history. */
async function articlesWithoutRevision(wiring: Wiring): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT a.id FROM articles a
    WHERE NOT EXISTS (
      SELECT 1 FROM revisions r
      WHERE r.entity_type = 'article' AND r.entity_id = a.id AND r.version = a.version
    )`.execute(wiring.database.db);
  return rows.map((row) => Number(row.id));
}

/** Redirects of posts: those from the author and term archives (and their ?author=, ?cat=, ?tag= forms) are written once, with the authors and terms. */
async function postRedirectsOf(wiring: Wiring): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM redirects
    WHERE from_path NOT LIKE '/author/%' AND from_path NOT LIKE '/category/%' AND from_path NOT LIKE '/tag/%'
      AND from_path NOT LIKE '/?author=%' AND from_path NOT LIKE '/?cat=%' AND from_path NOT LIKE '/?tag=%'`.execute(
    wiring.database.db,
  );
  return Number(rows[0]?.n ?? 0);
}

async function countOf(wiring: Wiring, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(
    wiring.database.db,
  );
  return Number(rows[0]?.n ?? 0);
}

function sqliteFileOf(database: TestDatabase): string | null {
  return database.url.startsWith('sqlite:') ? database.url.slice('sqlite:'.length) : null;
}

/** The form fields of an article as the editor sends them. */
function articleForm(fields: { title: string; body: string; author: string; version?: number }) {
  return {
    title: fields.title,
    body: fields.body,
    author: fields.author,
    language: 'en',
    visibility: 'public',
    ...(fields.version ? { version: String(fields.version) } : {}),
  };
}

/** An editor signed in to a server process, on the new-article form (so it holds a CSRF token). */
async function signedInEditor(baseUrl: string): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  await client.signIn(EDITOR);
  await client.get('/admin/articles/new');
  return client;
}

for (const kind of KINDS) {
  describe(`kill -9 during parallel writes on ${kind}`, { skip: skipFor(kind) }, () => {
    let database: TestDatabase;
    let server: ServerProcess | undefined;
    let check: TestWiring | undefined;

    before(async () => {
      database = await createTestDatabase(kind);
      const setup = await openTestWiring(database);
      await makeUser(setup.wiring, 'editor', EDITOR);
      await setup.wiring.close();
    });
    after(async () => {
      await server?.kill();
      await check?.wiring.close();
      await database?.drop();
    });

    test('every acknowledged write is found intact after a restart, and the database is consistent', async (t) => {
      const target = { databaseUrl: database.url, dataDir: database.dataDir };
      server = await startServerProcess(target);
      const WRITERS = 4;
      const clients = await Promise.all(
        Array.from({ length: WRITERS }, () => signedInEditor((server as ServerProcess).baseUrl)),
      );

      /** What a writer was told: the article, and the body it may hold now (two while a save is unanswered). */
      const acknowledged = new Map<number, { title: string; bodies: string[]; version: number }>();
      const refusals: string[] = [];
      let isKilled = false;
      let count = 0;

      const writer = async (client: HttpClient, w: number) => {
        for (let n = 0; ; n += 1) {
          const title = `Writer ${w}, article ${n}`;
          const body = `First draft by writer ${w}, number ${n}.\n\n${'A sentence that fills the page. '.repeat(30)}`;
          let created: HttpAnswer;
          try {
            created = await client.post(
              '/admin/articles',
              articleForm({ title, body, author: `Writer ${w}` }),
            );
          } catch (error) {
            if (isKilled) return;
            throw error;
          }
          const id = articleIdIn(created.headers.get('location'));
          if (created.status !== 303 || !id) {
            refusals.push(`create by ${w}: ${created.status} ${created.body.slice(0, 300)}`);
            return;
          }
          acknowledged.set(id, { title, bodies: [body], version: 1 });
          count += 1;
          const edited = `${body}\n\nSecond thoughts of writer ${w} on number ${n}.`;
          // Unanswered, the save may or may not have been committed: both texts are right.
          acknowledged.set(id, { title, bodies: [body, edited], version: 1 });
          let saved: HttpAnswer;
          try {
            saved = await client.post(
              `/admin/articles/${id}`,
              articleForm({ title, body: edited, author: `Writer ${w}`, version: 1 }),
            );
          } catch (error) {
            if (isKilled) return;
            throw error;
          }
          if (saved.status !== 303) {
            refusals.push(`save by ${w}: ${saved.status} ${saved.body.slice(0, 300)}`);
            return;
          }
          acknowledged.set(id, { title, bodies: [edited], version: 2 });
          count += 1;
        }
      };

      const writing = clients.map((client, w) => writer(client, w));
      const started = Date.now();
      while (count < 40 && refusals.length === 0 && Date.now() - started < 25_000)
        await new Promise((resolve) => setTimeout(resolve, 20));
      isKilled = true;
      const ending = await server.kill();
      await Promise.all(writing);
      assert.deepEqual(refusals, [], 'no write was refused while the server ran');
      assert.equal(ending.signal, 'SIGKILL');
      assert.ok(count >= 12, `only ${count} writes acknowledged before the kill`);

      server = await startServerProcess(target);
      check = await openTestWiring(database);
      const reader = new HttpClient(server.baseUrl);
      await reader.signIn(EDITOR);
      const lost: string[] = [];
      for (const [id, expected] of acknowledged) {
        const article = await check.wiring.store.articles.findById(id);
        if (!article) {
          lost.push(`article ${id} (${expected.title}) is missing`);
          continue;
        }
        if (article.title !== expected.title) lost.push(`article ${id}: title ${article.title}`);
        if (!expected.bodies.includes(article.bodyMarkdown))
          lost.push(`article ${id}: body is not what was saved`);
        if (article.version < expected.version)
          lost.push(`article ${id}: version ${article.version} < ${expected.version}`);
        const page = await reader.get(`/admin/articles/${id}`);
        if (page.status !== 200 || !page.body.includes(expected.title))
          lost.push(`article ${id}: the editor page answers ${page.status}`);
      }
      assert.deepEqual(lost, [], `${acknowledged.size} acknowledged articles checked`);
      t.diagnostic(`${count} acknowledged writes to ${acknowledged.size} articles, all found`);
      assert.deepEqual(await articlesWithoutRevision(check.wiring), [], 'every article has its revision');
      const file = sqliteFileOf(database);
      if (file) assert.deepEqual(sqliteIntegrity(file), { integrity: 'ok', foreignKeys: [] });

      await reader.get('/admin/articles/new');
      const after = await reader.post(
        '/admin/articles',
        articleForm({ title: 'Written after the restart', body: 'Still writing.', author: 'Writer 0' }),
      );
      assert.equal(after.status, 303, 'writes work after the restart');
    });
  });

  describe(`kill -9 during an import on ${kind}`, { skip: skipFor(kind) }, () => {
    let database: TestDatabase;
    let check: TestWiring | undefined;
    let importer: PressroomChild | undefined;

    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(async () => {
      await importer?.kill();
      await check?.wiring.close();
      await database?.drop();
    });

    test('a killed import leaves whole posts behind, nothing half-written; the re-run imports every post exactly once', async () => {
      const EARLIER = 150;
      const POSTS = 2 * WORDPRESS_BATCH_ITEMS;
      const first = path.join(database.dataDir, 'first.xml');
      const whole = path.join(database.dataDir, 'whole.xml');
      const reportFile = path.join(database.dataDir, 'report.json');
      writeWxr(first, { posts: EARLIER });
      writeWxr(whole, { posts: POSTS });
      const env = { DATABASE_URL: database.url, PRESSROOM_DATA: database.dataDir };

      // An earlier import of part of the same site: the one being killed finds some posts there.
      const earlier = await runPressroomToEnd(['import', 'wordpress', first], env);
      assert.equal(earlier.code, 0, earlier.output);
      check = await openTestWiring(database);
      const before = {
        articles: await countOf(check.wiring, 'articles'),
        redirects: await postRedirectsOf(check.wiring),
        comments: await countOf(check.wiring, 'comments'),
        people: await countOf(check.wiring, 'people'),
      };
      assert.equal(before.articles, EARLIER);

      importer = runPressroom(['import', 'wordpress', whole], env);
      await untilWriting(database, importer);
      // Some way into writing items (the import commits them WORDPRESS_BATCH_ITEMS at a time, and
      // writes a few hundred a second: the file has more than one batch, and the kill comes early).
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(importer.child.exitCode, null, `the import ended before the kill:\n${importer.output()}`);
      const ending = await importer.kill();
      assert.equal(ending.signal, 'SIGKILL');

      // What it left is the posts of the batches it committed, each one whole: its article with
      // its revision, its comment and its two redirects, and nothing of the batch it was writing.
      const kept = await countOf(check.wiring, 'articles');
      assert.ok(
        kept === EARLIER || (kept > EARLIER && kept % WORDPRESS_BATCH_ITEMS === 0),
        `${kept} articles after the kill`,
      );
      assert.deepEqual(
        {
          articles: kept,
          redirects: await postRedirectsOf(check.wiring),
          comments: await countOf(check.wiring, 'comments'),
          people: await countOf(check.wiring, 'people'),
        },
        {
          articles: kept,
          redirects: (before.redirects / EARLIER) * kept,
          comments: (before.comments / EARLIER) * kept,
          people: before.people,
        },
        'the killed import left nothing half-written',
      );
      const keptSlugs = await sql<{ slug: string }>`SELECT slug FROM articles`.execute(
        check.wiring.database.db,
      );
      assert.deepEqual(
        keptSlugs.rows.map((row) => row.slug).sort(),
        Array.from({ length: kept }, (_, i) => `bench-post-${i + 1}`).sort(),
        'the posts kept are the first ones of the file',
      );
      assert.deepEqual(await articlesWithoutRevision(check.wiring), []);
      const file = sqliteFileOf(database);
      if (file) assert.deepEqual(sqliteIntegrity(file), { integrity: 'ok', foreignKeys: [] });

      const rerun = await runPressroomToEnd(['import', 'wordpress', whole, '--report', reportFile], env);
      assert.equal(rerun.code, 0, rerun.output);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MigrationReport;
      const source = wxrSourceItems(readFileSync(whole, 'utf8'));
      assert.equal(source.postIds.length, POSTS);
      const outcomes = new Map<string, string>();
      for (const item of report.items.filter((i) => i.kind === 'item')) {
        assert.ok(!outcomes.has(item.id), `post ${item.id} is reported twice`);
        outcomes.set(item.id, item.outcome);
      }
      assert.deepEqual([...outcomes.keys()].sort(), [...source.postIds].sort(), 'every post is reported');
      for (const [id, outcome] of outcomes)
        assert.equal(outcome, Number(id) <= kept ? 'unchanged' : 'imported', `post ${id}`);
      assert.equal(report.items.filter((i) => i.kind === 'comment').length, source.counts.comment);
      assert.ok(
        report.items.every((i) => ['imported', 'updated', 'unchanged'].includes(i.outcome)),
        'nothing skipped or failed',
      );
      assert.deepEqual(report.counts.article, {
        imported: POSTS - kept,
        updated: 0,
        unchanged: kept,
        skipped: 0,
        failed: 0,
      });

      const db = check.wiring.database.db;
      const slugs = await sql<{ slug: string }>`SELECT slug FROM articles`.execute(db);
      assert.deepEqual(
        slugs.rows.map((row) => row.slug).sort(),
        Array.from({ length: POSTS }, (_, i) => `bench-post-${i + 1}`).sort(),
        'exactly one article per post',
      );
      const mapped = await sql<{ n: number | string; sources: number | string; entities: number | string }>`
        SELECT count(*) AS n, count(DISTINCT source_id) AS sources, count(DISTINCT entity_id) AS entities
        FROM import_sources WHERE entity_type = 'article'`.execute(db);
      assert.deepEqual(
        Object.values(mapped.rows[0] ?? {}).map(Number),
        [POSTS, POSTS, POSTS],
        'one source mapping per post',
      );
      const redirects = await sql<{ n: number | string; paths: number | string }>`
        SELECT count(*) AS n, count(DISTINCT from_path) AS paths FROM redirects
        WHERE from_path NOT LIKE '/author/%' AND from_path NOT LIKE '/category/%' AND from_path NOT LIKE '/tag/%'
      AND from_path NOT LIKE '/?author=%' AND from_path NOT LIKE '/?cat=%' AND from_path NOT LIKE '/?tag=%'`.execute(
        db,
      );
      const redirectCounts = redirects.rows[0];
      assert.equal(
        Number(redirectCounts?.n),
        (before.redirects / EARLIER) * POSTS,
        'redirects for every post',
      );
      assert.equal(Number(redirectCounts?.n), Number(redirectCounts?.paths), 'no redirect twice');
      assert.equal(await countOf(check.wiring, 'comments'), source.counts.comment);
      assert.deepEqual(await articlesWithoutRevision(check.wiring), []);
      if (file) assert.deepEqual(sqliteIntegrity(file), { integrity: 'ok', foreignKeys: [] });
    });
  });
}

/**
 * Resolves once the import holds the database's write lock (it is writing a batch): on SQLite,
 * another writer is refused; on PostgreSQL, its backend has a transaction id.
 */
async function untilWriting(database: TestDatabase, importer: PressroomChild): Promise<void> {
  const deadline = Date.now() + 60_000;
  const file = sqliteFileOf(database);
  const probe = async (): Promise<boolean> => {
    if (file) {
      const db = new SqliteDatabase(file, { timeout: 0 });
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        return false;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw error;
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
      );
      return (rows[0]?.n ?? 0) > 0;
    } finally {
      await client.end();
    }
  };
  while (Date.now() < deadline) {
    if (importer.child.exitCode !== null)
      throw new Error(`the import ended before it was seen writing:\n${importer.output()}`);
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the import was not seen writing within a minute:\n${importer.output()}`);
}

/** A small PNG for upload checks. */
function testImage(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();
}

/** Skips (or, where CI is set, fails) when this machine cannot mount scratch file systems. */
function mountsOrSkip(t: TestContext, options: { ext4?: boolean } = {}): boolean {
  const missing = mountUnavailableReason(options);
  if (missing) {
    skipOrFail(t, missing);
    return false;
  }
  return true;
}

/** Files under a folder with no bytes: what a write cut short by a full disk leaves behind. */
function emptyFilesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names.filter((name) => {
    const stats = statSync(path.join(dir, name));
    return stats.isFile() && stats.size === 0;
  });
}

describe('the SQLite data folder turns read-only', () => {
  let fs: ScratchFilesystem | undefined;
  let server: ServerProcess | undefined;

  after(async () => {
    await server?.kill();
    fs?.dispose();
  });

  test('saves answer a clear 503, reads go on, and after a check and a restart everything is intact', async (t) => {
    if (!mountsOrSkip(t, { ext4: true })) return;
    const disk = mountExt4(48);
    fs = disk;
    const database = { url: `sqlite:${path.join(disk.dir, 'pressroom.db')}`, dataDir: disk.dir };
    const target = { databaseUrl: database.url, dataDir: database.dataDir };
    const setup = await openTestWiring({ ...database, drop: async () => {} });
    await makeUser(setup.wiring, 'editor', EDITOR);
    await addArticle(setup.wiring, {
      slug: 'on-the-disk',
      title: 'On the disk',
      body: 'Written before the disk failed.',
      publishedAt: '2026-11-01T00:00:00.000Z',
    });
    await setup.wiring.close();

    server = await startServerProcess(target);
    const editor = await signedInEditor(server.baseUrl);
    const created = await editor.post(
      '/admin/articles',
      articleForm({ title: 'Saved before', body: 'Safe on the disk.', author: 'Writer' }),
    );
    assert.equal(created.status, 303);
    const id = articleIdIn(created.headers.get('location'));
    await editor.get(`/admin/articles/${id}`);

    disk.failToReadOnly();
    assert.ok(disk.isReadOnly(), 'the file system is read-only now');

    const save = await editor.post(
      `/admin/articles/${id}`,
      articleForm({ title: 'Saved before', body: 'Cannot be stored.', author: 'Writer', version: 1 }),
    );
    assertReadableFailure(save, /read-only/i, 'a save on a read-only disk', server);
    const create = await editor.post(
      '/admin/articles',
      articleForm({ title: 'Never stored', body: 'Nowhere to go.', author: 'Writer' }),
    );
    assertReadableFailure(create, /read-only/i, 'a new article on a read-only disk', server);
    const upload = await editor.upload(
      '/admin/media',
      { alt: 'A square' },
      {
        name: 'square.png',
        type: 'image/png',
        bytes: await testImage(),
      },
    );
    assertReadableFailure(upload, /read-only/i, 'an upload on a read-only disk', server);

    const article = await fetch(`${server.baseUrl}/articles/on-the-disk`);
    assert.equal(article.status, 200, 'reader pages still answer');
    const search = await fetch(`${server.baseUrl}/search?q=disk`);
    assert.equal(search.status, 200, 'search still answers');
    assert.equal((await editor.get(`/admin/articles/${id}`)).status, 200, 'the editor can still read');
    assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200);

    // Such a file system is writable again only once unmounted, checked and mounted again.
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, `the server stops cleanly: ${server.output()}`);
    disk.unmount();
    disk.remount();
    const file = path.join(disk.dir, 'pressroom.db');
    assert.deepEqual(sqliteIntegrity(file), { integrity: 'ok', foreignKeys: [] });

    server = await startServerProcess(target);
    const again = await signedInEditor(server.baseUrl);
    const page = await again.get(`/admin/articles/${id}`);
    assert.match(page.body, /Safe on the disk\./, 'what was saved before the failure is there');
    const saved = await again.post(
      `/admin/articles/${id}`,
      articleForm({ title: 'Saved before', body: 'Stored after the repair.', author: 'Writer', version: 1 }),
    );
    assert.equal(saved.status, 303, `a save works again: ${saved.body.slice(0, 500)}`);
    await server.stop();
    server = undefined;
    assert.deepEqual(sqliteIntegrity(file), { integrity: 'ok', foreignKeys: [] });
  });
});

describe('the SQLite data folder fills up', () => {
  let fs: ScratchFilesystem | undefined;
  let server: ServerProcess | undefined;

  after(async () => {
    await server?.kill();
    fs?.dispose();
  });

  test('saves and uploads answer a clear 503, nothing is corrupted, and freeing space is enough', async (t) => {
    if (!mountsOrSkip(t)) return;
    const disk = mountTmpfs(24);
    fs = disk;
    const database = { url: `sqlite:${path.join(disk.dir, 'pressroom.db')}`, dataDir: disk.dir };
    const target = { databaseUrl: database.url, dataDir: database.dataDir };
    const setup = await openTestWiring({ ...database, drop: async () => {} });
    await makeUser(setup.wiring, 'editor', EDITOR);
    await addArticle(setup.wiring, {
      slug: 'before-the-flood',
      title: 'Before the flood',
      body: 'Written while there was room.',
      publishedAt: '2026-11-01T00:00:00.000Z',
    });
    await setup.wiring.close();

    server = await startServerProcess(target);
    const editor = await signedInEditor(server.baseUrl);
    const filler = fillUp(disk.dir);

    // Each save needs new pages; the write-ahead log may still have room for the first few.
    const acknowledged: { id: number; body: string }[] = [];
    let failure: HttpAnswer | undefined;
    for (let n = 0; n < 40 && !failure; n += 1) {
      const body = `Long text ${n}. ${'Words that take up room on the disk. '.repeat(3000)}`;
      const answer = await editor.post(
        '/admin/articles',
        articleForm({ title: `Long text ${n}`, body, author: 'Writer' }),
      );
      const id = articleIdIn(answer.headers.get('location'));
      if (answer.status === 303 && id) acknowledged.push({ id, body });
      else failure = answer;
    }
    assert.ok(failure, 'a save failed once the disk was full');
    assertReadableFailure(failure, /space/i, 'a save on a full disk', server);
    const upload = await editor.upload(
      '/admin/media',
      { alt: 'A square' },
      {
        name: 'square.png',
        type: 'image/png',
        bytes: await testImage(),
      },
    );
    assertReadableFailure(upload, /space/i, 'an upload on a full disk', server);
    assert.deepEqual(emptyFilesUnder(path.join(disk.dir, 'media')), [], 'no half-written media files');

    assert.equal((await fetch(`${server.baseUrl}/articles/before-the-flood`)).status, 200, 'reads go on');
    assert.equal((await fetch(`${server.baseUrl}/search?q=flood`)).status, 200);
    assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200);

    rmSync(filler);
    const saved = await editor.post(
      '/admin/articles',
      articleForm({ title: 'After the flood', body: 'Room again.', author: 'Writer' }),
    );
    assert.equal(saved.status, 303, `a save works once space is freed: ${saved.body.slice(0, 500)}`);
    const uploaded = await editor.upload(
      '/admin/media',
      { alt: 'A square' },
      {
        name: 'square.png',
        type: 'image/png',
        bytes: await testImage(),
      },
    );
    assert.ok(uploaded.status < 400, `an upload works once space is freed: ${uploaded.status}`);

    await server.stop();
    server = undefined;
    assert.deepEqual(sqliteIntegrity(path.join(disk.dir, 'pressroom.db')), {
      integrity: 'ok',
      foreignKeys: [],
    });
    const check = await openTestWiring({ ...database, drop: async () => {} });
    try {
      for (const { id, body } of acknowledged)
        assert.equal((await check.wiring.store.articles.findById(id))?.bodyMarkdown, body, `article ${id}`);
      assert.deepEqual(await articlesWithoutRevision(check.wiring), []);
    } finally {
      await check.wiring.close();
    }
  });
});

describe('PostgreSQL connections lost and back', { skip: postgresSkip }, () => {
  let t: TestWiring;
  let app: FastifyInstance;

  before(async () => {
    t = await createTestWiring('postgres');
    await addArticle(t.wiring, {
      slug: 'still-here',
      title: 'Still here',
      body: 'Text.',
      publishedAt: '2026-11-01T00:00:00.000Z',
    });
    app = await buildApp(t.wiring, { shouldLog: false });
  });
  after(async () => {
    await app?.close();
    await t?.cleanup();
  });

  async function terminateBackends(admin: pg.Client, database: string): Promise<number> {
    const { rowCount } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return rowCount ?? 0;
  }

  test('the app recovers by itself after every one of its backends is terminated', async () => {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    assert.equal((await app.inject('/articles/still-here')).statusCode, 200);
    const database = new URL(t.database.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      assert.ok((await terminateBackends(admin, database)) > 0, 'some connections were terminated');
    } finally {
      await admin.end();
    }
    // A request that lands on a dead connection may fail cleanly (503, never a 500 or a hang);
    // the pool replaces the connection and the next requests succeed.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await app.inject('/healthz');
      statuses.push(res.statusCode);
      assert.ok(res.statusCode === 200 || res.statusCode === 503, `health ${res.statusCode}`);
      const page = await app.inject(`/search?q=still+${i}`);
      assert.ok(page.statusCode === 200 || page.statusCode === 503, `search ${page.statusCode}`);
      if (page.statusCode === 503) assert.ok(page.headers['retry-after'], 'a 503 says when to retry');
      if (res.statusCode === 200 && statuses.filter((s) => s === 200).length >= 3) break;
    }
    assert.equal(statuses.at(-1), 200, `health after the loss: ${statuses.join(',')}`);
    const page = await app.inject('/search?q=still');
    assert.equal(page.statusCode, 200);
    await addArticle(t.wiring, {
      slug: 'written-after',
      title: 'Written after',
      body: 'Text.',
      publishedAt: '2026-11-02T00:00:00.000Z',
    });
    assert.ok(await t.wiring.store.articles.findBySlug('written-after'), 'writes work again');
  });

  test('while the database refuses connections, reader pages answer 503 with Retry-After, then recover', async () => {
    const database = new URL(t.database.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await terminateBackends(admin, database);
      try {
        // Pages not in the page cache need the database.
        const urls = [
          '/search?q=outage',
          '/articles/not-cached-yet',
          '/api/search?q=outage',
          '/feed.xml',
          '/sitemap.xml',
          '/',
        ];
        for (const url of urls) {
          const res = await app.inject(url);
          assert.equal(
            res.statusCode,
            503,
            `${url} during the outage: ${res.statusCode} ${res.body.slice(0, 300)}`,
          );
          assert.ok(res.headers['retry-after'], `${url}: Retry-After`);
          assert.match(res.body, /database/i, `${url} says what is wrong`);
          assert.doesNotMatch(res.body, /not currently accepting|pressroom_test_|\bat \S+ \(/, url);
        }
        const html = await app.inject('/search?q=outage');
        assert.match(String(html.headers['content-type']), /text\/html/);
        // The newsroom's pages too, though their layout needs the settings from the database.
        const login = await app.inject('/admin/login');
        assert.equal(login.statusCode, 503, login.body.slice(0, 300));
        assert.ok(login.headers['retry-after']);
        assert.match(login.body, /database is not answering/);
        assert.equal((await app.inject('/healthz')).statusCode, 503);
      } finally {
        await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      }
    } finally {
      await admin.end();
    }
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await app.inject('/search?q=back')).statusCode;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 200, 'reader pages recover without a restart');
    assert.equal((await app.inject('/healthz')).statusCode, 200);
  });
});
