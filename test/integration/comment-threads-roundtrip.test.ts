import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** One post whose comment 5 replies to comment 6, which the file lists after it; 7 replies to 5. */
const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Threads</title>
  <link>https://threads.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login>admin</wp:author_login><wp:author_display_name>Admin</wp:author_display_name></wp:author>
  <item>
    <title>Talked about</title>
    <link>https://threads.example/2020/06/talked-about/</link>
    <dc:creator><![CDATA[admin]]></dc:creator>
    <content:encoded><![CDATA[<p>Text.</p>]]></content:encoded>
    <wp:post_id>1</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>talked-about</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    ${[
      [5, 6, 'The reply', '2020-06-03 10:00:00'],
      [6, 0, 'The first word', '2020-06-02 10:00:00'],
      [7, 5, 'A reply to the reply', '2020-06-04 10:00:00'],
    ]
      .map(
        ([id, parent, body, date]) =>
          `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author><![CDATA[Reader ${id}]]></wp:comment_author><wp:comment_date_gmt>${date}</wp:comment_date_gmt><wp:comment_content><![CDATA[${body}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>${parent}</wp:comment_parent></wp:comment>`,
      )
      .join('\n')}
  </item>
</channel>
</rss>`;

/** Each comment's body with its parent's body (or null). */
async function threads(t: TestWiring): Promise<Record<string, string | null>> {
  const comments = await t.wiring.store.comments.listAll();
  const body = new Map(comments.map((c) => [c.id, c.body]));
  return Object.fromEntries(
    comments.map((c) => [c.body, c.parentId === null ? null : (body.get(c.parentId) ?? '?')]),
  );
}

const EXPECTED = {
  'The first word': null,
  'The reply': 'The first word',
  'A reply to the reply': 'The reply',
};

for (const kind of DATABASE_KINDS) {
  describe(`comment threads across an export and import on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-threads-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    const source = async () => {
      const t = await createTestWiring(kind);
      writeFileSync(path.join(folder, 'threads.xml'), WXR);
      await importWordPress(t.wiring, path.join(folder, 'threads.xml'));
      assert.deepEqual(await threads(t), EXPECTED);
      return t;
    };

    test('a reply listed before its parent keeps its parent through the JSON export', async () => {
      const from = await source();
      const to = await createTestWiring(kind);
      try {
        let text = '';
        await exportPublication(from.wiring, {
          write: (piece) => {
            text += piece;
          },
        });
        const file = path.join(folder, 'threads.json');
        writeFileSync(file, text);
        await importJson(to.wiring, file);
        assert.deepEqual(await threads(to), EXPECTED);
      } finally {
        await from.cleanup();
        await to.cleanup();
      }
    });

    test('a comment that names itself, a missing comment or a loop of replies as its parent is reported, and kept on its own', async () => {
      const from = await source();
      const to = await createTestWiring(kind);
      const again = await createTestWiring(kind);
      try {
        let text = '';
        await exportPublication(from.wiring, {
          write: (piece) => {
            text += piece;
          },
        });
        const document = JSON.parse(text);
        const comments = document.articles[0].comments as { parent: unknown }[];
        const selfAt = comments.findIndex((c) => c.parent === null);
        const missingAt = comments.findIndex((c, at) => at !== selfAt && c.parent !== null);
        (comments[selfAt] as { parent: unknown }).parent = selfAt;
        (comments[missingAt] as { parent: unknown }).parent = 99;
        const file = path.join(folder, 'broken-threads.json');
        writeFileSync(file, JSON.stringify(document));
        const report = await importJson(to.wiring, file);
        assert.ok(
          report.warnings.some((w) => new RegExp(`#${selfAt} .*names itself as its parent`).test(w)),
          report.warnings.join('\n'),
        );
        assert.ok(
          report.warnings.some((w) =>
            new RegExp(`#${missingAt} .*comment #99\\) is not in the file`).test(w),
          ),
          report.warnings.join('\n'),
        );
        assert.equal(Object.values(await threads(to)).filter((p) => p === null).length, 2);

        const out = path.join(folder, 'broken-markdown');
        await exportMarkdown(from.wiring.store, out, { mediaDir: path.join(from.database.dataDir, 'media') });
        const yaml = readFileSync(path.join(out, 'comments.yaml'), 'utf8');
        writeFileSync(path.join(out, 'comments.yaml'), yaml.replace(/parent: null/, 'parent: 0'));
        const markdownReport = await importMarkdown(again.wiring, out);
        const line = markdownReport.outcomes.find((f) => f.file.endsWith('comments.yaml'));
        // The first comment listed (the reply) answers the second, which now answers it: a loop, cut.
        assert.match(line?.warning ?? '', /comment \[0\]: its replies lead back to it \(a loop\)/);
        assert.equal(Object.keys(await threads(again)).length, 3);
      } finally {
        await from.cleanup();
        await to.cleanup();
        await again.cleanup();
      }
    });

    test('a reply listed before its parent keeps its parent through the Markdown export', async () => {
      const from = await source();
      const to = await createTestWiring(kind);
      try {
        const out = path.join(folder, 'markdown');
        await exportMarkdown(from.wiring.store, out, { mediaDir: path.join(from.database.dataDir, 'media') });
        await importMarkdown(to.wiring, out);
        assert.deepEqual(await threads(to), EXPECTED);
      } finally {
        await from.cleanup();
        await to.cleanup();
      }
    });
  });
}

/** A post of these comments ([id, parent, body]). */
function postWith(id: number, slug: string, comments: [number, number, string][]): string {
  return `<item>
    <title>${slug}</title>
    <link>https://threads.example/2020/06/${slug}/</link>
    <dc:creator><![CDATA[admin]]></dc:creator>
    <content:encoded><![CDATA[<p>Text.</p>]]></content:encoded>
    <wp:post_id>${id}</wp:post_id>
    <wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>${slug}</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    ${comments
      .map(
        ([cid, parent, body]) =>
          `<wp:comment><wp:comment_id>${cid}</wp:comment_id><wp:comment_author><![CDATA[Reader ${cid}]]></wp:comment_author><wp:comment_date_gmt>2020-06-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[${body}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>${parent}</wp:comment_parent></wp:comment>`,
      )
      .join('\n')}
  </item>`;
}

for (const kind of DATABASE_KINDS) {
  describe(`impossible comment threads in a WordPress export on ${kind}`, () => {
    test('a comment replying to itself, in a loop or to another post’s comment is kept as a comment of its own, and noted', async () => {
      const t = await createTestWiring(kind);
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-bad-threads-'));
      try {
        const file = path.join(folder, 'bad-threads.xml');
        writeFileSync(
          file,
          WXR.replace(
            /<item>[\s\S]*<\/item>/,
            postWith(1, 'first', [
              [11, 0, 'Root'],
              [12, 12, 'Talks to itself'],
              [13, 14, 'Loop one'],
              [14, 13, 'Loop two'],
              [15, 11, 'A real reply'],
            ]) + postWith(2, 'second', [[21, 11, 'Reply to another post']]),
          ),
        );
        const report = await importWordPress(t.wiring, file);
        const expected = {
          Root: null,
          'Talks to itself': null,
          'Loop one': null,
          'Loop two': null,
          'A real reply': 'Root',
          'Reply to another post': null,
        };
        assert.deepEqual(await threads(t), expected);
        for (const [id, problem] of [
          [12, /itself/],
          [13, /loop/],
          [14, /loop/],
          [21, /another post/],
        ] as const) {
          const warning = report.warnings.find((w) => w.startsWith(`comment ${id} on `)) ?? '';
          assert.match(warning, problem, `comment ${id}: ${report.warnings.join('\n')}`);
          assert.match(warning, /comment of its own/);
          const line = report.items.find((i) => i.kind === 'comment' && i.id === String(id));
          assert.match(line?.reason ?? '', problem, `comment ${id}'s own report line`);
        }
        // A re-run finds the same threads and says so again.
        const again = await importWordPress(t.wiring, file);
        assert.deepEqual(await threads(t), expected);
        assert.equal(again.counts.comment.updated, 0);
      } finally {
        await t.cleanup();
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}
