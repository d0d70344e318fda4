import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { importGhost } from '../../src/services/import/ghost.ts';

const EDITED_HERE = 'edited here since the last import; left as it was';

import { importWordPress } from '../../src/services/import/wordpress.ts';
import { savePageIn } from '../../src/services/pages.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

function item(fields: { id: number; type: string; slug: string; body: string; meta?: string }): string {
  return `<item>
  <title>${fields.slug}</title>
  <dc:creator><![CDATA[keeper]]></dc:creator>
  <content:encoded><![CDATA[${fields.body}]]></content:encoded>
  <wp:post_id>${fields.id}</wp:post_id>
  <wp:post_date_gmt>2015-03-02 10:00:00</wp:post_date_gmt>
  <wp:post_modified_gmt>2016-01-02 03:04:05</wp:post_modified_gmt>
  <wp:post_name>${fields.slug}</wp:post_name>
  <wp:status>publish</wp:status>
  <wp:post_type>${fields.type}</wp:post_type>
  ${fields.meta ?? ''}
</item>`;
}

function wxr(...items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Harbour</title>
  <link>https://harbour.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login>keeper</wp:author_login><wp:author_display_name>Kit Keeper</wp:author_display_name></wp:author>
  ${items.join('\n')}
</channel>
</rss>`;
}

const POST = item({ id: 501, type: 'post', slug: 'tides', body: '<p>The tide comes in.</p>' });
const PAGE = item({ id: 502, type: 'page', slug: 'about', body: '<p>About the harbour.</p>' });

function ghost(html: string, title = 'Moorings'): string {
  return JSON.stringify({
    db: [
      {
        meta: { exported_on: 1700000000000, version: '5.75.0' },
        data: {
          posts: [
            {
              id: 'g1',
              title,
              slug: 'moorings',
              html,
              type: 'post',
              status: 'published',
              created_at: '2019-01-01T00:00:00.000Z',
              updated_at: '2019-06-07T08:09:10.000Z',
              published_at: '2019-01-01T00:00:00.000Z',
            },
          ],
        },
      },
    ],
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`re-running an import on ${kind}`, () => {
    let t: TestWiring;
    let folder: string;
    const file = (name: string, text: string) => {
      const at = path.join(folder, name);
      writeFileSync(at, text);
      return at;
    };
    before(async () => {
      t = await createTestWiring(kind);
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-reruns-'));
    });
    after(async () => {
      await t.cleanup();
      rmSync(folder, { recursive: true, force: true });
    });

    test('an article and a page edited here since the import are left as they were, and said so', async () => {
      const site = file('site.xml', wxr(POST, PAGE));
      await importWordPress(t.wiring, site);
      const imported = await t.wiring.store.articles.findBySlug('tides');
      assert.ok(imported);
      await saveArticle(
        t.wiring,
        { ...draftOf(imported), bodyMarkdown: 'The tide comes in twice a day.' },
        { actor: 'editor', id: imported.id },
      );
      const edited = await t.wiring.store.articles.findBySlug('tides');
      const page = await t.wiring.store.pages.findBySlug('about');
      assert.ok(edited && page);
      await t.wiring.store.transaction((repos) =>
        savePageIn(
          repos,
          { ...page, bodyMarkdown: 'About the harbour and its keepers.' },
          { actor: 'editor', now: t.wiring.now(), id: page.id },
        ),
      );
      const editedPage = await t.wiring.store.pages.findBySlug('about');

      const report = await importWordPress(t.wiring, site);

      const after = await t.wiring.store.articles.findBySlug('tides');
      assert.equal(after?.bodyMarkdown, 'The tide comes in twice a day.');
      assert.equal(after?.updatedAt, edited.updatedAt);
      assert.equal(after?.version, edited.version);
      const pageAfter = await t.wiring.store.pages.findBySlug('about');
      assert.equal(pageAfter?.bodyMarkdown, 'About the harbour and its keepers.');
      assert.equal(pageAfter?.updatedAt, editedPage?.updatedAt);
      assert.equal(report.counts.article.updated, 0);
      assert.equal(report.counts.page.updated, 0);
      const post = report.items.find((i) => i.kind === 'item' && i.id === '501');
      assert.deepEqual([post?.outcome, post?.reason], ['skipped', EDITED_HERE]);
      const aboutItem = report.items.find((i) => i.id === '502');
      assert.deepEqual([aboutItem?.outcome, aboutItem?.reason], ['skipped', EDITED_HERE]);
      assert.ok(report.skipped.some((s) => s.kind === 'article' && s.reason === EDITED_HERE));
    });

    test('what nobody edited here is still updated from a changed source', async () => {
      const site = file(
        'changed.xml',
        wxr(item({ id: 601, type: 'post', slug: 'swell', body: '<p>A small swell.</p>' })),
      );
      await importWordPress(t.wiring, site);
      file('changed.xml', wxr(item({ id: 601, type: 'post', slug: 'swell', body: '<p>A big swell.</p>' })));
      const report = await importWordPress(t.wiring, site);
      assert.equal(report.counts.article.updated, 1);
      assert.equal((await t.wiring.store.articles.findBySlug('swell'))?.bodyMarkdown, 'A big swell.');
    });

    test('titles and names with bidirectional controls read unchanged on every re-run, with no new revision', async () => {
      const rtl = '\u202Bمرفأ\u202C \u2067Harbour\u2069 \u202Enews';
      const site = file(
        'bidi.xml',
        wxr(item({ id: 701, type: 'post', slug: 'bidi-tides', body: '<p>Tides.</p>' }))
          .replace('<title>bidi-tides</title>', `<title>${rtl}</title>`)
          .replace('Kit Keeper', `Kit \u2067Keeper\u2069`),
      );
      const ghostExport = JSON.parse(
        ghost('<p>Ropes.</p>', rtl).replaceAll('"moorings"', '"bidi-moorings"').replace('"g1"', '"g-bidi"'),
      );
      Object.assign(ghostExport.db[0].data, {
        users: [{ id: 'u-bidi', name: 'Ana \u202EWriter', slug: 'ana-bidi' }],
        posts_authors: [{ post_id: 'g-bidi', author_id: 'u-bidi', sort_order: 0 }],
      });
      const ghostFile = file('bidi-ghost.json', JSON.stringify(ghostExport));
      const history = async (slug: string) => {
        const article = await t.wiring.store.articles.findBySlug(slug);
        assert.ok(article, slug);
        return (await t.wiring.store.revisions.list('article', article.id)).length;
      };
      await importWordPress(t.wiring, site);
      await importGhost(t.wiring, ghostFile);
      const before = [await history('bidi-tides'), await history('bidi-moorings')];
      for (let run = 0; run < 2; run += 1) {
        const wordpress = await importWordPress(t.wiring, site);
        assert.equal(wordpress.counts.article.updated, 0, `WordPress run ${run + 2}`);
        assert.equal(wordpress.counts.article.unchanged, 1);
        assert.equal(wordpress.counts.person.updated, 0);
        const fromGhost = await importGhost(t.wiring, ghostFile);
        assert.equal(fromGhost.counts.article.updated, 0, `Ghost run ${run + 2}`);
        assert.equal(fromGhost.counts.article.unchanged, 1);
        assert.equal(fromGhost.counts.person.updated, 0, `Ghost run ${run + 2}`);
      }
      assert.deepEqual([await history('bidi-tides'), await history('bidi-moorings')], before);
      assert.equal((await t.wiring.store.articles.findBySlug('bidi-tides'))?.title, 'مرفأ Harbour news');
    });

    test('a Ghost post edited here is left as it was by a re-run', async () => {
      const source = file('ghost.json', ghost('<p>Ropes and cleats.</p>'));
      await importGhost(t.wiring, source);
      const imported = await t.wiring.store.articles.findBySlug('moorings');
      assert.ok(imported);
      await saveArticle(
        t.wiring,
        { ...draftOf(imported), bodyMarkdown: 'Ropes, cleats and fenders.' },
        { actor: 'editor', id: imported.id },
      );
      file('ghost.json', ghost('<p>Ropes and cleats, again.</p>'));
      const report = await importGhost(t.wiring, source);
      assert.equal(
        (await t.wiring.store.articles.findBySlug('moorings'))?.bodyMarkdown,
        'Ropes, cleats and fenders.',
      );
      const post = report.items.find((i) => i.kind === 'post');
      assert.deepEqual([post?.outcome, post?.reason], ['skipped', EDITED_HERE]);
    });

    test('an item refused for a value too long fails, and a strict import stops', async () => {
      const longName = `<wp:postmeta><wp:meta_key>source_name</wp:meta_key><wp:meta_value>${'Harbour Gazette '.repeat(40)}</wp:meta_value></wp:postmeta>`;
      const site = file(
        'long.xml',
        wxr(
          item({ id: 701, type: 'post', slug: 'breakwater', body: '<p>Stone.</p>' }),
          item({ id: 702, type: 'post', slug: 'flood', body: '<p>Water.</p>', meta: longName }),
        ),
      );
      const strict = await importWordPress(t.wiring, site, { isStrict: true });
      assert.equal(strict.isRolledBack, true);
      assert.equal(await t.wiring.store.articles.findBySlug('breakwater'), undefined);
      const loose = await importWordPress(t.wiring, site);
      const flood = loose.items.find((i) => i.id === '702');
      assert.equal(flood?.outcome, 'failed');
      assert.match(flood?.reason ?? '', /source/i);
      assert.ok(await t.wiring.store.articles.findBySlug('breakwater'));
    });

    test('each value WordPress or Ghost gave too long is noted on its item’s line', async () => {
      const comment = `<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author>Gull</wp:comment_author>
  <wp:comment_author_url>https://gull.example/${'g'.repeat(2100)}</wp:comment_author_url>
  <wp:comment_date_gmt>2015-03-03 10:00:00</wp:comment_date_gmt><wp:comment_content>Caw.</wp:comment_content>
  <wp:comment_approved>1</wp:comment_approved></wp:comment>`;
      const longItem = item({ id: 801, type: 'post', slug: 's'.repeat(130), body: '<p>Long.</p>' })
        .replace('<title>', `<title>${'Title '.repeat(60)}`)
        .replace(
          '</wp:post_type>',
          `</wp:post_type><category domain="category" nicename="shore"><![CDATA[${'Shore '.repeat(40)}]]></category>${comment}`,
        );
      const site = file(
        'long-values.xml',
        wxr(longItem).replace('Kit Keeper', `Kit ${'Keeper '.repeat(30)}`),
      );
      const report = await importWordPress(t.wiring, site);
      const post = report.items.find((i) => i.kind === 'item' && i.id === '801');
      assert.equal(post?.outcome, 'imported');
      assert.match(
        post?.reason ?? '',
        /title shortened: it must be at most 300 characters \(this one has 490\)/,
      );
      assert.match(post?.reason ?? '', /slug shortened to 120 characters/);
      assert.match(post?.reason ?? '', /name shortened: it must be at most 200 characters/);
      const author = report.items.find((i) => i.kind === 'author');
      assert.match(author?.reason ?? '', /name shortened/);
      const gull = report.items.find((i) => i.kind === 'comment' && i.id === '9');
      assert.equal(gull?.outcome, 'imported');
      assert.match(gull?.reason ?? '', /author URL left out: it must be at most/);
      assert.ok(report.warnings.some((w) => w.includes('author URL left out')));

      const ghostReport = await importGhost(
        t.wiring,
        file('ghost-long.json', ghost('<p>Anchor.</p>', 'Anchor '.repeat(50))),
      );
      const ghostPost = ghostReport.items.find((i) => i.kind === 'post');
      assert.match(ghostPost?.reason ?? '', /title shortened/);
    });

    test('a post id used twice in one file leads to the same article on every run', async () => {
      const site = file(
        'twice.xml',
        wxr(
          item({ id: 901, type: 'post', slug: 'ebb', body: '<p>Ebb.</p>' }),
          item({ id: 901, type: 'post', slug: 'neap', body: '<p>Neap.</p>' }),
        ),
      );
      await importWordPress(t.wiring, site);
      assert.equal((await t.wiring.store.redirects.find('/?p=901'))?.toPath, '/articles/ebb');
      const again = await importWordPress(t.wiring, site);
      // ?p=901, and the author's archive.
      assert.deepEqual(again.counts.redirect, {
        imported: 0,
        updated: 0,
        unchanged: 2,
        skipped: 0,
        failed: 0,
      });
      assert.equal((await t.wiring.store.redirects.find('/?p=901'))?.toPath, '/articles/ebb');
    });
  });
}
