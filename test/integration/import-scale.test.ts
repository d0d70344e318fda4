import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parseConfig } from '../../src/config.ts';
import { toPlainText } from '../../src/content/markdown.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { ReportSpool } from '../../src/services/import/report-spool.ts';
import type { MigrationReport } from '../../src/services/import/session.ts';
import { importWordPress, WORDPRESS_BATCH_ITEMS } from '../../src/services/import/wordpress.ts';
import { preparedItems, prepareTaskOf, prepareWxrItem } from '../../src/services/import/wxr-prepare.ts';
import { readWxr } from '../../src/services/import/wxr-reader.ts';
import { WxrSpool } from '../../src/services/import/wxr-spool.ts';
import { createWiring, type Wiring } from '../../src/wiring.ts';
import { createTestDatabase, createTestWiring, DATABASE_KINDS } from '../helpers/databases.ts';
import { wxrSourceItems } from '../helpers/source-items.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');

/** A WordPress export of `posts` posts, each with a comment, two terms and a featured image listed after it. */
function exportOf(posts: number): string {
  const items: string[] = [];
  for (let i = 1; i <= posts; i += 1) {
    items.push(`<item>
<title>Post ${i}</title>
<link>https://many.example/2021/03/post-${i}/</link>
<dc:creator><![CDATA[writer]]></dc:creator>
<content:encoded><![CDATA[<p>Paragraph <strong>${i}</strong> with a <a href="https://example.org/${i}">link</a>.</p>
<p>A second &amp; last paragraph.</p>]]></content:encoded>
<wp:post_id>${i}</wp:post_id>
<wp:post_date_gmt>2021-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:00</wp:post_date_gmt>
<wp:post_name>post-${i}</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="topic-${i % 3}"><![CDATA[Topic ${i % 3}]]></category>
<category domain="post_tag" nicename="tag-${i % 7}"><![CDATA[Tag ${i % 7}]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>${posts + i}</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>${i}</wp:comment_id><wp:comment_author><![CDATA[Reader ${i}]]></wp:comment_author><wp:comment_content><![CDATA[<p>Comment <em>${i}</em></p>]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>`);
  }
  for (let i = 1; i <= posts; i += 1) {
    items.push(`<item>
<title>Image ${i}</title>
<wp:post_id>${posts + i}</wp:post_id>
<wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://many.example/wp-content/uploads/img-${i}.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[Picture ${i}]]></wp:meta_value></wp:postmeta>
</item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Many</title><link>https://many.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://many.example</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[writer]]></wp:author_login><wp:author_display_name><![CDATA[Wren Writer]]></wp:author_display_name></wp:author>
${items.join('\n')}
</channel>
</rss>
`;
}

/**
 * A WordPress export of `posts` posts whose bodies refer to the old site: an upload by its
 * absolute and by its relative address, an image at another site, and in every fifth post a link
 * to the first post (where that went is known only once it is written).
 */
function oldSiteRefsExport(posts: number): string {
  const body = (i: number) =>
    `<p>Text ${i}.</p><p><img src="https://refs.example/wp-content/uploads/2021/03/a-${i}.jpg" alt="A ${i}"></p>` +
    `<p><img src="/wp-content/uploads/2021/03/b-${i}.png" alt="B ${i}"> and <img src="https://other.example/c-${i}.gif" alt="C"></p>` +
    (i % 5 === 0 ? `<p>See <a href="https://refs.example/2021/03/post-1/">the first</a>.</p>` : '');
  const items = Array.from(
    { length: posts },
    (_, n) => `<item><title>Post ${n + 1}</title><link>https://refs.example/2021/03/post-${n + 1}/</link>
<dc:creator><![CDATA[writer]]></dc:creator><content:encoded><![CDATA[${body(n + 1)}]]></content:encoded>
<wp:post_id>${n + 1}</wp:post_id><wp:post_date_gmt>2021-03-01 10:00:00</wp:post_date_gmt>
<wp:post_name>post-${n + 1}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Refs</title><link>https://refs.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://refs.example</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[writer]]></wp:author_login><wp:author_display_name><![CDATA[Wren Writer]]></wp:author_display_name></wp:author>
${items.join('\n')}
</channel></rss>
`;
}

/** The one-bad-item fixture with its second post nested deeper than any converter follows. */
function withUnconvertibleItem(folder: string): string {
  const nested = `${'<em>'.repeat(60_000)}deep${'</em>'.repeat(60_000)}`;
  const file = path.join(folder, 'one-bad-item.xml');
  writeFileSync(
    file,
    readFileSync(path.join(FIXTURES, 'wordpress-one-bad-item.xml'), 'utf8').replace(
      '<p>NESTED</p>',
      `<p>${nested}</p>`,
    ),
  );
  return file;
}

/** What an import left in the database, in a form two imports can be compared by. */
async function contentOf(wiring: Wiring) {
  const articles = await wiring.store.articles.listAll();
  const comments = await wiring.store.comments.listAll();
  return {
    articles: articles
      .map((a) => ({
        slug: a.slug,
        title: a.title,
        summary: a.summary,
        bodyMarkdown: a.bodyMarkdown,
        bodyHtml: a.bodyHtml,
        featuredImage: a.featuredImage,
        featuredImageAlt: a.featuredImageAlt,
      }))
      .sort((a, b) => a.slug.localeCompare(b.slug)),
    comments: comments.map((c) => c.body).sort(),
    redirects: (await wiring.store.redirects.list()).map((r) => `${r.fromPath} ${r.toPath}`).sort(),
  };
}

for (const kind of DATABASE_KINDS) {
  describe(`large WordPress imports on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-import-scale-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('an import stopped after its first batch keeps whole items, and running it again completes it', async () => {
      const posts = WORDPRESS_BATCH_ITEMS + 50;
      const file = path.join(folder, 'many.xml');
      writeFileSync(file, exportOf(posts));
      const t = await createTestWiring(kind);
      try {
        const stopAt = WORDPRESS_BATCH_ITEMS + 20;
        await assert.rejects(
          importWordPress(t.wiring, file, {
            onProgress: (progress) => {
              if (progress.phase === 'writing' && progress.done === stopAt) throw new Error('stopped');
            },
          }),
          /stopped/,
        );
        // The batch being written when it stopped is undone whole; the one before it stays.
        assert.equal(await t.wiring.store.articles.count(), WORDPRESS_BATCH_ITEMS);
        assert.equal((await t.wiring.store.comments.listAll()).length, WORDPRESS_BATCH_ITEMS);

        const report = await importWordPress(t.wiring, file);
        assert.equal(report.counts.article.imported, posts - WORDPRESS_BATCH_ITEMS);
        assert.equal(report.counts.article.unchanged, WORDPRESS_BATCH_ITEMS);
        assert.equal(report.counts.comment.imported, posts - WORDPRESS_BATCH_ITEMS);
        assert.equal(report.counts.comment.unchanged, WORDPRESS_BATCH_ITEMS);
        assert.equal(report.counts.redirect.imported, 2 * (posts - WORDPRESS_BATCH_ITEMS));
        // The attachments come after the posts in the file: none had been written.
        assert.equal(report.counts.media.imported, posts);
        assert.equal(await t.wiring.store.articles.count(), posts);
        assert.equal((await t.wiring.store.listings.get('site')).count, posts);
        // A featured image listed after its post is found all the same. Still at the old site
        // (no --uploads given), it is not hotlinked: the post's line in the report names it.
        const last = await t.wiring.store.articles.findBySlug(`post-${posts}`);
        assert.equal(last?.featuredImage, null);
        assert.match(JSON.stringify(report.items), new RegExp(`img-${posts}\\.jpg`));
        // The export reads redirects and import mappings in batches; every one comes out, by natural key.
        const parts: string[] = [];
        await exportPublication(t.wiring, {
          write: async (text) => {
            parts.push(text);
          },
        });
        const exported = JSON.parse(parts.join('')) as {
          redirects: { from_path: string; to_path: string }[];
          importSources: { source_id: string; entity_type: string; entity: string | null }[];
          media: unknown[];
        };
        // Each post's permalink and ?p=, and the author's archive.
        assert.equal(exported.redirects.length, 2 * posts + 1);
        assert.equal(exported.media.length, posts);
        assert.deepEqual(
          exported.redirects.filter((r) => r.from_path === `/?p=${posts}`).map((r) => r.to_path),
          [`/articles/post-${posts}`],
        );
        const mapped = (type: string) => exported.importSources.filter((s) => s.entity_type === type);
        assert.equal(mapped('article').length, posts);
        assert.equal(mapped('media').length, posts);
        assert.equal(mapped('article').find((s) => s.source_id === `post:${posts}`)?.entity, `post-${posts}`);
        assert.equal(
          mapped('media').find((s) => s.source_id === `post:${2 * posts}`)?.entity,
          `https://many.example/wp-content/uploads/img-${posts}.jpg`,
        );
        const again = await importWordPress(t.wiring, file);
        assert.equal(again.counts.article.unchanged, posts);
        assert.equal(again.counts.comment.unchanged, posts);
        assert.equal(again.counts.redirect.unchanged, 2 * posts + 1);
      } finally {
        await t.cleanup();
      }
    });

    test('queries per post stay a small constant: a batch looks up and writes in bulk', async () => {
      const queriesFor = async (posts: number) => {
        const file = path.join(folder, `count-${posts}.xml`);
        writeFileSync(file, exportOf(posts));
        const database = await createTestDatabase(kind);
        let queries = 0;
        const wiring = await createWiring({
          config: parseConfig({
            database: { url: database.url },
            data: { dir: database.dataDir },
            site: { url: 'https://count.example' },
            log: { level: 'silent' },
          }),
          log: pino({ level: 'silent' }),
          // Items without dates are dated now: a clock that stands still leaves the re-run unchanged.
          now: () => new Date('2026-11-20T12:00:00.000Z'),
          onQuery: () => {
            queries += 1;
          },
        });
        try {
          queries = 0;
          const first = await importWordPress(wiring, file, { workers: 0 });
          assert.equal(first.counts.article.imported, posts);
          const imported = queries;
          queries = 0;
          const again = await importWordPress(wiring, file, { workers: 0 });
          assert.equal(again.counts.article.unchanged, posts);
          return { imported, again: queries };
        } finally {
          await wiring.close();
          await database.drop();
        }
      };
      // Each post here brings a comment, two redirects, two terms and an attachment. What more
      // posts add is their rows (the article and the attachment's media entry, one statement each), not
      // lookups or writes one by one (there were 36 queries per post); a re-run finds everything
      // in the batch's lookups (there were 11 per post).
      const small = await queriesFor(60);
      const large = await queriesFor(120);
      const perPost = (key: 'imported' | 'again') => (large[key] - small[key]) / 60;
      assert.ok(perPost('imported') <= 2.5, `${perPost('imported')} queries per imported post`);
      assert.ok(perPost('again') <= 0.2, `${perPost('again')} queries per unchanged post`);
    });

    test('items converted in worker threads are written exactly as those converted on the import thread', async () => {
      const files = [
        path.join(FIXTURES, 'wordpress-fidelity.xml'),
        withUnconvertibleItem(folder),
        path.join(folder, 'some.xml'),
        path.join(folder, 'refs.xml'),
      ];
      writeFileSync(files[2] as string, exportOf(40));
      writeFileSync(files[3] as string, oldSiteRefsExport(30));
      for (const file of files) {
        const results: { report: MigrationReport; content: Awaited<ReturnType<typeof contentOf>> }[] = [];
        for (const workers of [0, 2]) {
          const t = await createTestWiring(kind);
          try {
            const report = await importWordPress(t.wiring, file, { workers });
            results.push({ report, content: await contentOf(t.wiring) });
          } finally {
            await t.cleanup();
          }
        }
        const [own, workers] = results;
        assert.ok(own && workers);
        assert.ok(own.content.articles.length > 0, file);
        assert.deepEqual(workers.content, own.content, file);
        assert.deepEqual(workers.report, own.report, file);
      }
      // The body that cannot be converted fails alone, in a worker as on the import's thread.
      const t = await createTestWiring(kind);
      try {
        const report = await importWordPress(t.wiring, files[1] as string, { workers: 1 });
        assert.deepEqual(
          report.items.filter((item) => item.outcome === 'failed').map((item) => [item.id, item.title]),
          [['2', 'Broken body']],
        );
        assert.ok(await t.wiring.store.articles.findBySlug('low-water'));
      } finally {
        await t.cleanup();
      }
    });

    test('a report sink receives every item, skipped thing and warning, in order, and the report keeps none', async () => {
      const file = path.join(FIXTURES, 'wordpress-fidelity.xml');
      const plain = await createTestWiring(kind);
      const sunk = await createTestWiring(kind);
      const spool = new ReportSpool();
      try {
        const expected = await importWordPress(plain.wiring, file);
        const report = await importWordPress(sunk.wiring, file, { sink: spool });
        assert.deepEqual([report.items, report.skipped, report.warnings], [[], [], []]);
        assert.deepEqual(report.counts, expected.counts);
        const lists = spool.lists(report);
        assert.deepEqual([...lists.items()], expected.items);
        assert.deepEqual([...lists.skipped()], expected.skipped);
        assert.deepEqual([...lists.warnings()], expected.warnings);
        assert.ok(expected.items.length > 10 && expected.skipped.length > 0 && expected.warnings.length > 0);
      } finally {
        spool.close();
        await plain.cleanup();
        await sunk.cleanup();
      }
    });

    test('a strict import undone by a failure reads every spooled item as skipped or failed', async () => {
      const t = await createTestWiring(kind);
      const spool = new ReportSpool();
      try {
        const report = await importWordPress(t.wiring, withUnconvertibleItem(folder), {
          isStrict: true,
          sink: spool,
        });
        assert.equal(report.isRolledBack, true);
        const items = [...spool.lists(report).items()];
        assert.deepEqual(
          items.filter((item) => item.outcome === 'failed').map((item) => item.id),
          ['2'],
        );
        assert.ok(items.length > 3);
        assert.ok(items.every((item) => item.outcome === 'failed' || /1 other item/.test(item.reason ?? '')));
        assert.deepEqual([...spool.lists(report).skipped()], []);
        assert.match([...spool.lists(report).warnings()].at(-1) ?? '', /nothing was imported: 1 item/);
        assert.equal(await t.wiring.store.articles.count(), 0);
      } finally {
        spool.close();
        await t.cleanup();
      }
    });
  });
}

describe('converting items ahead of writing them', () => {
  test('a body whose references to the old site need no lookup is rendered ahead as the writer saves it', async () => {
    const t = await createTestWiring('sqlite');
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-prepare-'));
    try {
      const file = path.join(dir, 'refs.xml');
      writeFileSync(file, oldSiteRefsExport(20));
      await importWordPress(t.wiring, file, { workers: 1 });
      const rewrite = { hosts: ['refs.example'], origin: 'https://refs.example', hasUploads: false };
      const spool = new WxrSpool();
      try {
        await readWxr(file, { onItem: (item) => spool.add(item, true) });
        spool.finish();
        let renderedAhead = 0;
        for await (const spooled of preparedItems(spool.items(), {
          workers: 1,
          isImported: () => true,
          rewrite,
        })) {
          const saved = await t.wiring.store.articles.findBySlug(spooled.item.postName ?? '');
          const body = spooled.prepared?.body;
          assert.ok(saved && body && 'converted' in body, `post ${spooled.item.postId}`);
          if (Number(spooled.item.postId) % 5 === 0) {
            // It links to another post: only the writer knows where that went.
            assert.equal(body.rendered, null);
            continue;
          }
          assert.equal(body.renderedFrom, saved.bodyMarkdown, `post ${spooled.item.postId}`);
          assert.equal(body.rendered?.html, saved.bodyHtml);
          renderedAhead += 1;
        }
        assert.equal(renderedAhead, 16);
        // With an uploads folder, where each upload went is the writer's to find out.
        const withUploads = prepareWxrItem(
          prepareTaskOf([...spool.items()][0] as Parameters<typeof prepareTaskOf>[0], true, {
            ...rewrite,
            hasUploads: true,
          }),
        );
        assert.ok(withUploads.body && 'converted' in withUploads.body);
        assert.equal(withUploads.body.rendered, null);
      } finally {
        spool.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await t.cleanup();
    }
  });

  test('worker threads convert every post body and comment, in file order, as the import thread would', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-prepare-'));
    const spool = new WxrSpool();
    try {
      const file = path.join(dir, 'some.xml');
      writeFileSync(file, exportOf(50));
      await readWxr(file, { onItem: (item) => spool.add(item, true) });
      spool.finish();
      const failures: unknown[] = [];
      const seen: string[] = [];
      for await (const spooled of preparedItems(spool.items(), {
        workers: 2,
        isImported: () => true,
        onWorkerError: (error) => failures.push(error),
      })) {
        const { item, prepared } = spooled;
        seen.push(item.postId ?? '');
        const own = prepareWxrItem(prepareTaskOf(spooled, true));
        assert.deepEqual(prepared, own, `item ${item.postId}`);
        if (item.postType === 'post') {
          assert.ok(
            prepared?.body && 'rendered' in prepared.body && prepared.body.rendered,
            `item ${item.postId}`,
          );
          assert.match(prepared.body.rendered.html, /<strong>\d+<\/strong>/);
          assert.equal(prepared.body.rendered.text, toPlainText(prepared.body.rendered.html));
          assert.equal(prepared.comments.length, 1);
        }
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(
        seen,
        Array.from({ length: 100 }, (_, i) => String(i + 1)),
      );
    } finally {
      spool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pressroom import wordpress on a large file', () => {
  test('prints progress by tenths and writes a report file listing every item of the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-import-cli-'));
    try {
      const file = path.join(dir, 'many.xml');
      const text = exportOf(120);
      writeFileSync(file, text);
      const reportFile = path.join(dir, 'report.json');
      const result = spawnSync(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'pressroom'),
          'import',
          'wordpress',
          file,
          '--progress',
          '--report',
          reportFile,
        ],
        {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`, PRESSROOM_DATA: dir },
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
      assert.match(lines.at(-1) ?? '', /\(240\/240 items\)/);
      assert.match(result.stdout, /Source items: 361 \(361 imported\)/);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MigrationReport;
      const expected = wxrSourceItems(text);
      for (const [itemKind, n] of Object.entries(expected.counts))
        assert.equal(report.items.filter((item) => item.kind === itemKind).length, n, itemKind);
      assert.equal(report.counts.article.imported, 120);
      assert.equal(report.isRolledBack, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
