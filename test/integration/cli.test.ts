import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { skipOrFail } from '../helpers/prerequisites.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'pressroom');

describe('pressroom command', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-cli-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`, PRESSROOM_DATA: dir };
  const run = (
    args: string[],
    options: { input?: string; nodePath?: string; env?: NodeJS.ProcessEnv } = {},
  ) =>
    spawnSync(options.nodePath ?? process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: options.env ?? env,
      input: options.input ?? '',
      encoding: 'utf8',
      timeout: 60_000,
    });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('has --help for the program and each command', () => {
    const help = run(['--help']);
    assert.equal(help.status, 0);
    for (const command of ['serve', 'migrate', 'user', 'import'])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
    const importHelp = run(['import', 'markdown', '--help']);
    assert.equal(importHelp.status, 0);
    assert.match(importHelp.stdout, /front matter/);
    assert.equal(run(['user', 'create', '--help']).status, 0);
  });

  test('migrates, then says the database is up to date', () => {
    const first = run(['migrate']);
    assert.equal(first.status, 0, first.stderr);
    const second = run(['migrate']);
    assert.match(second.stdout, /already up to date/);
  });

  test('imports good files and names the file and field of a bad one, exiting 1', () => {
    const good = path.join(dir, 'good.md');
    const bad = path.join(dir, 'bad.md');
    writeFileSync(good, '---\ntitle: A Good Article\nauthors: [Ana Reis]\ntheme: Economy\n---\nBody.');
    writeFileSync(bad, '---\ntitle: Bad\ndate: yesterday\ncontinent: Europe\n---\nBody.');
    const ok = run(['import', 'markdown', good]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /imported a-good-article/);
    const failed = run(['import', 'markdown', bad]);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /bad\.md/);
    assert.match(failed.stderr, /date: "yesterday" is not a date/);
    assert.match(failed.stderr, /continent: is not a known field or taxonomy/);
    assert.doesNotMatch(failed.stderr, /at .*\.ts:\d+/);
  });

  test('creates a user from a piped password and refuses a short one by field', () => {
    const created = run(['user', 'create', '--email', 'ed@example.org', '--role', 'editor'], {
      input: 'a long enough password\n',
    });
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /Created editor ed@example.org/);
    const listed = run(['user', 'list']);
    assert.match(listed.stdout, /editor\ted@example.org/);
    const short = run([
      'user',
      'create',
      '--email',
      'x@example.org',
      '--role',
      'admin',
      '--password',
      'short',
    ]);
    assert.equal(short.status, 1);
    assert.match(short.stderr, /password: must be at least 12 characters/);
    assert.equal(short.stderr.match(/must be at least 12 characters/g)?.length, 1, 'said once');
    const badRole = run([
      'user',
      'create',
      '--email',
      'y@example.org',
      '--role',
      'king',
      '--password',
      'long enough password',
    ]);
    assert.match(badRole.stderr, /role: must be one of contributor, author, editor, admin/);
  });

  test('explains a malformed DATABASE_URL instead of crashing', () => {
    const result = run(['migrate'], { env: { ...env, DATABASE_URL: 'mysql://x' } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /DATABASE_URL must start with sqlite: or postgres:\/\//);
  });

  test('refuses a folder with no Markdown files instead of importing nothing quietly', () => {
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    writeFileSync(path.join(empty, 'notes.txt'), 'not markdown');
    const result = run(['import', 'markdown', empty]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /No \.md or \.markdown files in the folder .*empty-/);
    assert.match(result.stderr, /\[IMPORT_FAILED\]/);
  });

  test('refuses a Ghost export with images when neither --images nor --old-url says where they are', () => {
    const file = path.join(dir, 'ghost-images.json');
    const post = {
      id: 'p1',
      slug: 'pictured',
      title: 'Pictured',
      type: 'post',
      status: 'published',
      html: '<p><img src="__GHOST_URL__/content/images/2023/05/a.png" alt="A"></p>',
    };
    writeFileSync(file, JSON.stringify({ db: [{ meta: { version: '5.60.0' }, data: { posts: [post] } }] }));
    const result = run(['import', 'ghost', file]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /1 image\(s\).*--images DIR.*--old-url URL.*Nothing was imported\. \[IMPORT_FAILED\]/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    const linked = run(['import', 'ghost', file, '--old-url', 'https://old.example']);
    assert.equal(linked.status, 0, linked.stderr);
    assert.match(
      linked.stdout,
      /image 2023\/05\/a\.png: not copied \(no --images folder given\); it stays at https:\/\/old\.example\/content\/images\/2023\/05\/a\.png/,
    );
  });

  test('a JSON import names a refused item and its reason, imports the rest, and exits 1', () => {
    const file = path.join(dir, 'export.json');
    const row = (slug: string, canonical: string | null) => ({
      slug,
      title: `Title ${slug}`,
      body_markdown: 'Body.',
      body_html: '<script>alert(1)</script>',
      status: 'draft',
      published_at: null,
      created_at: '2026-11-01T08:00:00.000Z',
      updated_at: '2026-11-01T08:00:00.000Z',
      canonical_url: canonical,
      language: 'en',
      visibility: 'public',
      is_featured: 0,
      has_comments: 1,
      version: 1,
    });
    writeFileSync(
      file,
      JSON.stringify({
        format: 'pressroom-export',
        version: 1,
        articles: [row('json-kept', null), row('json-refused', 'javascript:alert(1)')],
      }),
    );
    const result = run(['import', 'json', file]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /FAILED {2}article json-refused "Title json-refused": canonical_url must be an http or https URL/,
    );
    assert.match(result.stdout, /articles +1 /);
  });

  test('says a folder was given where an import or restore wants a file', () => {
    const cases: Array<[string[], RegExp]> = [
      [['import', 'json', dir], /Cannot read .*: it is a folder, not a file \[IMPORT_FAILED\]/],
      [['import', 'wordpress', dir], /Cannot read .*: it is a folder, not a file \[IMPORT_FAILED\]/],
      [['import', 'ghost', dir], /is a folder; give the \.json export file itself \[IMPORT_FAILED\]/],
      [
        ['restore', dir, '--force'],
        /is a folder; give the backup file itself \(\.db or \.json\) \[RESTORE_REFUSED\]/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      assert.equal(result.status, 1, args.join(' '));
      assert.match(result.stderr, message);
    }
  });

  test('names the database it cannot open, without a stack trace', () => {
    const notSqlite = path.join(dir, 'notes.txt');
    writeFileSync(notSqlite, 'just some text, long enough to not be a database header\n'.repeat(10));
    const cases: Array<[string, RegExp]> = [
      [`sqlite:${dir}`, /Cannot use the database sqlite:.*: unable to open database file/],
      [`sqlite:${notSqlite}`, /Cannot use the database sqlite:.*notes\.txt: file is not a database/],
      [
        'postgres://postgres@127.0.0.1:1/x',
        /Cannot use the database postgres:\/\/postgres@127\.0\.0\.1:1\/x: .*ECONNREFUSED/,
      ],
    ];
    for (const [url, message] of cases) {
      const result = run(['user', 'list'], { env: { ...env, DATABASE_URL: url } });
      assert.equal(result.status, 1, url);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /\[DATABASE_UNAVAILABLE\]/);
      assert.doesNotMatch(result.stderr, /this is a bug|\n\s+at /);
    }
  });

  test('says which path is wrong when export cannot write its output', () => {
    const missing = path.join(dir, 'no-such-folder', 'site.json');
    const intoMissing = run(['export', '--output', missing]);
    assert.equal(intoMissing.status, 1);
    assert.match(intoMissing.stderr, /no-such-folder\/site\.json: no such file or folder \[ENOENT\]/);
    const intoFolder = run(['export', '--output', dir]);
    assert.equal(intoFolder.status, 1);
    assert.match(intoFolder.stderr, /it is a folder, not a file \[EISDIR\]/);
    for (const result of [intoMissing, intoFolder])
      assert.doesNotMatch(result.stderr, /this is a bug|\n\s+at /);
  });

  test('says the port is taken instead of crashing when another program listens on it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = run(['serve', '--no-demo'], {
        env: { ...env, PORT: String(port), HOST: '127.0.0.1', PRESSROOM_LOG__LEVEL: 'warn' },
      });
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(result.stderr, /Set PORT/);
      assert.doesNotMatch(result.stderr, /this is a bug|\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  // The machine's own Node, when it is older than the sources need (Debian's, or Node 20).
  const oldNode = (t: TestContext): string | undefined => {
    const candidate = '/usr/bin/node';
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    const major = Number(/^v(\d+)/.exec(version.stdout ?? '')?.[1] ?? 0);
    if (version.error || major === 0 || major >= 22) {
      skipOrFail(t, `no Node.js older than 22 at ${candidate}`);
      return undefined;
    }
    return candidate;
  };

  test('started by a Node.js that is too old, runs on the Node.js 24 npm installed beside it', (t) => {
    const nodePath = oldNode(t);
    if (!nodePath) return;
    if (!existsSync(path.join(ROOT, 'node_modules', 'node', 'package.json'))) {
      skipOrFail(t, 'npm installed no Node.js beside the code (run npm install with optional dependencies)');
      return;
    }
    const result = run(['--help'], { nodePath });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Usage: pressroom/);
    assert.doesNotMatch(result.stderr, /NODE_TOO_OLD/);
  });

  test('stops with a clear message on a Node.js that is too old when npm installed no newer one', (t) => {
    const nodePath = oldNode(t);
    if (!nodePath) return;
    // The launcher alone, away from node_modules: as after an install that omitted optional dependencies.
    const bare = path.join(dir, 'bare');
    mkdirSync(path.join(bare, 'bin'), { recursive: true });
    writeFileSync(path.join(bare, 'package.json'), '{ "type": "module" }\n');
    for (const file of ['pressroom', 'node-runtime.mjs', 'entry.mjs'])
      copyFileSync(path.join(ROOT, 'bin', file), path.join(bare, 'bin', file));
    const result = spawnSync(nodePath, [path.join(bare, 'bin', 'pressroom'), '--help'], {
      cwd: bare,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /needs Node\.js 24/);
    assert.match(result.stderr, /optional dependenc/);
    assert.match(result.stderr, /NODE_TOO_OLD/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
