import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { mediaDir as mediaDirOf } from '../../src/adapters/media-store.ts';
import { buildApp } from '../../src/app.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

// A small export of our own. Post 10 links forward to post 11 and to page 7 by several of the
// old site's address forms, and uses uploads by their size and edit variants; post 11 links back
// to post 10 and has an attachment as its featured image.
const UPLOADS = 'https://old.example/wp-content/uploads/2020/06';
const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Old Gazette</title>
  <link>https://old.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example</wp:base_site_url>
  <wp:base_blog_url>https://old.example</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>ana.reis</wp:author_login><wp:author_display_name><![CDATA[Ana Reis]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>harbour</wp:category_nicename><wp:category_parent>news</wp:category_parent><wp:cat_name><![CDATA[Harbour]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>rivers</wp:tag_slug><wp:tag_name><![CDATA[Rivers]]></wp:tag_name></wp:tag>
  <item>
    <title>First</title>
    <link>https://old.example/2020/06/first/</link>
    <dc:creator><![CDATA[ana.reis]]></dc:creator>
    <category domain="category" nicename="harbour"><![CDATA[Harbour]]></category>
    <category domain="post_tag" nicename="rivers"><![CDATA[Rivers]]></category>
    <content:encoded><![CDATA[<p>Read <a href="https://www.old.example/2020/07/second/">the second</a>, <a href="http://old.example/?p=11#comments">its comments</a>, <a href="//old.example/?page_id=7">about us</a> and <a href="https://other.example/2020/07/second/">elsewhere</a>.</p>
<p><img src="${UPLOADS}/photo-300x169.jpg" alt="A river" srcset="${UPLOADS}/photo-300x169.jpg 300w, ${UPLOADS}/photo-1024x576.jpg 1024w" /></p>
<p><img src="${UPLOADS}/big-1024x768.jpg" alt="Big" /> <img src="${UPLOADS}/edited-e1591000000-300x200.jpg" alt="Edited" /></p>
<p><a href="/wp-content/uploads/2020/06/report.pdf">The report</a> and <img src="${UPLOADS}/gone-300x169.jpg" alt="Gone" /></p>]]></content:encoded>
    <wp:post_id>10</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>first</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
  <item>
    <title>Second</title>
    <link>https://old.example/2020/07/second/</link>
    <dc:creator><![CDATA[ana.reis]]></dc:creator>
    <content:encoded><![CDATA[<p>Back to <a href="/2020/06/first/">the first</a>, <a href="https://old.example/2020/06/02/first/">dated otherwise</a>, <a href="https://old.example/2020/06/first/photo/">its photo's page</a>. <img src="${UPLOADS}/gone.jpg" alt="Gone again" /></p>]]></content:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date_gmt>2020-07-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>second</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>20</wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>photo</title>
    <link>https://old.example/2020/06/first/photo/</link>
    <guid isPermaLink="false">${UPLOADS}/photo.jpg</guid>
    <wp:post_id>20</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:status>inherit</wp:status>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>${UPLOADS}/photo.jpg</wp:attachment_url>
    <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>A river</wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>About the gazette</title>
    <link>https://old.example/about-the-gazette/</link>
    <dc:creator><![CDATA[ana.reis]]></dc:creator>
    <content:encoded><![CDATA[<p>Start with <a href="https://old.example/2020/06/first/">our first post</a>.</p>]]></content:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>about-the-gazette</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>page</wp:post_type>
  </item>
</channel>
</rss>
`;

const FILES = [
  'photo.jpg',
  'photo-300x169.jpg',
  'photo-1024x576.jpg',
  'big.jpg',
  'big-scaled.jpg',
  'big-1024x768.jpg',
  'edited.jpg',
  'report.pdf',
];

for (const kind of DATABASE_KINDS) {
  describe(`WordPress links and uploads come across on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let base: string;
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-wp-links-'));
    const file = path.join(dir, 'export.xml');
    const uploadsDir = path.join(dir, 'uploads');
    let mediaDir = '';
    let report: Awaited<ReturnType<typeof importWordPress>>;

    before(async () => {
      t = await createTestWiring(kind);
      // Where the server serves media from, as the command line passes it.
      mediaDir = mediaDirOf(t.wiring.config.data.dir);
      writeFileSync(file, WXR);
      mkdirSync(path.join(uploadsDir, '2020', '06'), { recursive: true });
      for (const name of FILES) writeFileSync(path.join(uploadsDir, '2020', '06', name), `bytes of ${name}`);
      report = await importWordPress(t.wiring, file, { uploadsDir, mediaDir });
      app = await buildApp(t.wiring, { shouldLog: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      assert.ok(address && typeof address === 'object');
      base = `http://127.0.0.1:${address.port}`;
    });
    after(async () => {
      await app?.close();
      await t?.cleanup().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    });

    test('links to the old site’s posts and pages lead to the new articles and pages, forward ones too', async () => {
      const first = await t.wiring.store.articles.findBySlug('first');
      const second = await t.wiring.store.articles.findBySlug('second');
      assert.ok(first && second);
      assert.match(first.bodyMarkdown, /\[the second\]\(\/articles\/second\)/);
      assert.match(first.bodyMarkdown, /\[its comments\]\(\/articles\/second#comments\)/);
      assert.match(first.bodyMarkdown, /\[about us\]\(\/about-the-gazette\)/);
      assert.match(first.bodyMarkdown, /\[elsewhere\]\(https:\/\/other\.example\/2020\/07\/second\/\)/);
      assert.match(first.bodyHtml, /href="\/articles\/second"/);
      assert.match(second.bodyMarkdown, /\[the first\]\(\/articles\/first\)/);
      // A permalink with another date names the post by its slug, as WordPress guesses it.
      assert.match(second.bodyMarkdown, /\[dated otherwise\]\(\/articles\/first\)/);
      // An attachment's page leads to the file (an item written after the post that links to it).
      assert.match(second.bodyMarkdown, /\[its photo's page\]\(\/media\/wordpress\/2020\/06\/photo\.jpg\)/);
      const page = await t.wiring.store.pages.findBySlug('about-the-gazette');
      assert.match(page?.bodyMarkdown ?? '', /\[our first post\]\(\/articles\/first\)/);
      // The forward links were pointed here after the import wrote their targets: a second revision.
      const revisions = await t.wiring.store.revisions.list('article', first.id);
      assert.equal(revisions.length, 2);
    });

    test('uploads in bodies and featured images point at the media library’s copies, variants at their original', async () => {
      const first = await t.wiring.store.articles.findBySlug('first');
      const second = await t.wiring.store.articles.findBySlug('second');
      assert.ok(first && second);
      const body = first.bodyMarkdown;
      assert.match(body, /!\[A river\]\(\/media\/wordpress\/2020\/06\/photo\.jpg\)/);
      assert.match(body, /!\[Big\]\(\/media\/wordpress\/2020\/06\/big-scaled\.jpg\)/);
      assert.match(body, /!\[Edited\]\(\/media\/wordpress\/2020\/06\/edited\.jpg\)/);
      assert.match(body, /\[The report\]\(\/media\/wordpress\/2020\/06\/report\.pdf\)/);
      // Not in the uploads folder: a link to its address at the old site (readers' pages ask
      // nothing of it), and listed.
      assert.match(
        body,
        /\[Image: Gone, on old\.example\]\(https:\/\/old\.example\/wp-content\/uploads\/2020\/06\/gone-300x169\.jpg\)/,
      );
      assert.match(
        second.bodyMarkdown,
        /\[Image: Gone again, on old\.example\]\(https:\/\/old\.example\/wp-content\/uploads\/2020\/06\/gone\.jpg\)/,
      );
      assert.equal(second.featuredImage, '/media/wordpress/2020/06/photo.jpg');
      assert.equal(second.featuredImageAlt, 'A river');
      for (const name of ['photo.jpg', 'big-scaled.jpg', 'edited.jpg', 'report.pdf'])
        assert.ok(existsSync(path.join(mediaDir, 'wordpress', '2020', '06', name)), name);
      const media = await t.wiring.store.media.listAll();
      assert.deepEqual(
        media.map((m) => [m.url, m.localPath]),
        [['/media/wordpress/2020/06/photo.jpg', 'wordpress/2020/06/photo.jpg']],
      );
      const missing = report.skipped.filter((s) => s.kind === 'media');
      assert.deepEqual(
        missing.map((s) => s.ref).sort(),
        [`${UPLOADS}/gone-300x169.jpg`, `${UPLOADS}/gone.jpg`],
        'each missing file is listed once',
      );
      assert.match(missing[0]?.reason ?? '', /is not in the uploads folder \(first used by post 1[01] /);
      const served = await fetch(`${base}/media/wordpress/2020/06/report.pdf`);
      assert.equal(served.status, 200);
      assert.equal(await served.text(), 'bytes of report.pdf');
    });

    test('running the import again changes nothing', async () => {
      const before = await t.wiring.store.articles.findBySlug('second');
      const again = await importWordPress(t.wiring, file, { uploadsDir, mediaDir });
      assert.equal(again.counts.article.unchanged, 2);
      assert.equal(again.counts.article.updated, 0);
      assert.equal(again.counts.page.unchanged, 1);
      assert.equal(again.counts.media.unchanged, 1);
      const first = await t.wiring.store.articles.findBySlug('first');
      assert.equal((await t.wiring.store.revisions.list('article', first?.id ?? 0)).length, 2);
      assert.equal((await t.wiring.store.articles.findBySlug('second'))?.bodyMarkdown, before?.bodyMarkdown);
    });
  });
}

/** A site that lived in a folder of its host (https://old.example/blog), not at its root. */
const SUBDIRECTORY_WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Folder Gazette</title>
  <link>https://old.example/blog</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example/blog</wp:base_site_url>
  <wp:base_blog_url>https://old.example/blog</wp:base_blog_url>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login>ana</wp:author_login><wp:author_display_name><![CDATA[Ana Reis]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
  <item>
    <title>Dated</title>
    <link>https://old.example/blog/2019/05/dated/</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <content:encoded><![CDATA[<p>See <a href="https://old.example/blog/?p=124">the plain one</a>.</p>]]></content:encoded>
    <wp:post_id>123</wp:post_id>
    <wp:post_date_gmt>2019-05-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>dated</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <category domain="category" nicename="news"><![CDATA[News]]></category>
  </item>
  <item>
    <title>Plain</title>
    <link>https://old.example/blog/?p=124</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <content:encoded><![CDATA[<p>Plain permalinks.</p>]]></content:encoded>
    <wp:post_id>124</wp:post_id>
    <wp:post_date_gmt>2019-05-02 10:00:00</wp:post_date_gmt>
    <wp:post_name>plain</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
  <item>
    <title>Colophon</title>
    <link>https://old.example/blog/colophon/</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <content:encoded><![CDATA[<p>Set in type.</p>]]></content:encoded>
    <wp:post_id>125</wp:post_id>
    <wp:post_date_gmt>2019-05-03 10:00:00</wp:post_date_gmt>
    <wp:post_name>colophon</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>page</wp:post_type>
  </item>
</channel>
</rss>
`;

for (const kind of DATABASE_KINDS) {
  describe(`a WordPress site in a folder of its host on ${kind}`, () => {
    test('its permalinks and ?p=, ?page_id=, ?cat= and ?author= links under the folder lead to the new pages', async () => {
      const t = await createTestWiring(kind);
      const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-wp-folder-'));
      const app = await buildApp(t.wiring, { shouldLog: false });
      try {
        const file = path.join(dir, 'export.xml');
        writeFileSync(file, SUBDIRECTORY_WXR);
        await importWordPress(t.wiring, file);
        const moved = async (url: string) => {
          const reply = await app.inject({ method: 'GET', url });
          assert.equal(reply.statusCode, 301, `${url} answered ${reply.statusCode}`);
          return reply.headers.location;
        };
        assert.equal(await moved('/blog/2019/05/dated/'), '/articles/dated');
        assert.equal(await moved('/blog/?p=123'), '/articles/dated');
        assert.equal(await moved('/blog/index.php?p=123'), '/articles/dated');
        assert.equal(await moved('/blog/?p=124'), '/articles/plain');
        assert.equal(await moved('/blog/?page_id=125'), '/colophon');
        assert.equal(await moved('/blog/colophon/'), '/colophon');
        assert.match(String(await moved('/blog/?cat=3')), /\/news$/);
        assert.match(String(await moved('/blog/category/news/')), /\/news$/);
        assert.match(String(await moved('/blog/?author=2')), /ana/);
        // The folder itself is not a post: the plain permalink gave it no redirect.
        assert.notEqual(
          (await app.inject({ method: 'GET', url: '/blog/' })).headers.location,
          '/articles/plain',
        );
        // A link in a body by ?p= under the folder leads to the post too.
        const dated = await t.wiring.store.articles.findBySlug('dated');
        assert.match(dated?.bodyMarkdown ?? '', /\[the plain one\]\(\/articles\/plain\)/);
      } finally {
        await app.close();
        await t.cleanup();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('its home, feeds, listing pages and date archives under the folder lead to ours', async () => {
      const t = await createTestWiring(kind);
      const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-wp-folder-feeds-'));
      const app = await buildApp(t.wiring, { shouldLog: false });
      try {
        const file = path.join(dir, 'export.xml');
        writeFileSync(file, SUBDIRECTORY_WXR);
        await importWordPress(t.wiring, file);
        const moved = async (url: string) => {
          const reply = await app.inject({ method: 'GET', url });
          assert.equal(reply.statusCode, 301, `${url} answered ${reply.statusCode}`);
          return String(reply.headers.location);
        };
        assert.equal(await moved('/blog/'), '/');
        assert.equal(await moved('/blog'), '/');
        assert.equal(await moved('/blog/index.php'), '/');
        assert.equal(await moved('/blog/feed/'), '/feed.xml');
        assert.equal(await moved('/blog/feed/rss2/'), '/feed.xml');
        assert.equal(await moved('/blog/feed/atom/'), '/feed.atom');
        assert.equal(await moved('/blog/comments/feed/'), '/feed.xml');
        assert.equal(await moved('/blog/?feed=rss2'), '/feed.xml');
        assert.equal(await moved('/blog/?feed=atom'), '/feed.atom');
        assert.equal(await moved('/blog/page/2/'), '/?page=2');
        assert.equal(await moved('/blog/2019/'), '/articles');
        assert.equal(await moved('/blog/2019/05/'), '/articles');
        assert.equal(await moved('/blog/2019/05/page/2/'), '/articles');
        const news = await moved('/blog/category/news/');
        assert.equal(await moved('/blog/category/news/feed/'), `${news}/feed.xml`);
        assert.equal(await moved('/blog/category/news/page/2/'), `${news}?page=2`);
        const author = await moved('/blog/author/ana/');
        assert.equal(await moved('/blog/author/ana/feed/'), `${author}/feed.xml`);
        // A post's own feed (its comments) leads to the post.
        assert.equal(await moved('/blog/2019/05/dated/feed/'), '/articles/dated');
        // Outside the folder, nothing was the old site's.
        assert.equal((await app.inject({ method: 'GET', url: '/elsewhere/feed/' })).statusCode, 404);
        assert.equal((await app.inject({ method: 'GET', url: '/elsewhere/2019/05/' })).statusCode, 404);
      } finally {
        await app.close();
        await t.cleanup();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
