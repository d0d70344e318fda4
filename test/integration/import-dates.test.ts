import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MigrationReport } from '../../src/domain/migration-report.ts';
import { sitemapFile, sitemapIndex } from '../../src/services/discovery/sitemaps.ts';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

// Imports run at the test clock's time (2026); every date in these files is years older, so a
// lastmod of the import time cannot pass for the source's.
function item(fields: { id: number; type: string; slug: string; date: string; modified: string }): string {
  return `<item>
  <title>${fields.slug}</title>
  <dc:creator><![CDATA[keeper]]></dc:creator>
  <content:encoded><![CDATA[<p>About ${fields.slug}.</p>]]></content:encoded>
  <wp:post_id>${fields.id}</wp:post_id>
  <wp:post_date_gmt>${fields.date}</wp:post_date_gmt>
  <wp:post_modified_gmt>${fields.modified}</wp:post_modified_gmt>
  <wp:post_name>${fields.slug}</wp:post_name>
  <wp:status>publish</wp:status>
  <wp:post_type>${fields.type}</wp:post_type>
  <category domain="category" nicename="weather"><![CDATA[Weather]]></category>
</item>`;
}

const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Lighthouse</title>
  <link>https://light.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login>keeper</wp:author_login><wp:author_display_name>Kit Keeper</wp:author_display_name></wp:author>
  ${item({ id: 1, type: 'post', slug: 'fog', date: '2015-03-02 10:00:00', modified: '2016-01-02 03:04:05' })}
  ${item({ id: 2, type: 'post', slug: 'gale', date: '2015-03-09 10:00:00', modified: '2017-04-05 06:07:08' })}
  ${item({ id: 3, type: 'post', slug: 'calm', date: '2015-04-01 10:00:00', modified: '2015-04-01 10:00:00' })}
  ${item({ id: 4, type: 'page', slug: 'about', date: '2014-01-01 00:00:00', modified: '2018-02-03 04:05:06' })}
</channel>
</rss>`;

const GHOST = JSON.stringify({
  db: [
    {
      meta: { exported_on: 1700000000000, version: '5.75.0' },
      data: {
        posts: [
          {
            id: 'p1',
            title: 'Contact',
            slug: 'contact',
            html: '<p>Write to us.</p>',
            type: 'page',
            status: 'published',
            created_at: '2019-01-01T00:00:00.000Z',
            updated_at: '2019-06-07T08:09:10.000Z',
            published_at: '2019-01-01T00:00:00.000Z',
          },
          {
            id: 'p2',
            title: 'Buoys',
            slug: 'buoys',
            html: '<p>Red to port.</p>',
            type: 'post',
            status: 'published',
            created_at: '2018-12-30T09:00:00.000Z',
            updated_at: '2019-02-03T04:05:06.000Z',
            published_at: '2019-01-02T00:00:00.000Z',
          },
        ],
      },
    },
  ],
});

function lastmodOf(xml: string | undefined, loc: string): string | undefined {
  const escaped = loc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<loc>[^<]*${escaped}</loc><lastmod>([^<]+)</lastmod>`).exec(xml ?? '')?.[1];
}

for (const kind of DATABASE_KINDS) {
  describe(`imported dates in sitemaps on ${kind}`, () => {
    let t: TestWiring;
    let folder: string;
    let ghostReport: MigrationReport;
    before(async () => {
      t = await createTestWiring(kind);
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-dates-'));
      writeFileSync(path.join(folder, 'site.xml'), WXR);
      writeFileSync(path.join(folder, 'ghost.json'), GHOST);
      await importWordPress(t.wiring, path.join(folder, 'site.xml'));
      ghostReport = await importGhost(t.wiring, path.join(folder, 'ghost.json'));
    });
    after(async () => {
      await t.cleanup();
      rmSync(folder, { recursive: true, force: true });
    });

    test('the sitemap index dates each month by the newest change among its articles', async () => {
      const index = await sitemapIndex(t.wiring);
      assert.equal(lastmodOf(index, '/sitemaps/articles-2015-03.xml'), '2017-04-05T06:07:08.000Z');
      assert.equal(lastmodOf(index, '/sitemaps/articles-2015-04.xml'), '2015-04-01T10:00:00.000Z');
      const month = await sitemapFile(t.wiring, 'articles-2015-03.xml');
      assert.equal(lastmodOf(month, '/articles/gale'), '2017-04-05T06:07:08.000Z');
    });

    test('terms and authors are dated by their newest article, not the import', async () => {
      assert.equal(
        lastmodOf(await sitemapFile(t.wiring, 'terms.xml'), '/weather'),
        '2017-04-05T06:07:08.000Z',
      );
      assert.match(
        (await sitemapFile(t.wiring, 'authors.xml')) ?? '',
        /<lastmod>2017-04-05T06:07:08.000Z<\/lastmod>/,
      );
    });

    test('imported pages keep the modified date of WordPress and of Ghost', async () => {
      const pages = await sitemapFile(t.wiring, 'pages.xml');
      assert.equal(lastmodOf(pages, '/about'), '2018-02-03T04:05:06.000Z');
      assert.equal(lastmodOf(pages, '/contact'), '2019-06-07T08:09:10.000Z');
      const about = await t.wiring.store.pages.findBySlug('about');
      assert.equal(about?.createdAt, '2014-01-01T00:00:00.000Z');
    });

    test('imported articles were made when the source says (post_date_gmt, created_at), not at the import', async () => {
      assert.equal((await t.wiring.store.articles.findBySlug('fog'))?.createdAt, '2015-03-02T10:00:00.000Z');
      assert.equal(
        (await t.wiring.store.articles.findBySlug('buoys'))?.createdAt,
        '2018-12-30T09:00:00.000Z',
      );
    });

    test('a Ghost post with no known author is imported with none, and the report says so', async () => {
      const buoys = await t.wiring.store.articles.findBySlug('buoys');
      assert.deepEqual(buoys?.authorIds, []);
      const post = ghostReport.items.find((i) => i.kind === 'post' && i.title === 'Buoys');
      assert.equal(post?.outcome, 'imported');
      assert.match(post?.reason ?? '', /names no author; imported with no author \(no byline\)/);
      assert.ok(ghostReport.warnings.some((w) => w.includes('names no author')));
    });
  });
}
