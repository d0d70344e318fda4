import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

// A small WordPress export of our own: one post (ID 42) filed under a sub-category and a tag,
// and one page (ID 7).
const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Old Gazette</title>
  <link>https://old.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example</wp:base_site_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>ana</wp:author_login><wp:author_display_name><![CDATA[Ana Reis]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>harbour</wp:category_nicename><wp:category_parent>news</wp:category_parent><wp:cat_name><![CDATA[Harbour]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>rivers</wp:tag_slug><wp:tag_name><![CDATA[Rivers]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>lakes</wp:tag_slug><wp:tag_name><![CDATA[Lakes]]></wp:tag_name></wp:tag>
  <item>
    <title>River accounts</title>
    <link>https://old.example/2020/06/river-accounts/</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <category domain="category" nicename="news"><![CDATA[News]]></category>
    <category domain="category" nicename="harbour"><![CDATA[Harbour]]></category>
    <category domain="post_tag" nicename="rivers"><![CDATA[Rivers]]></category>
    <content:encoded><![CDATA[<p>Where the river money went.</p>]]></content:encoded>
    <wp:post_id>42</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>river-accounts</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
  <item>
    <title>About the gazette</title>
    <link>https://old.example/about-the-gazette/</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <content:encoded><![CDATA[<p>Who we are.</p>]]></content:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>about-the-gazette</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>page</wp:post_type>
  </item>
</channel>
</rss>
`;

for (const kind of DATABASE_KINDS) {
  describe(`health check and old WordPress links over HTTP on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let base: string;
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-legacy-'));

    before(async () => {
      t = await createTestWiring(kind);
      const file = path.join(dir, 'export.xml');
      writeFileSync(file, WXR);
      const report = await importWordPress(t.wiring, file);
      assert.deepEqual(report.skipped, []);
      assert.equal(report.counts.article.imported, 1);
      assert.equal(report.counts.page.imported, 1);
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

    test('redirects /?p=ID and /?page_id=ID to where the import put them, with 301', async () => {
      for (const [url, location] of [
        ['/?p=42', '/articles/river-accounts'],
        ['/index.php?p=42', '/articles/river-accounts'],
        ['/?utm_source=mail&p=42&replytocom=3', '/articles/river-accounts'],
        ['/?page_id=7', '/about-the-gazette'],
      ] as const) {
        for (const method of ['GET', 'HEAD']) {
          const res = await fetch(`${base}${url}`, { method, redirect: 'manual' });
          assert.equal(res.status, 301, `${method} ${url}`);
          assert.equal(res.headers.get('location'), location, `${method} ${url}`);
          await res.body?.cancel();
        }
      }
      const followed = await fetch(`${base}/?p=42`);
      assert.equal(followed.status, 200);
      assert.equal(new URL(followed.url).pathname, '/articles/river-accounts');
      assert.match(await followed.text(), /River accounts/);
    });

    test('an ID the import never saw (or whose item failed) answers 404 in each WordPress query form, not the home page', async () => {
      for (const url of [
        '/?p=999999',
        '/index.php?p=999999',
        '/?p=999999&replytocom=3',
        '/?page_id=999',
        '/?attachment_id=999',
        '/?cat=999',
        '/?tag=no-such-tag',
        '/?author=999',
      ]) {
        for (const method of ['GET', 'HEAD']) {
          const res = await fetch(`${base}${url}`, { method, redirect: 'manual' });
          assert.equal(res.status, 404, `${method} ${url}`);
          assert.equal(res.headers.get('location'), null, url);
          if (method === 'GET') assert.match(await res.text(), /<html[\s\S]*not found/i, url);
          else await res.body?.cancel();
        }
      }
    });

    test('a WordPress query key whose value names nothing answers 404, not the home page', async () => {
      for (const url of [
        '/?p=42x',
        '/?p=-1',
        '/?p[]=101',
        '/?p=1e3',
        '/?p=0x65',
        '/?p=101abc',
        '/?p=+101',
        '/?p=%E2%80%AE101',
        '/?p=',
        '/?page_id[]=51',
        '/?cat=-3',
        '/?tag[]=rivers',
        '/?tag=%2F%2Fevil.example',
        '/?author=2.0',
        '/?attachment_id=%20201',
      ]) {
        const res = await fetch(`${base}${url}`, { redirect: 'manual' });
        assert.equal(res.status, 404, url);
        assert.equal(res.headers.get('location'), null, url);
        await res.body?.cancel();
      }
    });

    test('a WordPress query id is read as WordPress reads it: leading zeros dropped, the last of repeated keys', async () => {
      for (const url of ['/?p=042', '/?p=999999&p=42', '/index.php?p=0042']) {
        const res = await fetch(`${base}${url}`, { redirect: 'manual' });
        assert.equal(res.status, 301, url);
        assert.equal(res.headers.get('location'), '/articles/river-accounts', url);
        await res.body?.cancel();
      }
      const res = await fetch(`${base}/?p=42&p=999999`, { redirect: 'manual' });
      assert.equal(res.status, 404);
      await res.body?.cancel();
    });

    test('another query is the home page, not a redirect', async () => {
      for (const url of ['/?post=42', '/?utm_source=mail', '/?s=water']) {
        const res = await fetch(`${base}${url}`, { redirect: 'manual' });
        assert.equal(res.status, 200, url);
        assert.equal(res.headers.get('location'), null, url);
        assert.match(await res.text(), /<html/);
      }
      const post = await fetch(`${base}/?p=42`, { method: 'POST', redirect: 'manual' });
      assert.notEqual(post.status, 301);
      await post.body?.cancel();
    });

    test('old WordPress feed, listing and archive addresses answer 301 to their nearest equivalent', async () => {
      for (const [from, to] of [
        ['/feed/', '/feed.xml'],
        ['/feed', '/feed.xml'],
        ['/feed/rss2/', '/feed.xml'],
        ['/feed/atom/', '/feed.atom'],
        ['/comments/feed/', '/feed.xml'],
        ['/?feed=rss2', '/feed.xml'],
        ['/?feed=atom', '/feed.atom'],
        ['/?feed=comments-rss2', '/feed.xml'],
        ['/page/2/', '/?page=2'],
        ['/category/news/', '/theme/news'],
        ['/category/news/harbour/', '/theme/harbour'],
        ['/category/harbour/', '/theme/harbour'],
        ['/category/news/feed/', '/theme/news/feed.xml'],
        ['/category/news/harbour/feed/atom/', '/theme/harbour/feed.atom'],
        ['/category/news/page/2/', '/theme/news?page=2'],
        ['/tag/rivers/feed/', '/tag/rivers/feed.xml'],
        ['/tag/rivers/page/3/', '/tag/rivers?page=3'],
        ['/author/ana/', '/authors/ana'],
        ['/author/ana/feed/', '/authors/ana/feed.xml'],
        ['/author/ana/page/2/', '/authors/ana?page=2'],
        ['/2020/06/river-accounts/feed/', '/articles/river-accounts'],
        ['/about-the-gazette/feed/', '/about-the-gazette'],
        ['/2020/06/', '/articles'],
        ['/2020/', '/articles'],
        ['/2020/06/01/', '/articles'],
        ['/2020/06/page/2/', '/articles'],
      ] as const) {
        const res = await fetch(`${base}${from}`, { redirect: 'manual' });
        assert.equal(res.status, 301, from);
        assert.equal(res.headers.get('location'), to, from);
        assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+/, from);
        await res.body?.cancel();
      }
      const feed = await fetch(`${base}/feed/`);
      assert.equal(feed.status, 200);
      assert.match(await feed.text(), /<title>River accounts<\/title>/);
      const termFeed = await fetch(`${base}/category/news/harbour/feed/`);
      assert.equal(termFeed.status, 200);
      assert.match(await termFeed.text(), /River accounts/);
    });

    test('addresses of the same forms that name nothing here stay 404', async () => {
      for (const url of [
        '/category/nothing/feed/',
        '/author/nobody/',
        '/nothing/feed/',
        '/2020/13/',
        '/tag/rivers/page/0/',
        // A tag no published article carries has no page here: 404 at once, not a 301 to a 404.
        '/tag/lakes/',
        '/tag/lakes/feed/',
        '/tag/lakes/page/2/',
        '/?tag=lakes',
      ]) {
        const res = await fetch(`${base}${url}`, { redirect: 'manual' });
        assert.equal(res.status, 404, url);
        await res.body?.cancel();
      }
      const home = await fetch(`${base}/?feed=nonsense`, { redirect: 'manual' });
      assert.equal(home.status, 200);
      await home.body?.cancel();
    });

    test('/healthz answers 503 within seconds while every database connection is held', async () => {
      // Long work holds every connection (one for SQLite, the pool's ten for PostgreSQL): a
      // health check waiting its turn would leave the monitor hanging instead of answering.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holders = Array.from({ length: 10 }, () => t.wiring.store.transaction(() => held));
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const started = Date.now();
        const busy = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(20_000) });
        assert.equal(busy.status, 503);
        assert.deepEqual(await busy.json(), { status: 'unavailable', database: 'not answering' });
        assert.ok(Date.now() - started < 15_000, `answered after ${Date.now() - started} ms`);
      } finally {
        release();
        await Promise.all(holders);
      }
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    });

    test('/healthz answers 200 while the database answers, and 503 once it does not', async () => {
      const up = await fetch(`${base}/healthz`);
      assert.equal(up.status, 200);
      assert.deepEqual(await up.json(), { status: 'ok' });
      // PostgreSQL: the database is dropped under the running app (its connections are ended).
      // SQLite: the app's connection to its file is closed, the nearest it comes to going down.
      if (kind === 'postgres') await t.database.drop();
      else await t.wiring.close();
      const down = await fetch(`${base}/healthz`);
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await down.json(), { status: 'unavailable', database: 'not answering' });
      // A reader's page meanwhile is an error page with a reference, not the database's message:
      // a database gone away is a 503 to come back after; a connection closed under the app is a bug.
      const page = await fetch(`${base}/articles/not-cached-anywhere`);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const body = await page.text();
      if (kind === 'postgres') {
        assert.equal(page.status, 503);
        assert.equal(page.headers.get('retry-after'), '30');
        assert.match(body, /The database is not answering at the moment\./);
      } else {
        assert.equal(page.status, 500);
        assert.match(body, /Something went wrong\./);
      }
      assert.match(body, /Reference: <code>[0-9a-f-]{36}<\/code>/);
      assert.doesNotMatch(body, /statusCode|does not exist|destroyed|not open|3D000/i);
    });
  });
}
