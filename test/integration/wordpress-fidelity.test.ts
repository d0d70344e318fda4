import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mediaDir as mediaDirOf } from '../../src/adapters/media-store.ts';
import { buildApp } from '../../src/app.ts';
import { htmlToMarkdown } from '../../src/services/import/html-to-markdown.ts';
import type { MigrationReport } from '../../src/services/import/session.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { addTerm } from '../../src/services/testing/fixtures.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';

const SHARED = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
);
/** The WordPress Theme Unit Test data set (WordPress importer test data), among the shared fixtures. */
const THEME_UNIT_TEST = path.join(SHARED, 'wxr', 'wordpress-importer', 'theme-unit-test-data.xml');
const fixtureMissing = skipUnlessCI(
  existsSync(THEME_UNIT_TEST) ? undefined : `fixture ${THEME_UNIT_TEST} absent`,
);

/** A WXR 1.2 export of the site at `site`, with the given channel-level markup and items. */
function wxr(site: string, channel: string, items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>${site}</title>
  <link>https://${site}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://${site}</wp:base_site_url>
  <wp:base_blog_url>https://${site}</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>admin</wp:author_login><wp:author_display_name><![CDATA[Site Admin]]></wp:author_display_name></wp:author>
${channel}
${items}
</channel>
</rss>`;
}

/** One published post. */
function post(
  site: string,
  fields: { id: number; slug: string; title: string; body?: string; extra?: string },
) {
  return `<item>
    <title>${fields.title}</title>
    <link>https://${site}/2020/06/${fields.slug}/</link>
    <dc:creator><![CDATA[admin]]></dc:creator>
    ${fields.extra ?? ''}
    <content:encoded><![CDATA[${fields.body ?? '<p>Text.</p>'}]]></content:encoded>
    <wp:post_id>${fields.id}</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>${fields.slug}</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>`;
}

function itemLine(report: MigrationReport, kind: string, id: string) {
  const found = report.items.find((item) => item.kind === kind && item.id === id);
  assert.ok(found, `${kind} ${id} is in the report`);
  return found;
}

for (const kind of DATABASE_KINDS) {
  describe(`WordPress import fidelity on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-wp-fidelity-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    const write = (name: string, text: string) => {
      const file = path.join(folder, name);
      writeFileSync(file, text);
      return file;
    };

    test('Spotify players in every form WordPress wrote them become links to the episode, with their title', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const id = '4rOoJ6Egrf8K2IrywzwOMk';
        const body = [
          '<p>One.</p>',
          `<iframe src="https://open.spotify.com/embed/intl-de/episode/${id}?utm_source=generator" title="Spotify Embed: Harbour talk" width="100%" height="152"></iframe>`,
          '<p>Two.</p>',
          `https://open.spotify.com/intl-fr/episode/${id}?si=a1b2`,
          '<p>Three.</p>',
          `[spotify id="https://open.spotify.com/episode/${id}" width="300"]`,
          '<p>Four.</p>',
          `<iframe src="https://embed.spotify.com/?uri=spotify:episode:${id}" width="300" height="80"></iframe>`,
        ].join('\n\n');
        const file = write(
          'spotify.xml',
          wxr('spotify.example', '', post('spotify.example', { id: 1, slug: 'pods', title: 'Pods', body })),
        );
        const report = await importWordPress(t.wiring, file);
        const markdown = (await t.wiring.store.articles.findBySlug('pods'))?.bodyMarkdown ?? '';
        const link = `(https://open.spotify.com/episode/${id})`;
        assert.equal(
          markdown,
          [
            'One.',
            `[▶ Listen on Spotify: Harbour talk]${link}`,
            'Two.',
            `[▶ Listen on Spotify]${link}`,
            'Three.',
            `[▶ Listen on Spotify]${link}`,
            'Four.',
            `[▶ Listen on Spotify]${link}`,
          ].join('\n\n'),
        );
        assert.equal(report.counts.embed.imported, 4);
      } finally {
        await t.cleanup();
      }
    });

    test('VideoPress shortcodes become links to the video, and every unknown shortcode is named once on its post', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const body = [
          '<p>Watch:</p>',
          '[wpvideo bd2G0c0g]',
          '[videopress OcobLTqC w=640 h=360]',
          '<p>A [members_only] part, [members_only] again, and [poll id="7"].</p>',
          '<p>Prose in brackets [sic] is no shortcode.</p>',
        ].join('\n\n');
        const file = write(
          'videopress.xml',
          wxr('vp.example', '', post('vp.example', { id: 1, slug: 'vp', title: 'Videos', body })),
        );
        const report = await importWordPress(t.wiring, file);
        const markdown = (await t.wiring.store.articles.findBySlug('vp'))?.bodyMarkdown ?? '';
        assert.match(markdown, /\[▶ Watch on VideoPress\]\(https:\/\/videopress\.com\/v\/bd2G0c0g\)/);
        assert.match(markdown, /\[▶ Watch on VideoPress\]\(https:\/\/videopress\.com\/v\/OcobLTqC\)/);
        assert.doesNotMatch(markdown, /wpvideo|videopress /);
        const about = (name: string) => report.warnings.filter((w) => w.includes(`[${name}]`));
        assert.equal(about('members_only').length, 1, report.warnings.join('\n'));
        assert.match(about('members_only')[0] ?? '', /"Videos".*unknown shortcode/);
        assert.equal(about('poll').length, 1, report.warnings.join('\n'));
        assert.equal(about('sic').length, 0);
      } finally {
        await t.cleanup();
      }
    });

    test('a post with no date keeps the date its first import gave it: a later run a day on changes nothing', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'undated.example';
        const undated = post(site, { id: 7, slug: 'no-date', title: 'No date' }).replace(
          /<wp:post_date_gmt>[^<]*<\/wp:post_date_gmt>/,
          '',
        );
        const file = write('undated.xml', wxr(site, '', undated));
        const first = await importWordPress(
          { ...t.wiring, now: () => new Date('2026-11-20T12:00:00.000Z') },
          file,
        );
        assert.equal(first.counts.article?.imported, 1);
        const before = (await t.wiring.store.articles.findBySlug('no-date'))!;
        assert.equal(before.publishedAt, '2026-11-20T12:00:00.000Z');
        const later = await importWordPress(
          { ...t.wiring, now: () => new Date('2026-11-21T09:30:00.000Z') },
          file,
        );
        assert.equal(itemLine(later, 'item', '7').outcome, 'unchanged');
        const after = (await t.wiring.store.articles.findBySlug('no-date'))!;
        assert.equal(after.publishedAt, before.publishedAt);
        assert.equal(after.version, before.version);
        assert.equal((await t.wiring.store.revisions.list('article', after.id)).length, 1);
      } finally {
        await t.cleanup();
      }
    });

    test('an author and a term found here rather than made say so on their lines, not only "unchanged"', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const store = t.wiring.store;
        const tag = (await store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag');
        assert.ok(tag);
        await addTerm(store, { taxonomyId: tag.id, slug: 'rivers', name: 'Rivers' });
        await store.people.insert({
          slug: 'admin',
          name: 'Site Admin',
          bio: 'Written here.',
          bioHtml: '<p>Written here.</p>',
          email: null,
          website: null,
          links: [],
          photo: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        });
        const site = 'found.example';
        const file = write(
          'found.xml',
          wxr(
            site,
            '<wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>rivers</wp:tag_slug><wp:tag_name><![CDATA[Rivers]]></wp:tag_name></wp:tag>',
            post(site, { id: 3, slug: 'found', title: 'Found' }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const author = itemLine(report, 'author', 'admin');
        assert.equal(author.outcome, 'unchanged');
        assert.match(author.reason ?? '', /credited to “Site Admin” \(admin\), a person already here/);
        const term = itemLine(report, 'term', 'post_tag:rivers');
        assert.equal(term.outcome, 'unchanged');
        assert.match(term.reason ?? '', /merged into the term “Rivers” \(\/tag\/rivers\) already here/);
      } finally {
        await t.cleanup();
      }
    });

    test("the report's table counts the terms and people its list of items lists; those made only for posts are named in a note", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'tally.example';
        const file = write(
          'tally.xml',
          wxr(
            site,
            `<wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>rivers</wp:tag_slug><wp:tag_name><![CDATA[Rivers]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>rivers</wp:tag_slug><wp:tag_name><![CDATA[Rivers]]></wp:tag_name></wp:tag>`,
            post(site, {
              id: 4,
              slug: 'tally',
              title: 'Tally',
              extra:
                '<category domain="post_tag" nicename="rivers"><![CDATA[Rivers]]></category><category domain="post_tag" nicename="estuaries"><![CDATA[Estuaries]]></category>',
            }).replace(
              '<dc:creator><![CDATA[admin]]></dc:creator>',
              '<dc:creator><![CDATA[guest]]></dc:creator>',
            ),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const tally = (kind: string) => {
          const counts = { imported: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
          for (const item of report.items) if (item.kind === kind) counts[item.outcome] += 1;
          return counts;
        };
        assert.deepEqual(report.counts.term, tally('term'));
        assert.deepEqual(report.counts.term, {
          imported: 1,
          updated: 0,
          unchanged: 0,
          skipped: 1,
          failed: 0,
        });
        assert.deepEqual(report.counts.person, tally('author'));
        assert.ok(
          report.warnings.some((w) => /1 term\(s\) that posts name .*: post_tag:estuaries/.test(w)),
          report.warnings.join('\n'),
        );
        assert.ok(
          report.warnings.some((w) => /1 person\(s\) that posts name .*: guest/.test(w)),
          report.warnings.join('\n'),
        );
        const article = await t.wiring.store.articles.findBySlug('tally');
        assert.equal(article?.termIds.length, 2, 'the post keeps both its tags');
        assert.equal(article?.authorIds.length, 1);
      } finally {
        await t.cleanup();
      }
    });

    test('C, C#, C++, F#, .NET and NET stay distinct terms; a slug taken by another term is renamed and reported', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const store = t.wiring.store;
        const tag = (await store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag');
        assert.ok(tag);
        // Made here before the import: the export's NET is not this term.
        await addTerm(store, { taxonomyId: tag.id, slug: 'net', name: 'Network' });
        const site = 'code.example';
        const file = write(
          'terms.xml',
          wxr(
            site,
            // The export's own slugs are kept: WordPress made C#'s "c-2".
            `<wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>c</wp:tag_slug><wp:tag_name><![CDATA[C]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>c-2</wp:tag_slug><wp:tag_name><![CDATA[C#]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>7</wp:term_id><wp:tag_slug>net</wp:tag_slug><wp:tag_name><![CDATA[NET]]></wp:tag_name></wp:tag>`,
            // Terms an item names without a slug (as WXR 1.0 exports do) get one of their own.
            post(site, {
              id: 10,
              slug: 'languages',
              title: 'Languages',
              extra: ['C', 'C#', 'C++', 'F#', '.NET', 'NET']
                .map((name) => `<category domain="post_tag"><![CDATA[${name}]]></category>`)
                .join(''),
            }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const slugOf = async (slug: string) => (await store.taxonomies.findTerm(tag.id, slug))?.name;
        assert.equal(await slugOf('c'), 'C');
        assert.equal(await slugOf('c-2'), 'C#');
        assert.equal(await slugOf('c-plus-plus'), 'C++');
        assert.equal(await slugOf('f-sharp'), 'F#');
        assert.equal(await slugOf('dot-net'), '.NET');
        // The export's "net" is another term here: it takes the next free slug, and its line says so.
        assert.equal(await slugOf('net'), 'Network');
        assert.equal(await slugOf('net-2'), 'NET');
        assert.match(
          itemLine(report, 'term', 'post_tag:net').reason ?? '',
          /"net" is the term “Network”'s.*\/tag\/net-2/,
        );
        const article = await store.articles.findBySlug('languages');
        assert.ok(article);
        const names = (await store.taxonomies.findTermsByIds(article.termIds))
          .map((term) => term.name)
          .sort();
        assert.deepEqual(names, ['.NET', 'C', 'C#', 'C++', 'F#', 'NET']);
        // The renamed term's archive leads to it.
        assert.equal((await store.redirects.find('/tag/net'))?.toPath, '/tag/net-2');

        const again = await importWordPress(t.wiring, file);
        assert.equal(again.counts.term.imported, 0);
        assert.equal(again.counts.term.updated, 0);
        assert.equal(again.counts.article.unchanged, 1);
      } finally {
        await t.cleanup();
      }
    });

    test("a second site's import leaves the first site's old addresses where they lead, and says so per item", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const store = t.wiring.store;
        const first = write(
          'first.xml',
          wxr(
            'first.example',
            `<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>`,
            post('first.example', { id: 5, slug: 'hello', title: 'Hello from the first site' }),
          ),
        );
        const second = write(
          'second.xml',
          wxr(
            'second.example',
            `<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Nieuws]]></wp:cat_name></wp:category>`,
            post('second.example', { id: 5, slug: 'hello', title: 'Hello from the second site' }),
          ),
        );
        await importWordPress(t.wiring, first);
        const firstArticle = await store.articles.findBySlug('hello');
        assert.equal(firstArticle?.title, 'Hello from the first site');
        const report = await importWordPress(t.wiring, second);
        const secondArticle = await store.articles.findBySlug('hello-2');
        assert.equal(secondArticle?.title, 'Hello from the second site');
        // The first site's addresses still lead to its own article and term.
        assert.equal((await store.redirects.find('/?p=5'))?.toPath, '/articles/hello');
        assert.equal((await store.redirects.find('/2020/06/hello'))?.toPath, '/articles/hello');
        assert.equal((await store.redirects.find('/category/news'))?.toPath, '/theme/news');
        const line = itemLine(report, 'item', '5');
        assert.equal(line.outcome, 'imported');
        assert.match(line.reason ?? '', /\/\?p=5 already leads to \/articles\/hello/);
        assert.match(line.reason ?? '', /\/2020\/06\/hello already leads to \/articles\/hello/);
        assert.match(
          itemLine(report, 'term', 'category:news').reason ?? '',
          /\/category\/news already leads/,
        );
        assert.ok(report.skipped.some((s) => s.kind === 'redirect' && s.ref === '/?p=5'));
        assert.equal((await store.redirects.find('/?cat=3'))?.toPath, '/theme/news');
        assert.match(itemLine(report, 'term', 'category:news').reason ?? '', /\/\?cat=3 already leads/);
        assert.equal(report.counts.redirect.skipped, 4);

        // The first site's own re-run still finds its addresses its own: nothing to report.
        const rerun = await importWordPress(t.wiring, first);
        assert.equal(rerun.counts.redirect.skipped, 0);
        assert.ok(rerun.counts.redirect.unchanged > 0);
        assert.equal(itemLine(rerun, 'item', '5').reason, undefined);
      } finally {
        await t.cleanup();
      }
    });

    test('a strict import that fails leaves the media folder as it found it', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const uploads = path.join(folder, 'strict-uploads');
        const media = path.join(folder, 'strict-media');
        mkdirSync(path.join(uploads, '2020', '06'), { recursive: true });
        writeFileSync(path.join(uploads, '2020', '06', 'photo.jpg'), 'new photo');
        writeFileSync(path.join(uploads, '2020', '06', 'kept.jpg'), 'same bytes');
        // Already in the media folder before the import: it stays, whatever happens.
        mkdirSync(path.join(media, 'wordpress', '2020', '06'), { recursive: true });
        writeFileSync(path.join(media, 'wordpress', '2020', '06', 'kept.jpg'), 'same bytes');
        const site = 'strict.example';
        const uploaded = `https://${site}/wp-content/uploads/2020/06`;
        const file = write(
          'strict.xml',
          wxr(
            site,
            '',
            `${post(site, { id: 10, slug: 'with-photo', title: 'With a photo', body: `<p><img src="${uploaded}/photo.jpg" alt="A photo" /> <img src="${uploaded}/kept.jpg" alt="Kept" /></p>` })}
  <item>
    <title>Impossible</title>
    <link>https://${site}/impossible/</link>
    <content:encoded><![CDATA[<p>Dated a day that does not exist.</p>]]></content:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date_gmt>2020-02-30 10:00:00</wp:post_date_gmt>
    <wp:post_name>impossible</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>`,
          ),
        );
        const report = await importWordPress(t.wiring, file, {
          isStrict: true,
          uploadsDir: uploads,
          mediaDir: media,
        });
        assert.equal(report.isRolledBack, true);
        assert.equal(await t.wiring.store.articles.findBySlug('with-photo'), undefined);
        const left = readdirSync(media, { recursive: true }).map(String).sort();
        assert.deepEqual(left, [
          'wordpress',
          'wordpress/2020',
          'wordpress/2020/06',
          'wordpress/2020/06/kept.jpg',
        ]);

        // Without the failing item the same import copies the file and keeps it.
        const whole = write(
          'strict-whole.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 10,
              slug: 'with-photo',
              title: 'With a photo',
              body: `<p><img src="${uploaded}/photo.jpg" alt="A photo" /></p>`,
            }),
          ),
        );
        const done = await importWordPress(t.wiring, whole, {
          isStrict: true,
          uploadsDir: uploads,
          mediaDir: media,
        });
        assert.equal(done.isRolledBack, false);
        assert.equal(
          readFileSync(path.join(media, 'wordpress', '2020', '06', 'photo.jpg'), 'utf8'),
          'new photo',
        );
      } finally {
        await t.cleanup();
      }
    });

    test('[gallery] becomes the images of its attachments, each with its alt text and caption; a missing id is reported', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'gallery.example';
        const attachment = (
          id: number,
          fields: { parent: number; order: number; alt?: string; caption?: string },
        ) =>
          `<item>
    <title>photo-${id}</title>
    <link>https://${site}/photo-${id}/</link>
    <excerpt:encoded><![CDATA[${fields.caption ?? ''}]]></excerpt:encoded>
    <wp:post_id>${id}</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>photo-${id}</wp:post_name>
    <wp:status>inherit</wp:status>
    <wp:post_parent>${fields.parent}</wp:post_parent>
    <wp:menu_order>${fields.order}</wp:menu_order>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://${site}/wp-content/uploads/2020/06/photo-${id}.jpg</wp:attachment_url>
    ${fields.alt ? `<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[${fields.alt}]]></wp:meta_value></wp:postmeta>` : ''}
  </item>`;
        const file = write(
          'gallery.xml',
          wxr(
            site,
            '',
            // Attachments before and after the posts that show them, as exports list them.
            `${attachment(101, { parent: 50, order: 2, alt: 'The quay', caption: 'Quay at dawn' })}
  ${post(site, { id: 50, slug: 'own-photos', title: 'Own photos', body: '<p>Our pictures:</p>\n\n[gallery columns="2"]\n\n<p>The end.</p>' })}
  ${post(site, { id: 51, slug: 'chosen-photos', title: 'Chosen photos', body: 'Chosen:\n\n[gallery ids="103,999,101"]\n\n[code][gallery][/code]' })}
  ${attachment(102, { parent: 50, order: 1, alt: 'The boats' })}
  ${attachment(103, { parent: 7, order: 0, caption: 'Elsewhere' })}`,
          ),
        );
        // Without --uploads, an image of the old site is kept as a link to it, its alt text in the label.
        const shown = (alt: string, id: number) =>
          `[Image: ${alt}, on ${site}](https://${site}/wp-content/uploads/2020/06/photo-${id}.jpg)`;
        for (const workers of [0, 1]) {
          const report = await importWordPress(t.wiring, file, { workers });
          const own = await t.wiring.store.articles.findBySlug('own-photos');
          // The post's own attached images, in their menu order.
          assert.equal(
            own?.bodyMarkdown,
            [
              'Our pictures:',
              shown('The boats', 102),
              shown('The quay', 101),
              '*Quay at dawn*',
              'The end.',
            ].join('\n\n'),
          );
          const chosen = await t.wiring.store.articles.findBySlug('chosen-photos');
          assert.equal(
            chosen?.bodyMarkdown,
            [
              'Chosen:',
              shown('photo-103.jpg', 103),
              '*Elsewhere*',
              shown('The quay', 101),
              '*Quay at dawn*',
              '```\n[gallery]\n```',
            ].join('\n\n'),
          );
          assert.match(
            itemLine(report, 'item', '51').reason ?? '',
            /\[gallery\]: attachment 999 is not in the file/,
          );
          assert.doesNotMatch(itemLine(report, 'item', '50').reason ?? '', /\[gallery\]/);
          assert.ok(
            !report.warnings.some((w) => /\[gallery\] was dropped/.test(w)),
            report.warnings.join('\n'),
          );
        }
      } finally {
        await t.cleanup();
      }
    });

    test('[gallery link=…] is honoured: each image links to its file (file, attachment, the default) or to nothing (none)', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const uploads = path.join(folder, 'gallery-link-uploads');
        mkdirSync(path.join(uploads, '2020', '06'), { recursive: true });
        writeFileSync(path.join(uploads, '2020', '06', 'photo-201.jpg'), 'bytes of a photo');
        const site = 'gallery-links.example';
        const file = write(
          'gallery-links.xml',
          wxr(
            site,
            '',
            `${post(site, {
              id: 60,
              slug: 'linked-galleries',
              title: 'Linked galleries',
              body: [
                'File:',
                '[gallery ids="201" link="file"]',
                'None:',
                '[gallery ids="201" link="none"]',
                'Attachment:',
                '[gallery ids="201" link="attachment"]',
                'Default:',
                '[gallery ids="201" columns="1"]',
              ].join('\n\n'),
            })}
  <item>
    <title>photo-201</title>
    <link>https://${site}/2020/06/linked-galleries/photo-201/</link>
    <wp:post_id>201</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>photo-201</wp:post_name>
    <wp:status>inherit</wp:status>
    <wp:post_parent>60</wp:post_parent>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://${site}/wp-content/uploads/2020/06/photo-201.jpg</wp:attachment_url>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[The quay]]></wp:meta_value></wp:postmeta>
  </item>`,
          ),
        );
        const mediaDir = mediaDirOf(t.wiring.config.data.dir);
        await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        const body = (await t.wiring.store.articles.findBySlug('linked-galleries'))?.bodyMarkdown;
        const image = '![The quay](/media/wordpress/2020/06/photo-201.jpg)';
        const linked = `[${image}](/media/wordpress/2020/06/photo-201.jpg)`;
        assert.equal(
          body,
          ['File:', linked, 'None:', image, 'Attachment:', linked, 'Default:', linked].join('\n\n'),
        );
      } finally {
        await t.cleanup();
      }
    });

    test('a post with a <pre> left unclosed keeps the rest of its text, and its line says the markup was repaired', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'open-pre.example';
        const body =
          'Count them:\n\n<pre>for (i = 0; i<n; i++) {\n  total += a[i];\n}\n\nThe loop adds the numbers up, one by one.\n\n<p>Then <a href="https://example.org/next">read on</a>.</p>';
        const file = write(
          'open-pre.xml',
          wxr(
            site,
            '',
            post(site, { id: 31, slug: 'open-pre', title: 'Open pre', body }) +
              post(site, {
                id: 32,
                slug: 'closed-pre',
                title: 'Closed pre',
                body: '<pre>x</pre><p>Fine.</p>',
              }),
          ),
        );
        // Converted on the import thread and in a worker thread, as large files are.
        for (const workers of [0, 1]) {
          const report = await importWordPress(t.wiring, file, { workers });
          const line = itemLine(report, 'item', '31');
          assert.match(
            line.reason ?? '',
            /markup repaired: a <pre> without <\/pre> was closed where its code ends, before "The loop adds/,
          );
          assert.doesNotMatch(itemLine(report, 'item', '32').reason ?? '', /repaired/);
          const article = await t.wiring.store.articles.findBySlug('open-pre');
          assert.equal(
            article?.bodyMarkdown,
            'Count them:\n\n```\nfor (i = 0; i<n; i++) {\n  total += a[i];\n}\n```\n\nThe loop adds the numbers up, one by one.\n\nThen [read on](https://example.org/next).',
          );
          assert.match(article?.bodyHtml ?? '', /<p>The loop adds the numbers up, one by one\.<\/p>/);
        }
      } finally {
        await t.cleanup();
      }
    });

    test('a comment with a <pre> left unclosed keeps the rest of its text, and its own line says the markup was repaired', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'open-pre-comment.example';
        const comment = (id: number, body: string) =>
          `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author><![CDATA[Reader ${id}]]></wp:comment_author><wp:comment_date_gmt>2020-06-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[${body}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>`;
        const file = write(
          'open-pre-comment.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 33,
              slug: 'discussed',
              title: 'Discussed',
              extra: [
                comment(
                  71,
                  'Try this:\n\n<pre>while (x<y) {\n  x++;\n}\n\nIt worked for me, thanks for the post.',
                ),
                comment(72, '<pre>fine</pre><p>Closed properly.</p>'),
              ].join('\n'),
            }),
          ),
        );
        for (const workers of [0, 1]) {
          const report = await importWordPress(t.wiring, file, { workers });
          assert.match(
            itemLine(report, 'comment', '71').reason ?? '',
            /markup repaired: a <pre> without <\/pre> was closed where its code ends, before "It worked for me/,
          );
          assert.doesNotMatch(itemLine(report, 'comment', '72').reason ?? '', /repaired/);
          assert.doesNotMatch(itemLine(report, 'item', '33').reason ?? '', /repaired/);
          const article = await t.wiring.store.articles.findBySlug('discussed');
          const bodies = (await t.wiring.store.comments.listForArticle(article?.id ?? 0)).map((c) => c.body);
          assert.ok(
            bodies.includes(
              'Try this:\n\n```\nwhile (x<y) {\n  x++;\n}\n```\n\nIt worked for me, thanks for the post.',
            ),
            bodies.join('\n---\n'),
          );
        }
      } finally {
        await t.cleanup();
      }
    });

    test("a post's own <!--more--> text and its javascript: links are reported on its line; the links keep their text", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'links.example';
        const file = write(
          'links.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 10,
              slug: 'teaser',
              title: 'A teaser',
              body: '<p>Before the break, <a href="javascript:void(0)">a dead link</a>.</p><!--more Read the rest of the story--><p>After, <a href="data:text/html,hi">another</a>.</p>',
              extra: `<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author><![CDATA[Reader]]></wp:comment_author><wp:comment_date_gmt>2020-06-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Try <a href="vbscript:x">this</a>.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>`,
            }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const line = itemLine(report, 'item', '10');
        assert.equal(line.outcome, 'imported');
        assert.match(line.reason ?? '', /the <!--more--> link text "Read the rest of the story" is not kept/);
        assert.match(
          line.reason ?? '',
          /2 links no page may carry became their text \(javascript: "a dead link", data: "another"\)/,
        );
        assert.match(
          itemLine(report, 'comment', '7').reason ?? '',
          /a vbscript: link became its text \("this"\)/,
        );
        const article = await t.wiring.store.articles.findBySlug('teaser');
        assert.equal(
          article?.bodyMarkdown,
          'Before the break, a dead link.\n\n<!--more-->\n\nAfter, another.',
        );
        assert.doesNotMatch(article?.bodyHtml ?? '', /javascript|\]\(/);
        assert.equal(article?.summary, 'Before the break, a dead link.');
        const [comment] = await t.wiring.store.comments.listForArticle(article?.id ?? 0);
        assert.equal(comment?.body, 'Try this.');
      } finally {
        await t.cleanup();
      }
    });

    test('a note on a dropped link around code names the code, never an internal placeholder', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'marks.example';
        const file = write(
          'marks.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 12,
              slug: 'marked',
              title: 'Marked',
              body: '<p><a href="javascript:run()">Run <code>make all</code></a></p><a href="javascript:show()"><pre>tail -f log</pre></a><p><a href="javascript:go()">see [code]ls -l[/code]</a></p>',
            }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const texts = [
          ...report.items.map((item) => item.reason ?? ''),
          ...report.warnings,
          ...report.skipped.map((entry) => entry.reason),
        ];
        for (const text of texts) assert.doesNotMatch(text, /[\uE000-\uF8FF]/, JSON.stringify(text));
        assert.match(
          itemLine(report, 'item', '12').reason ?? '',
          /"Run make all".*"tail -f log".*"see ls -l"/,
        );
      } finally {
        await t.cleanup();
      }
    });

    test("the block editor's footnotes keep their notes from the footnotes meta; a reference with no note is reported on its line", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'notes.example';
        const ref = (id: string, n: number) =>
          `<sup data-fn="${id}" class="fn"><a href="#${id}" id="${id}-link">${n}</a></sup>`;
        const meta = (notes: { id: string; content: string }[]) =>
          `<wp:postmeta><wp:meta_key><![CDATA[footnotes]]></wp:meta_key><wp:meta_value><![CDATA[${JSON.stringify(notes)}]]></wp:meta_value></wp:postmeta>`;
        const file = write(
          'notes.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 21,
              slug: 'with-notes',
              title: 'With notes',
              body: `<!-- wp:paragraph -->\n<p>The tide turns${ref('1f0c-aa', 1)} twice a day${ref('77de-bb', 2)}.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->`,
              extra: meta([
                {
                  id: '1f0c-aa',
                  content: 'As the <a href="https://tides.example/table">tide table</a> says.',
                },
                { id: '77de-bb', content: 'Mostly <strong>twice</strong>.' },
              ]),
            }) +
              post(site, {
                id: 22,
                slug: 'lost-note',
                title: 'Lost note',
                body: `<p>A claim${ref('9a9a-cc', 1)}.</p><!-- wp:footnotes /-->`,
                extra: meta([]),
              }),
          ),
        );
        // Converted in a worker thread, as large files are.
        const report = await importWordPress(t.wiring, file, { workers: 1 });
        assert.equal(itemLine(report, 'item', '21').outcome, 'imported');
        const article = await t.wiring.store.articles.findBySlug('with-notes');
        assert.equal(
          article?.bodyMarkdown,
          'The tide turns[<span id="fnref1"></span>\\[1\\]](#fn1) twice a day[<span id="fnref2"></span>\\[2\\]](#fn2).\n\n' +
            '1. <span id="fn1"></span>As the [tide table](https://tides.example/table) says. [↩︎](#fnref1)\n' +
            '2. <span id="fn2"></span>Mostly **twice**. [↩︎](#fnref2)',
        );
        assert.match(
          article?.bodyHtml ?? '',
          /id="fn1"[\s\S]*As the <a href="https:\/\/tides\.example\/table"[^>]*>tide table<\/a> says/,
        );
        const lost = itemLine(report, 'item', '22');
        assert.equal(lost.outcome, 'imported');
        assert.match(
          lost.reason ?? '',
          /footnote reference "9a9a-cc" \(shown as 1\) has no note in the post's footnotes/,
        );
        assert.equal(
          (await t.wiring.store.articles.findBySlug('lost-note'))?.bodyMarkdown,
          'A claim<sup>1</sup>.',
        );
      } finally {
        await t.cleanup();
      }
    });

    test('embed blocks, embed shortcodes and a classic player become labelled embed links, counted in the report', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'embeds.example';
        const block = (slug: string, url: string) =>
          `<!-- wp:embed {"url":"${url}","type":"rich","providerNameSlug":"${slug}"} -->\n<figure class="wp-block-embed is-type-rich is-provider-${slug} wp-block-embed-${slug}"><div class="wp-block-embed__wrapper">\n${url}\n</div></figure>\n<!-- /wp:embed -->`;
        const file = write(
          'embeds.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 31,
              slug: 'players',
              title: 'Players',
              body: [
                block('youtube', 'https://www.youtube.com/watch?v=abcdefghijk'),
                block('twitter', 'https://twitter.com/harbourmaster/status/1234567890'),
                '[embed]https://vimeo.com/76979871[/embed]',
                '[youtube https://youtu.be/abcdefghijk]',
                '<iframe src="https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"></iframe>',
              ].join('\n\n'),
            }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        assert.equal(itemLine(report, 'item', '31').outcome, 'imported');
        assert.equal(report.counts.embed.imported, 5);
        assert.ok(
          report.warnings.some((w) =>
            /embedded players and embed blocks were kept as links.*\(YouTube ×2, Twitter\/X ×1, Vimeo ×1, Spotify ×1\)/.test(
              w,
            ),
          ),
          report.warnings.join('\n'),
        );
        const article = await t.wiring.store.articles.findBySlug('players');
        assert.equal(
          article?.bodyMarkdown,
          [
            '[▶ Watch on YouTube](https://www.youtube.com/watch?v=abcdefghijk)',
            '[▶ View on Twitter/X](https://twitter.com/harbourmaster/status/1234567890)',
            '[▶ Watch on Vimeo](https://vimeo.com/76979871)',
            '[▶ Watch on YouTube](https://www.youtube.com/watch?v=abcdefghijk)',
            '[▶ Listen on Spotify](https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC)',
          ].join('\n\n'),
        );
        assert.doesNotMatch(article?.bodyHtml ?? '', /<iframe/);
        // A second run writes nothing: the embeds read unchanged.
        const again = await importWordPress(t.wiring, file);
        assert.equal(again.counts.embed.unchanged, 5);
        assert.equal(again.counts.embed.imported, 0);
      } finally {
        await t.cleanup();
      }
    });

    test("a note referred to twice gives each reference its own id and links back to both; a note id with a quote is found; a note's relative or hostile image is left out and reported", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'twice.example';
        const ref = (id: string, n: number) =>
          `<sup data-fn="${id.replace(/"/g, '&quot;')}" class="fn"><a href="#${id}" id="${id}-link">${n}</a></sup>`;
        const notes = [
          { id: 'q"1', content: 'Quoted id.' },
          { id: 'twice', content: 'Said twice <img src=x onerror=alert(1)>.' },
        ];
        const file = write(
          'twice.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 31,
              slug: 'twice',
              title: 'Twice',
              body: `<p>One${ref('q"1', 1)}, two${ref('twice', 2)} and again${ref('twice', 2)}.</p><p>Body <img src="y.png" alt="why"></p><!-- wp:footnotes /-->`,
              extra: `<wp:postmeta><wp:meta_key><![CDATA[footnotes]]></wp:meta_key><wp:meta_value><![CDATA[${JSON.stringify(notes)}]]></wp:meta_value></wp:postmeta>`,
            }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const line = itemLine(report, 'item', '31');
        assert.equal(line.outcome, 'imported');
        assert.doesNotMatch(line.reason ?? '', /no note/, 'the quoted id is matched, not reported missing');
        const article = await t.wiring.store.articles.findBySlug('twice');
        const html = article?.bodyHtml ?? '';
        const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
        assert.deepEqual(ids, [...new Set(ids)], `every id on the page is unique: ${ids.join(', ')}`);
        assert.deepEqual(ids.sort(), ['fn1', 'fn2', 'fnref1', 'fnref2', 'fnref2-2']);
        assert.match(html, /href="#fnref2"[\s\S]*href="#fnref2-2"/, 'the note links back to each reference');
        assert.doesNotMatch(html, /<img|onerror/);
        assert.doesNotMatch(article?.bodyMarkdown ?? '', /\]\((x|y\.png)\)/);
        assert.match(
          line.reason ?? '',
          /2 images with an address no page may show \(relative address: "why", relative address: "x"\)/,
        );
      } finally {
        await t.cleanup();
      }
    });

    test("images at other sites' addresses, and the old site's not copied with --uploads, become links to them, each listed", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'pixels.example';
        const file = write(
          'pixels.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 41,
              slug: 'hotlinked',
              title: 'Hotlinked',
              body: `<p>Rain fell.<img src="https://track.example/p.gif?u=7" width="1" height="1"></p><figure><img src="https://cdn.example/charts/rain.png" alt="Rain by month"></figure><p><img src="https://${site}/wp-content/uploads/2020/06/own.png" alt="Own"> <img src="https://${site}/x.png" alt="Badge"></p><pre><code>&lt;img src="https://cdn.example/in-code.png"&gt;</code></pre>`,
              extra:
                '<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>42</wp:meta_value></wp:postmeta>',
            }) +
              `<item><title>cover</title><link>https://${site}/2020/06/hotlinked/cover/</link>
    <wp:post_id>42</wp:post_id><wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt><wp:post_name>cover</wp:post_name>
    <wp:status>inherit</wp:status><wp:post_parent>41</wp:post_parent><wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://images.other.example/cover.jpg</wp:attachment_url></item>`,
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const article = await t.wiring.store.articles.findBySlug('hotlinked');
        assert.ok(article);
        assert.equal(article.featuredImage, null, 'no featured image loaded from another site');
        const images = [...article.bodyHtml.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]);
        // Readers' pages request nothing of the old site either: without --uploads, its images
        // (in wp-content/uploads or not) are links to it too.
        assert.deepEqual(images, []);
        for (const [label, url] of [
          ['Image: Own, on pixels.example', `https://${site}/wp-content/uploads/2020/06/own.png`],
          ['Image: Badge, on pixels.example', `https://${site}/x.png`],
          ['Image: cover.jpg, on images.other.example', 'https://images.other.example/cover.jpg'],
          ['Image: p.gif, on track.example', 'https://track.example/p.gif?u=7'],
          ['Image: Rain by month, on cdn.example', 'https://cdn.example/charts/rain.png'],
        ] as const)
          assert.ok(
            article.bodyHtml.includes(`<a href="${url.replace('&', '&amp;')}"`) &&
              article.bodyHtml.includes(`>${label}</a>`),
            `${label} in ${article.bodyHtml}`,
          );
        assert.match(article.bodyMarkdown, /in-code\.png/, 'code is left as written');
        const line = itemLine(report, 'item', '41');
        assert.match(
          line.reason ?? '',
          /4 external images kept as links[^;]*https:\/\/track\.example\/p\.gif\?u=7, https:\/\/cdn\.example\/charts\/rain\.png, https:\/\/pixels\.example\/wp-content\/uploads\/2020\/06\/own\.png, https:\/\/pixels\.example\/x\.png/,
        );
        assert.match(
          line.reason ?? '',
          /featured external image kept as a link[^;]*https:\/\/images\.other\.example\/cover\.jpg/,
        );
        assert.ok(
          report.warnings.some((w) => /^5 external images were kept as links .*pixels\.example ×2/.test(w)),
          report.warnings.join('\n'),
        );
        // Run again: the same body, nothing written.
        const again = await importWordPress(t.wiring, file);
        assert.equal(itemLine(again, 'item', '41').outcome, 'unchanged');
      } finally {
        await t.cleanup();
      }
    });

    test('files --uploads copies for bodies are counted in the report, once each, and read unchanged on a re-run', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const uploads = path.join(folder, 'body-uploads');
        mkdirSync(path.join(uploads, '2020', '06'), { recursive: true });
        writeFileSync(path.join(uploads, '2020', '06', 'quay.jpg'), 'bytes of the quay');
        writeFileSync(path.join(uploads, '2020', '06', 'report.pdf'), 'bytes of a report');
        const site = 'files.example';
        const file = write(
          'body-files.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 51,
              slug: 'with-files',
              title: 'With files',
              body: `<p><img src="https://${site}/wp-content/uploads/2020/06/quay.jpg" alt="Quay"> <a href="https://${site}/wp-content/uploads/2020/06/report.pdf">Report</a></p>`,
            }) +
              post(site, {
                id: 52,
                slug: 'same-file',
                title: 'Same file',
                body: `<p><img src="https://${site}/wp-content/uploads/2020/06/quay.jpg" alt="Quay again"></p>`,
              }),
          ),
        );
        const mediaDir = mediaDirOf(t.wiring.config.data.dir);
        const report = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        assert.match(
          (await t.wiring.store.articles.findBySlug('with-files'))?.bodyMarkdown ?? '',
          /\/media\/wordpress\/2020\/06\/quay\.jpg[\s\S]*\/media\/wordpress\/2020\/06\/report\.pdf/,
        );
        assert.deepEqual(report.counts.file, {
          imported: 2,
          updated: 0,
          unchanged: 0,
          skipped: 0,
          failed: 0,
        });
        const again = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        assert.deepEqual(again.counts.file, { imported: 0, updated: 0, unchanged: 2, skipped: 0, failed: 0 });
      } finally {
        await t.cleanup();
      }
    });

    test('audio and video blocks become links to their files, copied with --uploads and counted, captions kept', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const uploads = path.join(folder, 'media-block-uploads');
        mkdirSync(path.join(uploads, '2020', '01'), { recursive: true });
        writeFileSync(path.join(uploads, '2020', '01', 'b.mp3'), 'bytes of a song');
        writeFileSync(path.join(uploads, '2020', '01', 'w.mp4'), 'bytes of a film');
        const site = 'blog4.example.org';
        const file = write(
          'media-blocks.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 53,
              slug: 'with-players',
              title: 'With players',
              body: `<!-- wp:audio {"id":5} --><figure class="wp-block-audio"><audio controls src="https://${site}/wp-content/uploads/2020/01/b.mp3"></audio><figcaption>Audio cap</figcaption></figure><!-- /wp:audio -->

<!-- wp:video {"id":6} --><figure class="wp-block-video"><video controls src="https://${site}/wp-content/uploads/2020/01/w.mp4"></video><figcaption>Video cap</figcaption></figure><!-- /wp:video -->`,
            }),
          ),
        );
        const mediaDir = mediaDirOf(t.wiring.config.data.dir);
        const report = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        const body = (await t.wiring.store.articles.findBySlug('with-players'))?.bodyMarkdown ?? '';
        assert.match(body, /\]\(\/media\/wordpress\/2020\/01\/b\.mp3\)\s+\*Audio cap\*/);
        assert.match(body, /\]\(\/media\/wordpress\/2020\/01\/w\.mp4\)\s+\*Video cap\*/);
        assert.doesNotMatch(body, /blog4\.example\.org/);
        assert.deepEqual(report.counts.file, {
          imported: 2,
          updated: 0,
          unchanged: 0,
          skipped: 0,
          failed: 0,
        });
        assert.ok(existsSync(path.join(mediaDir, 'wordpress', '2020', '01', 'b.mp3')));
        assert.ok(existsSync(path.join(mediaDir, 'wordpress', '2020', '01', 'w.mp4')));
        // Without the uploads folder, the link leads to the file at the old address.
        const plain = htmlToMarkdown(
          `<figure class="wp-block-audio"><audio controls><source src="https://${site}/a.ogg"></audio></figure>`,
          { isWordPress: true },
        );
        assert.equal(plain.markdown, `[https://${site}/a.ogg](https://${site}/a.ogg)`);
      } finally {
        await t.cleanup();
      }
    });

    test("Jetpack Photon copies of the site's own uploads (i0–i3.wp.com) are copied with --uploads like the plain address", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const uploads = path.join(folder, 'photon-uploads');
        mkdirSync(path.join(uploads, '2020', '01'), { recursive: true });
        writeFileSync(path.join(uploads, '2020', '01', 'g.jpg'), 'bytes of a photo');
        const site = 'blog5.example.org';
        const file = write(
          'photon.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 54,
              slug: 'through-photon',
              title: 'Through Photon',
              body: `<p><img src="https://i0.wp.com/${site}/wp-content/uploads/2020/01/g.jpg?w=640&amp;ssl=1" alt="G"> <img src="https://i2.wp.com/${site}/wp-content/uploads/2020/01/g.jpg?resize=300%2C200" alt="G small"></p>`,
            }),
          ),
        );
        const mediaDir = mediaDirOf(t.wiring.config.data.dir);
        const report = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        const body = (await t.wiring.store.articles.findBySlug('through-photon'))?.bodyMarkdown ?? '';
        assert.match(body, /!\[G\]\(\/media\/wordpress\/2020\/01\/g\.jpg\)/);
        assert.match(body, /!\[G small\]\(\/media\/wordpress\/2020\/01\/g\.jpg\)/);
        assert.doesNotMatch(body, /wp\.com/);
        assert.equal(report.counts.file.imported, 1);
      } finally {
        await t.cleanup();
      }
    });

    test("an image at another site's address in a comment becomes a link to it, noted on the comment's line", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = 'comments.example';
        const file = write(
          'comment-images.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 61,
              slug: 'discussed',
              title: 'Discussed',
              extra: `<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author><![CDATA[Reader]]></wp:comment_author><wp:comment_date_gmt>2020-06-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Look: <img src="https://cdn.example/cat.gif" alt="A cat">]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>`,
            }),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        assert.match(
          itemLine(report, 'comment', '9').reason ?? '',
          /external image kept as a link[^;]*https:\/\/cdn\.example\/cat\.gif/,
        );
        assert.ok(
          report.warnings.some((w) =>
            /^1 external image was kept as a link|^1 external images? (was|were) kept/.test(w),
          ),
          report.warnings.join('\n'),
        );
        const article = await t.wiring.store.articles.findBySlug('discussed');
        const [comment] = await t.wiring.store.comments.listForArticle(article?.id ?? 0);
        assert.doesNotMatch(comment?.body ?? '', /!\[/);
        assert.match(
          comment?.body ?? '',
          /\[Image: A cat, on cdn\.example\]\(https:\/\/cdn\.example\/cat\.gif\)/,
        );
      } finally {
        await t.cleanup();
      }
    });

    test('old attachment addresses and ?cat=, ?tag=, ?author= queries answer 301 to the file, post, term or author', async () => {
      const t: TestWiring = await createTestWiring(kind);
      const uploads = path.join(folder, 'query-uploads');
      mkdirSync(path.join(uploads, '2020', '06'), { recursive: true });
      writeFileSync(path.join(uploads, '2020', '06', 'photo.jpg'), 'bytes of a photo');
      const site = 'query.example';
      const attachment = (id: number, name: string) => `<item>
    <title>${name}</title>
    <link>https://${site}/2020/06/hello/${name}/</link>
    <wp:post_id>${id}</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>${name}</wp:post_name>
    <wp:status>inherit</wp:status>
    <wp:post_parent>10</wp:post_parent>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://${site}/wp-content/uploads/2020/06/${name}.jpg</wp:attachment_url>
  </item>`;
      const file = write(
        'query.xml',
        wxr(
          site,
          `<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>rivers</wp:tag_slug><wp:tag_name><![CDATA[Rivers]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>lakes</wp:tag_slug><wp:tag_name><![CDATA[Lakes]]></wp:tag_name></wp:tag>`,
          // The attachments come first, as they often do: the one whose file is absent leads to
          // its post once that is written.
          `${attachment(20, 'photo')}
  ${attachment(21, 'missing')}
  ${post(site, {
    id: 10,
    slug: 'hello',
    title: 'Hello',
    extra:
      '<category domain="category" nicename="news"><![CDATA[News]]></category><category domain="post_tag" nicename="rivers"><![CDATA[Rivers]]></category>',
  })}`,
        ),
      );
      const app = await buildApp(t.wiring, { shouldLog: false });
      try {
        const mediaDir = mediaDirOf(t.wiring.config.data.dir);
        const report = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        assert.equal(report.counts.media.imported, 2);
        const moved = async (url: string) => {
          const reply = await app.inject({ method: 'GET', url });
          assert.equal(reply.statusCode, 301, url);
          return reply.headers.location;
        };
        const photo = '/media/wordpress/2020/06/photo.jpg';
        assert.equal(await moved('/?p=20'), photo);
        assert.equal(await moved('/?attachment_id=20'), photo);
        assert.equal(await moved('/2020/06/hello/photo/'), photo);
        assert.equal(await moved('/?p=21'), '/articles/hello');
        assert.equal(await moved('/?attachment_id=21'), '/articles/hello');
        assert.equal(await moved('/2020/06/hello/missing/'), '/articles/hello');
        assert.equal(await moved('/?cat=3'), '/theme/news');
        assert.equal(await moved('/index.php?cat=3&paged=2'), '/theme/news');
        assert.equal(await moved('/?tag=rivers'), '/tag/rivers');
        assert.equal(await moved('/?author=1'), '/authors/admin');
        // A tag no article carries has no page: its old addresses answer 404 at once, not a 301
        // to a 404 (nor 410: the tag is still there, and its first article gives it a page).
        for (const url of ['/?tag=lakes', '/tag/lakes/', '/tag/lakes/feed/'])
          assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
        // A category's feed leads to the category; the site's feed is still the site's.
        assert.equal(await moved('/?cat=3&feed=rss2'), '/theme/news');
        assert.equal(await moved('/?feed=rss2'), '/feed.xml');
        // An id no import recorded names nothing here: 404, not the home page.
        assert.equal((await app.inject({ method: 'GET', url: '/?cat=99' })).statusCode, 404);

        const again = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        assert.equal(again.counts.redirect.imported, 0);
        assert.equal(again.counts.redirect.updated, 0);
      } finally {
        await app.close();
        await t.cleanup();
      }
    });

    test('a file of the uploads folder that leads out of it (a link) is not copied, and says so', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const uploads = path.join(folder, 'uploads-with-links');
        mkdirSync(path.join(uploads, '2020', '01'), { recursive: true });
        const secret = path.join(folder, 'not-for-publishing.txt');
        writeFileSync(secret, 'root:x:0:0');
        symlinkSync(secret, path.join(uploads, '2020', '01', 'link.pdf'));
        writeFileSync(path.join(uploads, '2020', '01', 'real.pdf'), '%PDF-1.4 a real one');
        symlinkSync(
          path.join(uploads, '2020', '01', 'real.pdf'),
          path.join(uploads, '2020', '01', 'alias.pdf'),
        );
        const site = 'links.example';
        const file = write(
          'links.xml',
          wxr(
            site,
            '',
            post(site, {
              id: 10,
              slug: 'papers',
              title: 'Papers',
              body: `<p><a href="https://${site}/wp-content/uploads/2020/01/link.pdf">link</a> <a href="https://${site}/wp-content/uploads/2020/01/alias.pdf">alias</a> <a href="https://${site}/wp-content/uploads/2020/01/../../../not-for-publishing.txt">up</a></p>`,
            }),
          ),
        );
        const mediaDir = mediaDirOf(t.wiring.config.data.dir);
        const report = await importWordPress(t.wiring, file, { uploadsDir: uploads, mediaDir });
        assert.equal(existsSync(path.join(mediaDir, 'wordpress', '2020', '01', 'link.pdf')), false);
        assert.equal(
          readFileSync(path.join(mediaDir, 'wordpress', '2020', '01', 'alias.pdf'), 'utf8'),
          '%PDF-1.4 a real one',
        );
        assert.ok(
          report.warnings.some((w) => /2020\/01\/link\.pdf leads out of the uploads folder/.test(w)),
          report.warnings.join('\n'),
        );
        const body = (await t.wiring.store.articles.findBySlug('papers'))?.bodyMarkdown ?? '';
        assert.match(body, /https:\/\/links\.example\/wp-content\/uploads\/2020\/01\/link\.pdf/);
        assert.match(body, /\/media\/wordpress\/2020\/01\/alias\.pdf/);
      } finally {
        await t.cleanup();
      }
    });

    test("a second site's upload at the same path goes to a folder of its own; the first site's file is kept", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const media = path.join(folder, 'shared-media');
        const uploadsOf = (name: string, bytes: string) => {
          const dir = path.join(folder, `uploads-${name}`);
          mkdirSync(path.join(dir, '2020', '06'), { recursive: true });
          writeFileSync(path.join(dir, '2020', '06', 'photo.jpg'), bytes);
          return dir;
        };
        const exportOf = (site: string) =>
          write(
            `${site}.xml`,
            wxr(
              site,
              '',
              post(site, {
                id: 10,
                slug: `photo-${site.split('.')[0]}`,
                title: 'A photo',
                body: `<p><img src="https://${site}/wp-content/uploads/2020/06/photo.jpg" alt="A photo" /></p>`,
              }),
            ),
          );
        const first = exportOf('first.example');
        const second = exportOf('second.example');
        await importWordPress(t.wiring, first, {
          uploadsDir: uploadsOf('first', 'first bytes'),
          mediaDir: media,
        });
        const secondUploads = uploadsOf('second', 'second bytes');
        const report = await importWordPress(t.wiring, second, {
          uploadsDir: secondUploads,
          mediaDir: media,
        });
        assert.equal(
          readFileSync(path.join(media, 'wordpress', '2020', '06', 'photo.jpg'), 'utf8'),
          'first bytes',
        );
        const own = path.join(media, 'wordpress-sites', 'second.example', '2020', '06', 'photo.jpg');
        assert.equal(readFileSync(own, 'utf8'), 'second bytes');
        assert.match(
          (await t.wiring.store.articles.findBySlug('photo-second'))?.bodyMarkdown ?? '',
          /\(\/media\/wordpress-sites\/second\.example\/2020\/06\/photo\.jpg\)/,
        );
        assert.match(
          (await t.wiring.store.articles.findBySlug('photo-first'))?.bodyMarkdown ?? '',
          /\(\/media\/wordpress\/2020\/06\/photo\.jpg\)/,
        );
        assert.ok(
          report.warnings.some((w) =>
            /\/media\/wordpress\/2020\/06\/photo\.jpg is another import's file/.test(w),
          ),
        );
        // The same bytes from another site share the file.
        const third = exportOf('third.example');
        await importWordPress(t.wiring, third, {
          uploadsDir: uploadsOf('third', 'first bytes'),
          mediaDir: media,
        });
        assert.match(
          (await t.wiring.store.articles.findBySlug('photo-third'))?.bodyMarkdown ?? '',
          /\(\/media\/wordpress\/2020\/06\/photo\.jpg\)/,
        );
        const again = await importWordPress(t.wiring, second, { uploadsDir: secondUploads, mediaDir: media });
        assert.equal(again.counts.article.unchanged, 1);
      } finally {
        await t.cleanup();
      }
    });

    test("the Theme Unit Test export's attachment pages, ?cat= and ?tag= addresses lead to the gallery post and the terms", {
      skip: fixtureMissing ?? false,
    }, async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const report = await importWordPress(t.wiring, THEME_UNIT_TEST);
        assert.equal(report.isRolledBack, false);
        // The table counts what the list lists: 178 terms imported, 7 skipped in both.
        const terms = { imported: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
        for (const item of report.items) if (item.kind === 'term') terms[item.outcome] += 1;
        assert.deepEqual(report.counts.term, terms);
        const gallery = await t.wiring.store.articles.findBySlug('post-format-gallery');
        assert.ok(gallery);
        const redirectOf = async (from: string) => (await t.wiring.store.redirects.find(from))?.toPath;
        // Attachment 611 (canola2) belongs to the gallery post (555); its file did not come across.
        assert.equal(await redirectOf('/?p=611'), '/articles/post-format-gallery');
        assert.equal(await redirectOf('/?attachment_id=611'), '/articles/post-format-gallery');
        assert.equal(
          await redirectOf('/2010/09/10/post-format-gallery/canola2'),
          '/articles/post-format-gallery',
        );
        assert.equal(await redirectOf('/?cat=12'), '/theme/6-1');
        assert.equal(await redirectOf('/?tag=8bit'), '/tag/8bit');
      } finally {
        await t.cleanup();
      }
    });
  });
}
