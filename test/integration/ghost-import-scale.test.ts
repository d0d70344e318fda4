import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importGhost } from '../../src/services/import/ghost.ts';
import type { MigrationReport } from '../../src/services/import/session.ts';
import { createTestWiring, DATABASE_KINDS } from '../helpers/databases.ts';
import { ghostSourceItems } from '../helpers/source-items.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Writes a Ghost export of `posts` posts in Ghost's own order: the posts first, then their
 * authors and tags, then the tags and users those name. `padding` characters of mobiledoc and
 * plaintext ride along with each post (Ghost exports every body in several forms; the import
 * reads the html).
 */
function writeExport(file: string, options: { posts: number; padding?: number }): void {
  const { posts, padding = 0 } = options;
  const fd = openSync(file, 'w');
  const filler = 'x'.repeat(padding);
  const w = (text: string) => writeSync(fd, text);
  w('{"db":[{"meta":{"version":"5.80.0"},"data":{"posts":[');
  for (let i = 1; i <= posts; i += 1)
    w(
      `${i > 1 ? ',' : ''}\n${JSON.stringify({
        id: `p${i}`,
        title: `Post ${i}`,
        slug: `post-${i}`,
        html: `<p>Paragraph <strong>${i}</strong> with a <a href="https://example.org/${i}">link</a>.</p>`,
        mobiledoc: padding > 0 ? `{"version":"0.3.1","sections":[],"note":"${filler}"}` : null,
        plaintext: filler,
        type: 'post',
        status: 'published',
        published_at: '2021-03-01T10:00:00.000Z',
        updated_at: '2021-03-02T10:00:00.000Z',
      })}`,
    );
  w('],\n"posts_authors":[');
  for (let i = 1; i <= posts; i += 1)
    w(`${i > 1 ? ',' : ''}{"id":"pa${i}","post_id":"p${i}","author_id":"u${(i % 2) + 1}","sort_order":0}`);
  w('],\n"posts_tags":[');
  for (let i = 1; i <= posts; i += 1)
    w(
      `${i > 1 ? ',' : ''}{"post_id":"p${i}","tag_id":"t${i % 3}","sort_order":1},{"post_id":"p${i}","tag_id":"t${(i + 1) % 3}","sort_order":0}`,
    );
  w('],\n"tags":[');
  for (let t = 0; t < 3; t += 1) w(`${t > 0 ? ',' : ''}{"id":"t${t}","name":"Tag ${t}","slug":"tag-${t}"}`);
  w(
    '],\n"users":[{"id":"u1","name":"Una One","slug":"una","password":"$2a$10$secret","email":"una@example.org"},',
  );
  w('{"id":"u2","name":"Dua Two","slug":"dua","password":"$2a$10$secret","email":"dua@example.org"}]}}]}\n');
  closeSync(fd);
}

for (const kind of DATABASE_KINDS) {
  describe(`large Ghost imports on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-ghost-scale-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('an import stopped after its first batch keeps whole posts, and running it again completes it', async () => {
      // Batches of 20 rather than 500 (GHOST_BATCH_POSTS): the same code, a tenth of the work.
      const batch = 20;
      const posts = 2 * batch + 5;
      const file = path.join(folder, 'many.json');
      writeExport(file, { posts });
      const t = await createTestWiring(kind);
      try {
        const stopAt = batch + 10;
        await assert.rejects(
          importGhost(t.wiring, file, {
            batchPosts: batch,
            onProgress: (progress) => {
              if (progress.phase === 'writing' && progress.done === stopAt) throw new Error('stopped');
            },
          }),
          /stopped/,
        );
        // The batch being written when it stopped is undone whole; the one before it stays.
        assert.equal(await t.wiring.store.articles.count(), batch);

        const report = await importGhost(t.wiring, file, { batchPosts: batch });
        assert.equal(report.counts.article.imported, posts - batch);
        assert.equal(report.counts.article.unchanged, batch);
        assert.equal(report.counts.redirect.imported, posts - batch);
        assert.equal(report.items.filter((item) => item.kind === 'post').length, posts);
        assert.equal(await t.wiring.store.articles.count(), posts);
        // Authors and tags listed after the posts are found all the same, in sort_order.
        const last = await t.wiring.store.articles.findBySlug(`post-${posts}`);
        const people = await t.wiring.store.people.findByIds(last?.authorIds ?? []);
        assert.deepEqual(
          people.map((p) => p.name),
          [posts % 2 === 0 ? 'Una One' : 'Dua Two'],
        );
        const terms = await t.wiring.store.taxonomies.listTerms();
        const termName = new Map(terms.map((term) => [term.id, term.name]));
        assert.deepEqual(
          last?.termIds.map((id) => termName.get(id)),
          [`Tag ${(posts + 1) % 3}`, `Tag ${posts % 3}`],
        );
        const again = await importGhost(t.wiring, file, { batchPosts: batch });
        assert.equal(again.counts.article.unchanged, posts);
        // A redirect for each post's old address, and for each of the two authors' /author/ page.
        assert.equal(again.counts.redirect.unchanged, posts + 2);
      } finally {
        await t.cleanup();
      }
    });

    test('a strict import with one failing post writes nothing at all, however many posts came before it', async () => {
      const posts = 30;
      const file = path.join(folder, 'strict.json');
      writeExport(file, { posts });
      // The last post's html is nested too deep for the converter: that post fails.
      const nested = `${'<em>'.repeat(60_000)}deep${'</em>'.repeat(60_000)}`;
      const text = readFileSync(file, 'utf8').replace(
        `<p>Paragraph <strong>${posts}</strong>`,
        `<p>${nested}</p><p>Paragraph <strong>${posts}</strong>`,
      );
      writeFileSync(file, text);
      const t = await createTestWiring(kind);
      try {
        const report = await importGhost(t.wiring, file, { isStrict: true });
        assert.deepEqual(
          report.items.filter((item) => item.outcome === 'failed').map((item) => item.id),
          [`p${posts}`],
        );
        assert.equal(report.isRolledBack, true);
        assert.equal(await t.wiring.store.articles.count(), 0);
        assert.equal((await t.wiring.store.people.list()).length, 0);
        // Every post, tag and user is listed: the failed one, and the rest as not imported.
        assert.equal(report.items.length, posts + 5);
      } finally {
        await t.cleanup();
      }
    });
  });
}

describe('pressroom import ghost on a file larger than its memory', () => {
  test('streams a Ghost export bigger than the heap it is given, and reports every item of the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-ghost-cli-'));
    try {
      const file = path.join(dir, 'big.json');
      // 120 posts of 0.9 MB each: about 108 MB of JSON, twice the heap below. Reading the file
      // whole (a string of it, then its objects) cannot fit; reading it a row at a time does.
      const heapMb = 48;
      writeExport(file, { posts: 120, padding: 450_000 });
      assert.ok(statSync(file).size > 2 * heapMb * 1024 * 1024);
      const reportFile = path.join(dir, 'report.json');
      const result = spawnSync(
        process.execPath,
        [path.join(ROOT, 'bin', 'pressroom'), 'import', 'ghost', file, '--progress', '--report', reportFile],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`,
            PRESSROOM_DATA: dir,
            NODE_OPTIONS: `--max-old-space-size=${heapMb}`,
          },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      assert.equal(result.status, 0, result.stderr);
      const lines = result.stderr.split('\n').filter((line) => line.startsWith('writing'));
      assert.deepEqual(
        lines.map((line) => /^writing (\d+)%/.exec(line)?.[1]),
        ['0', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100'],
      );
      assert.match(result.stdout, /Source items: 125 \(125 imported\)/);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MigrationReport;
      const expected = ghostSourceItems(readFileSync(file, 'utf8'));
      assert.ok(expected);
      for (const [itemKind, n] of Object.entries(expected))
        assert.equal(report.items.filter((item) => item.kind === itemKind).length, n, itemKind);
      assert.equal(report.counts.article.imported, 120);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
