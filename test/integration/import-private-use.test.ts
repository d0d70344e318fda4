// An author's own private-use characters (U+E000 to U+F8FF: icon fonts put their glyphs there)
// come across as written, although the converters mark places in a body with characters of
// that range while they work.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

type Row = Record<string, unknown>;

const DATED = {
  created_at: '2021-05-01T10:00:00.000Z',
  updated_at: '2021-05-01T10:00:00.000Z',
  published_at: '2021-05-01T10:00:00.000Z',
};

function ghostPost(fields: Row): Row {
  return { type: 'post', status: 'published', ...DATED, ...fields };
}

function ghostExport(data: Row): string {
  return JSON.stringify({
    db: [{ meta: { exported_on: 1620000000000, version: '5.0.0' }, data: { tags: [], users: [], ...data } }],
  });
}

function wxr(site: string, items: string): string {
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
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>admin</wp:author_login></wp:author>
${items}
</channel>
</rss>`;
}

function wxrPost(site: string, fields: { id: number; slug: string; body: string; extra?: string }): string {
  return `<item>
    <title>${fields.slug}</title>
    <link>https://${site}/2020/06/${fields.slug}/</link>
    <dc:creator><![CDATA[admin]]></dc:creator>
    ${fields.extra ?? ''}
    <content:encoded><![CDATA[${fields.body}]]></content:encoded>
    <wp:post_id>${fields.id}</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>${fields.slug}</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>`;
}

/** Private-use characters shown by their code point, so that a failing assertion can be read. */
function visible(text: string): string {
  return text.replace(/[\uE000-\uF8FF]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase()}>`);
}

for (const kind of DATABASE_KINDS) {
  describe(`an author's private-use characters on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-private-use-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    const write = (name: string, text: string) => {
      const file = path.join(folder, `${kind}-${name}`);
      writeFileSync(file, text);
      return file;
    };

    test("an author's own private-use characters come across as written, whatever the converter marks places with", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        // U+F09A is a Font Awesome icon; the others are in the range the converters mark places with.
        const text = 'Icons \uF09A, \uE013, \uE0100\uE010, \uE0140\uE014 and \uE000 stay.';
        const ghostFile = write(
          'private-use.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'p1',
                title: 'Icons',
                slug: 'icons',
                html: `<p>${text}</p><pre><code>x = 1</code></pre>`,
              }),
            ],
          }),
        );
        await importGhost(t.wiring, ghostFile);
        const ghostArticle = await t.wiring.store.articles.findBySlug('icons');
        assert.equal(visible(ghostArticle?.bodyMarkdown ?? ''), visible(`${text}\n\n\`\`\`\nx = 1\n\`\`\``));
        const site = 'icons.example';
        const wxrFile = write(
          'private-use.xml',
          wxr(
            site,
            wxrPost(site, {
              id: 5,
              slug: 'wp-icons',
              body: `<p>${text}</p>\n\n[code]y = 2[/code]\n\n<p>After.\uE0110\uE011</p><!--more--><p>Rest.</p>`,
            }),
          ),
        );
        await importWordPress(t.wiring, wxrFile);
        const wpArticle = await t.wiring.store.articles.findBySlug('wp-icons');
        assert.equal(
          visible(wpArticle?.bodyMarkdown ?? ''),
          visible(`${text}\n\n\`\`\`\ny = 2\n\`\`\`\n\nAfter.\uE0110\uE011\n\n<!--more-->\n\nRest.`),
        );
        assert.equal(visible(wpArticle?.summary ?? ''), visible(`${text} y = 2 After.\uE0110\uE011`));
      } finally {
        await t.cleanup();
      }
    });
  });
}
