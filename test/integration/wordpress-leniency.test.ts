import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS } from '../helpers/databases.ts';

/** One post of a WXR file; `title` and `body` go in as written (the body inside CDATA). */
function item(id: number, slug: string, title: string, body: string): string {
  return `	<item>
		<title>${title}</title>
		<dc:creator><![CDATA[moon]]></dc:creator>
		<content:encoded><![CDATA[${body}]]></content:encoded>
		<wp:post_id>${id}</wp:post_id>
		<wp:post_date_gmt><![CDATA[2020-01-0${id % 10} 06:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[${slug}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>
`;
}

/**
 * A UTF-8 export with the faults real ones carry: control characters in CDATA, HTML entities
 * XML does not define, a reference to U+0000, and Latin-1 bytes. Each post takes 11 lines
 * (the first starts at line 9).
 */
function damagedExport(options: { isMinified?: boolean } = {}): Buffer {
  // A minified export has its items on one line (line 9), with nothing between them.
  const post = (text: string) => Buffer.from(options.isMinified ? text.replace(/\n\t*/g, '') : text);
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Tide Tables</title>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://tides.example</wp:base_site_url>
	<wp:author><wp:author_login><![CDATA[moon]]></wp:author_login></wp:author>
`;
  const [before, after] = item(2, 'zero', 'Zero&#0; here', 'BODY').split('BODY') as [string, string];
  return Buffer.concat([
    Buffer.from(head),
    post(item(1, 'cafe', 'Caf&eacute; &nbsp;open', '<p>Line one\u000bline two\u0001.</p>')),
    post(before),
    Buffer.from('<p>Cr'),
    Buffer.from([0xe8]),
    Buffer.from('me br'),
    Buffer.from([0xfb]),
    Buffer.from('l'),
    Buffer.from([0xe9]),
    Buffer.from('e.</p>'),
    post(after),
    // Between two items: a repair that belongs to neither.
    Buffer.from(options.isMinified ? '\u0002' : ''),
    post(item(3, 'clean', 'Clean post', '<p>Nothing wrong here.</p>')),
    Buffer.from('</channel>\n</rss>\n'),
  ]);
}

for (const kind of DATABASE_KINDS) {
  describe(`a damaged WordPress export on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-wxr-leniency-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('is read leniently, every post imported, each repair reported with its line and post', async () => {
      const file = path.join(folder, 'damaged.xml');
      writeFileSync(file, damagedExport());
      const t = await createTestWiring(kind);
      try {
        const report = await importWordPress(t.wiring, file);
        assert.deepEqual(
          report.items.filter((entry) => entry.kind === 'item').map((entry) => [entry.id, entry.outcome]),
          [
            ['1', 'imported'],
            ['2', 'imported'],
            ['3', 'imported'],
          ],
        );
        const cafe = (await t.wiring.store.articles.findBySlug('cafe'))!;
        assert.equal(cafe.title, 'Café \u00a0open');
        assert.match(cafe.bodyMarkdown, /Line one line two\./);
        const zero = (await t.wiring.store.articles.findBySlug('zero'))!;
        assert.equal(zero.title, 'Zero here');
        assert.match(zero.bodyMarkdown, /Crème brûlée\./);
        assert.ok(await t.wiring.store.articles.findBySlug('clean'));

        const warnings = report.warnings.join('\n');
        assert.match(warnings, /read leniently/);
        assert.match(
          warnings,
          /lines 10–12 \(in the item starting at line 9, post 1 “Café open”\): .*2 HTML entities decoded \(&eacute;, &nbsp; at line 10\)/,
        );
        assert.match(warnings, /post 1 .*2 characters XML forbids removed \(U\+000B, U\+0001 at line 12\)/);
        assert.match(
          warnings,
          /lines 20–22 \(in the item starting at line 19, post 2 “Zero here”\): .*1 invalid character reference.* \(&#0; at line 20\)/,
        );
        assert.match(
          warnings,
          /post 2 .*3 bytes that are not UTF-8 read as Windows-1252 \(byte 0xE8, byte 0xFB, byte 0xE9 at line 22\)/,
        );
        assert.doesNotMatch(warnings, /post 3/);
      } finally {
        await t.cleanup();
      }
    });

    test('minified, with several items on a line, has each repair reported with the item that holds it', async () => {
      const file = path.join(folder, 'minified.xml');
      writeFileSync(file, damagedExport({ isMinified: true }));
      const t = await createTestWiring(kind);
      try {
        const report = await importWordPress(t.wiring, file);
        assert.equal(report.items.filter((e) => e.kind === 'item' && e.outcome === 'imported').length, 3);
        const warnings = report.warnings;
        const cafe = warnings.find((w) => w.includes('post 1 “Café open”'));
        const zero = warnings.find((w) => w.includes('post 2 “Zero here”'));
        assert.match(
          cafe ?? '',
          /^line 9 \(in the item starting at line 9, post 1 .*2 HTML entities decoded.*2 characters XML forbids removed \(U\+000B, U\+0001 at line 9\)$/,
        );
        assert.doesNotMatch(cafe ?? '', /reference|bytes/);
        assert.match(
          zero ?? '',
          /^line 9 \(in the item starting at line 9, post 2 .*1 invalid character reference.*3 bytes that are not UTF-8 read as Windows-1252 \(byte 0xE8, byte 0xFB, byte 0xE9 at line 9\)$/,
        );
        assert.doesNotMatch(zero ?? '', /entit|forbids/);
        // The character between the second and third items is in neither.
        assert.ok(
          warnings.includes('line 9: 1 character XML forbids removed (U+0002 at line 9)'),
          warnings.join('\n'),
        );
        assert.equal(warnings.filter((w) => w.includes('post 3')).length, 0);
      } finally {
        await t.cleanup();
      }
    });
  });
}
