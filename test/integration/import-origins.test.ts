// Imports never write over content they did not make: an article or page at the same slug that
// was written in the newsroom, or brought by another import, is left alone and the imported one
// takes a free slug, which the report names. Running the same import again updates what it made.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { printImportReport } from '../../src/cli/import.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { blankArticleInput, createArticle } from '../../src/services/newsroom/editor.ts';
import { savePageIn } from '../../src/services/pages.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';

const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Old site</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title>From WordPress</title><link>https://old.example/from-wordpress/</link>
    <content:encoded><![CDATA[<p>Written in WordPress.</p>]]></content:encoded>
    <wp:post_id>11</wp:post_id><wp:post_date>2020-01-01 10:00:00</wp:post_date>
    <wp:post_name>from-wordpress</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  </item>
</channel></rss>
`;

/** Writes a hand-made article (in the newsroom), a hand-made page and a WordPress article. */
async function handMadeContent(t: TestWiring, dir: string): Promise<void> {
  const editor = await addStaff(t.wiring, 'editor', 'Hand Editor');
  await createArticle(t.wiring, editor, {
    ...blankArticleInput('en'),
    title: 'Harbour notes',
    slug: 'harbour-notes',
    bodyMarkdown: 'Written by hand.',
  });
  await t.wiring.store.transaction((repos) =>
    savePageIn(
      repos,
      {
        slug: 'about',
        title: 'About us',
        bodyMarkdown: 'Our own about page.',
        status: 'published',
        showInNavigation: true,
        position: 0,
      },
      { actor: String(editor.id), now: t.wiring.now() },
    ),
  );
  const wxr = path.join(dir, 'old.xml');
  writeFileSync(wxr, WXR);
  await importWordPress(t.wiring, wxr);
}

/** The body of the live article at a slug. */
async function bodyAt(t: TestWiring, slug: string): Promise<string | undefined> {
  return (await t.wiring.store.articles.findBySlug(slug))?.bodyMarkdown;
}

for (const kind of DATABASE_KINDS) {
  describe(`imports and content of another origin on ${kind}`, () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'pressroom-origins-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('a Markdown import leaves hand-made and other imports’ articles and pages alone, renames, and says so', async () => {
      const t = await createTestWiring(kind);
      try {
        await handMadeContent(t, dir);
        const folder = path.join(dir, 'markdown-site');
        mkdirSync(path.join(folder, 'articles'), { recursive: true });
        mkdirSync(path.join(folder, 'pages'), { recursive: true });
        writeFileSync(
          path.join(folder, 'articles', 'harbour-notes.md'),
          '---\ntitle: Harbour notes\nslug: harbour-notes\n---\n\nFrom the Markdown folder.\n',
        );
        writeFileSync(
          path.join(folder, 'articles', 'from-wordpress.md'),
          '---\ntitle: From WordPress\nslug: from-wordpress\n---\n\nFrom the Markdown folder too.\n',
        );
        writeFileSync(
          path.join(folder, 'pages', 'about.md'),
          '---\ntitle: About\nslug: about\n---\n\nThe imported about page.\n',
        );
        const articlesBefore = await t.wiring.store.articles.count();
        const report = await importMarkdown(t.wiring, folder);
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
        assert.equal(await bodyAt(t, 'harbour-notes'), 'Written by hand.');
        assert.equal(await bodyAt(t, 'from-wordpress'), 'Written in WordPress.');
        assert.equal((await t.wiring.store.pages.findBySlug('about'))?.bodyMarkdown, 'Our own about page.');
        assert.equal(await bodyAt(t, 'harbour-notes-2'), 'From the Markdown folder.');
        assert.equal(await bodyAt(t, 'from-wordpress-2'), 'From the Markdown folder too.');
        assert.equal(
          (await t.wiring.store.pages.findBySlug('about-imported'))?.bodyMarkdown,
          'The imported about page.',
        );
        const said = (file: string) => report.outcomes.find((o) => o.file.endsWith(file))?.warning ?? '';
        assert.match(said('harbour-notes.md'), /\/articles\/harbour-notes .*\/articles\/harbour-notes-2/);
        assert.match(said('from-wordpress.md'), /\/articles\/from-wordpress .*\/articles\/from-wordpress-2/);
        assert.match(said('about.md'), /\/about .*\/about-imported/);
        assert.equal(await t.wiring.store.articles.count(), articlesBefore + 2);
        // The command's report says it on the file's line.
        const lines: string[] = [];
        printImportReport(report, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
        const at = lines.findIndex((line) => line.includes('harbour-notes.md'));
        assert.match(lines[at] ?? '', /imported harbour-notes-2/);
        assert.match(lines[at + 1] ?? '', /note: \/articles\/harbour-notes .*\/articles\/harbour-notes-2/);

        // The same folder again, edited: what the import made is updated where it is, and
        // nothing else is touched or added.
        writeFileSync(
          path.join(folder, 'articles', 'harbour-notes.md'),
          '---\ntitle: Harbour notes\nslug: harbour-notes\n---\n\nFrom the Markdown folder, edited.\n',
        );
        const again = await importMarkdown(t.wiring, folder);
        // The edited file is updated; the article and the page whose files did not change are not.
        assert.deepEqual([again.imported, again.updated, again.unchanged, again.failed], [0, 1, 2, 0]);
        assert.equal(await t.wiring.store.articles.count(), articlesBefore + 2);
        assert.equal(await bodyAt(t, 'harbour-notes'), 'Written by hand.');
        assert.equal(await bodyAt(t, 'harbour-notes-2'), 'From the Markdown folder, edited.');
        assert.equal((await t.wiring.store.pages.findBySlug('about'))?.bodyMarkdown, 'Our own about page.');
        assert.equal((await t.wiring.store.pages.list()).length, 2);
      } finally {
        await t.cleanup();
      }
    });

    test('a WordPress import renames an article whose slug a hand-made one holds, and says so', async () => {
      const t = await createTestWiring(kind);
      try {
        const editor = await addStaff(t.wiring, 'editor', 'Hand Editor');
        await createArticle(t.wiring, editor, {
          ...blankArticleInput('en'),
          title: 'From WordPress',
          slug: 'from-wordpress',
          bodyMarkdown: 'Written by hand.',
        });
        const wxr = path.join(dir, `collide-${kind}.xml`);
        writeFileSync(wxr, WXR);
        const report = await importWordPress(t.wiring, wxr);
        assert.equal(await bodyAt(t, 'from-wordpress'), 'Written by hand.');
        assert.equal(await bodyAt(t, 'from-wordpress-2'), 'Written in WordPress.');
        assert.ok(
          report.warnings.some(
            (w) => w.includes('/articles/from-wordpress ') && w.includes('/articles/from-wordpress-2'),
          ),
          JSON.stringify(report.warnings),
        );
        const again = await importWordPress(t.wiring, wxr);
        assert.equal(again.counts.article.imported, 0);
        assert.deepEqual(again.warnings, []);
        assert.equal(await t.wiring.store.articles.count(), 2);
      } finally {
        await t.cleanup();
      }
    });

    test('a Markdown export of a site read back into the same site updates each item in place', async () => {
      const t = await createTestWiring(kind);
      try {
        await handMadeContent(t, dir);
        const folder = path.join(dir, `self-export-${kind}`);
        await exportMarkdown(t.wiring.store, folder, { mediaDir: path.join(t.database.dataDir, 'media') });
        const articles = await t.wiring.store.articles.count();
        const report = await importMarkdown(t.wiring, folder);
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
        assert.deepEqual(
          report.outcomes.filter((o) => o.warning),
          [],
        );
        assert.equal(await t.wiring.store.articles.count(), articles);
        assert.equal((await t.wiring.store.pages.list()).length, 1);
        assert.equal(await bodyAt(t, 'harbour-notes'), 'Written by hand.');
      } finally {
        await t.cleanup();
      }
    });

    test('a JSON import leaves hand-made articles and pages alone, renames, points redirects at the renamed, and says so', async () => {
      // Content made at another moment: an item is known again by when it was made.
      const source = await createTestWiring(kind, {
        siteUrl: 'https://elsewhere.example',
        now: new Date('2026-10-01T08:00:00.000Z'),
      });
      const target = await createTestWiring(kind);
      try {
        const editor = await addStaff(source.wiring, 'editor', 'Elsewhere Editor');
        await createArticle(source.wiring, editor, {
          ...blankArticleInput('en'),
          title: 'Harbour notes',
          slug: 'harbour-notes',
          bodyMarkdown: 'From the other site.',
        });
        await source.wiring.store.transaction(async (repos) => {
          await savePageIn(
            repos,
            {
              slug: 'about',
              title: 'About them',
              bodyMarkdown: 'The other site’s about page.',
              status: 'published',
              showInNavigation: false,
              position: 1,
            },
            { actor: 'test', now: source.wiring.now() },
          );
          await repos.redirects.put(
            { fromPath: '/old/harbour', toPath: '/articles/harbour-notes', statusCode: 301 },
            '2026-01-01T00:00:00.000Z',
          );
          await repos.redirects.put(
            { fromPath: '/old/about', toPath: '/about', statusCode: 301 },
            '2026-01-01T00:00:00.000Z',
          );
        });
        let text = '';
        await exportPublication(source.wiring, {
          write: (piece) => {
            text += piece;
          },
        });
        const file = path.join(dir, `elsewhere-${kind}.json`);
        writeFileSync(file, text);

        await handMadeContent(target, dir);
        const report = await importJson(target.wiring, file);
        assert.equal(await bodyAt(target, 'harbour-notes'), 'Written by hand.');
        assert.equal(await bodyAt(target, 'harbour-notes-2'), 'From the other site.');
        assert.equal(
          (await target.wiring.store.pages.findBySlug('about'))?.bodyMarkdown,
          'Our own about page.',
        );
        assert.equal(
          (await target.wiring.store.pages.findBySlug('about-imported'))?.bodyMarkdown,
          'The other site’s about page.',
        );
        assert.ok(
          report.warnings.some(
            (w) => w.includes('/articles/harbour-notes ') && w.includes('/articles/harbour-notes-2'),
          ),
          JSON.stringify(report.warnings),
        );
        assert.ok(
          report.warnings.some((w) => w.includes('/about ') && w.includes('/about-imported')),
          JSON.stringify(report.warnings),
        );
        assert.equal(
          (await target.wiring.store.redirects.find('/old/harbour'))?.toPath,
          '/articles/harbour-notes-2',
        );
        assert.equal((await target.wiring.store.redirects.find('/old/about'))?.toPath, '/about-imported');

        // Again: the items it brought are updated where they are; nothing is added or overwritten.
        const articles = await target.wiring.store.articles.count();
        const again = await importJson(target.wiring, file);
        assert.equal(again.counts.article.imported, 0);
        assert.equal(again.counts.page.imported, 0);
        assert.equal(await target.wiring.store.articles.count(), articles);
        assert.equal((await target.wiring.store.pages.list()).length, 2);
        assert.equal(await bodyAt(target, 'harbour-notes'), 'Written by hand.');
        assert.equal(
          (await target.wiring.store.pages.findBySlug('about'))?.bodyMarkdown,
          'Our own about page.',
        );
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });
  });
}
