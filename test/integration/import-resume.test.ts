// An import stopped by SIGTERM (a process manager, a closed terminal) between its batches and run
// again: the run that completes it must also make the last pass the stopped one never reached.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importGhost } from '../../src/services/import/ghost.ts';
import type { MigrationReport } from '../../src/services/import/session.ts';
import { importWordPress, WORDPRESS_BATCH_ITEMS } from '../../src/services/import/wordpress.ts';
import {
  createTestDatabase,
  createTestWiring,
  DATABASE_KINDS,
  openTestWiring,
  type TestDatabase,
  type TestWiring,
} from '../helpers/databases.ts';
import { type PressroomChild, runPressroom, runPressroomToEnd } from '../helpers/server-process.ts';

const SITE = 'resume.example';
/** More than two batches: the stop comes after the first is committed, with a batch and more to go. */
const POSTS = 2 * WORDPRESS_BATCH_ITEMS + 100;

/**
 * A WXR file of POSTS small posts; the first links to the last by its ?p= address, the second to
 * the third (written after it, in the same batch).
 */
function writeExport(file: string, options: { firstPostExtra?: string } = {}): void {
  const items: string[] = [];
  for (let id = 1; id <= POSTS; id += 1) {
    const body =
      id === 1
        ? `<p>Read <a href="https://${SITE}/?p=${POSTS}">the last post</a> first.</p>`
        : id === 2
          ? `<p>Then <a href="https://${SITE}/?p=3">the third</a>.</p>`
          : `<p>Post number ${id}.</p>`;
    items.push(`<item><title>Post ${id}</title><link>https://${SITE}/?p=${id}</link>
<dc:creator><![CDATA[admin]]></dc:creator>${id === 1 ? (options.firstPostExtra ?? '') : ''}<content:encoded><![CDATA[${body}]]></content:encoded>
<wp:post_id>${id}</wp:post_id><wp:post_date_gmt>2021-03-01 10:00:00</wp:post_date_gmt>
<wp:post_name>post-${id}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>`);
  }
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Resume</title><link>https://${SITE}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://${SITE}</wp:base_site_url><wp:base_blog_url>https://${SITE}</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>admin</wp:author_login></wp:author>
${items.join('\n')}
</channel></rss>`,
  );
}

/** Resolves once the import says it has written more than a batch (so one batch is committed). */
function pastFirstBatch(importer: PressroomChild): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      for (const match of seen.matchAll(/writing \d+% \((\d+)\/\d+ items\)/g))
        if (Number(match[1]) > WORDPRESS_BATCH_ITEMS) {
          importer.child.stderr?.off('data', onData);
          resolve();
          return;
        }
    };
    importer.child.stderr?.on('data', onData);
    importer.ended.then(() => reject(new Error(`the import ended first:\n${importer.output()}`)));
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`an import stopped by SIGTERM and run again on ${kind}`, () => {
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

    test('points the links of posts the stopped run wrote at posts written after the stop, and reports them updated', async () => {
      const file = path.join(database.dataDir, 'resume.xml');
      const reportFile = path.join(database.dataDir, 'report.json');
      writeExport(file);
      const env = { DATABASE_URL: database.url, PRESSROOM_DATA: database.dataDir };

      importer = runPressroom(['import', 'wordpress', file, '--progress', '--report', reportFile], env);
      await pastFirstBatch(importer);
      importer.child.kill('SIGTERM');
      const stopped = await importer.ended;
      const output = importer.output();
      assert.equal(stopped.code, 143, `the import did not stop as asked:\n${output}`);
      assert.match(
        output,
        /stopped by SIGTERM after \d+ of \d+ items; run the same command again to finish/i,
      );
      assert.match(output, /Source items: \d+ \(\d+ imported\)/, 'the summary so far is printed');
      assert.doesNotMatch(output, /Something went wrong/);
      check = await openTestWiring(database);
      const first = await check.wiring.store.articles.findBySlug('post-1');
      assert.ok(first, 'the first batch was committed before the stop');
      assert.equal(await check.wiring.store.articles.findBySlug(`post-${POSTS}`), undefined);
      assert.match(first.bodyMarkdown, /\?p=/, 'a link to a post not written yet keeps its old address');
      const second = await check.wiring.store.articles.findBySlug('post-2');
      assert.equal(
        second?.bodyMarkdown,
        'Then [the third](/articles/post-3).',
        'links within what was written',
      );
      const partial = JSON.parse(readFileSync(reportFile, 'utf8')) as MigrationReport;
      assert.match(partial.stoppedBy ?? '', /SIGTERM/);
      const written = partial.items.filter((item) => item.kind === 'item');
      assert.ok(written.length >= WORDPRESS_BATCH_ITEMS && written.length < POSTS, `${written.length} items`);
      assert.ok(written.every((item) => item.outcome === 'imported'));
      for (const item of written)
        assert.ok(
          await check.wiring.store.articles.findBySlug(`post-${item.id}`),
          `post ${item.id} reported, not saved`,
        );

      const rerun = await runPressroomToEnd(['import', 'wordpress', file, '--report', reportFile], env);
      assert.equal(rerun.code, 0, rerun.output);
      const last = await check.wiring.store.articles.findBySlug(`post-${POSTS}`);
      assert.ok(last);
      const relinked = await check.wiring.store.articles.findBySlug('post-1');
      assert.equal(relinked?.bodyMarkdown, `Read [the last post](/articles/${last.slug}) first.`);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MigrationReport;
      const line = report.items.find((item) => item.kind === 'item' && item.id === '1');
      assert.equal(line?.outcome, 'updated', 'the post whose link was pointed here is not "unchanged"');
      const posts = report.items.filter((item) => item.kind === 'item');
      assert.equal(posts.length, POSTS, 'every post is reported once');
      const byOutcome = (outcome: string) => posts.filter((item) => item.outcome === outcome).length;
      assert.equal(report.counts.article.updated, byOutcome('updated'));
      assert.equal(report.counts.article.unchanged, byOutcome('unchanged'));
      assert.equal(report.counts.article.imported, byOutcome('imported'));
      assert.match(rerun.output, /Source items: \d+ \(\d+ imported, 1 updated, \d+ unchanged\)/);

      // Complete now: another run finds everything as it is.
      const again = await runPressroomToEnd(['import', 'wordpress', file, '--report', reportFile], env);
      assert.equal(again.code, 0, again.output);
      const settled = JSON.parse(readFileSync(reportFile, 'utf8')) as MigrationReport;
      assert.ok(settled.items.every((item) => item.outcome === 'unchanged'));
      assert.equal(
        (await check.wiring.store.articles.findBySlug('post-1'))?.bodyMarkdown,
        relinked?.bodyMarkdown,
      );
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`an import asked to stop, in process, on ${kind}`, () => {
    test('a Ghost import stops after the batch it was writing, points the links among what it wrote, and says how far it got', async () => {
      const t = await createTestWiring(kind);
      try {
        const post = (n: number, html: string) => ({
          id: `p${n}`,
          title: `Post ${n}`,
          slug: `post-${n}`,
          type: 'post',
          status: 'published',
          html,
          created_at: '2021-05-01T10:00:00.000Z',
          updated_at: '2021-05-01T10:00:00.000Z',
          published_at: '2021-05-01T10:00:00.000Z',
        });
        const file = path.join(t.database.dataDir, 'stop.json');
        writeFileSync(
          file,
          JSON.stringify({
            db: [
              {
                meta: { exported_on: 1620000000000, version: '5.0.0' },
                data: {
                  tags: [],
                  users: [],
                  posts: [
                    post(1, '<p>See <a href="__GHOST_URL__/post-2/">the second</a>.</p>'),
                    post(2, '<p>Two.</p>'),
                    post(3, '<p>Three.</p>'),
                  ],
                },
              },
            ],
          }),
        );
        const stop = new AbortController();
        const report = await importGhost(t.wiring, file, {
          batchPosts: 2,
          stopSignal: stop.signal,
          onProgress: (progress) => {
            if (progress.phase === 'writing' && progress.done === 1) stop.abort('SIGTERM');
          },
        });
        assert.equal(report.stoppedBy, 'SIGTERM after 2 of 3 items');
        assert.equal(await t.wiring.store.articles.findBySlug('post-3'), undefined);
        assert.equal(
          (await t.wiring.store.articles.findBySlug('post-1'))?.bodyMarkdown,
          'See [the second](/articles/post-2).',
        );
      } finally {
        await t.cleanup();
      }
    });

    test('a WordPress import stopped after a batch keeps the notes its written items call for in its summary', async () => {
      const t = await createTestWiring(kind);
      try {
        const file = path.join(t.database.dataDir, 'stop-notes.xml');
        writeExport(file, {
          firstPostExtra:
            '<category domain="post_format" nicename="post-format-aside"><![CDATA[Aside]]></category>',
        });
        const stop = new AbortController();
        const report = await importWordPress(t.wiring, file, {
          workers: 0,
          stopSignal: stop.signal,
          onProgress: (progress) => {
            if (progress.phase === 'writing' && progress.done === 10) stop.abort('SIGTERM');
          },
        });
        assert.match(report.stoppedBy ?? '', /^SIGTERM after \d+ of \d+ items$/);
        assert.ok(
          report.warnings.some((w) => /taxonomy "post_format", which is not mapped.*Aside ×1/.test(w)),
          report.warnings.join('\n'),
        );
      } finally {
        await t.cleanup();
      }
    });

    test('a strict WordPress import asked to stop imports nothing and says why', async () => {
      const t = await createTestWiring(kind);
      try {
        const file = path.join(t.database.dataDir, 'strict-stop.xml');
        writeExport(file);
        const stop = new AbortController();
        const report = await importWordPress(t.wiring, file, {
          isStrict: true,
          workers: 0,
          stopSignal: stop.signal,
          onProgress: (progress) => {
            if (progress.phase === 'writing' && progress.done === 10) stop.abort('SIGINT');
          },
        });
        assert.equal(report.isRolledBack, true);
        assert.match(report.stoppedBy ?? '', /^SIGINT after \d+ of \d+ items$/);
        assert.ok(
          report.warnings.some((w) => /stopped by SIGINT .* and was strict/.test(w)),
          report.warnings.join('\n'),
        );
        assert.equal(await t.wiring.store.articles.findBySlug('post-1'), undefined);
      } finally {
        await t.cleanup();
      }
    });
  });
}
