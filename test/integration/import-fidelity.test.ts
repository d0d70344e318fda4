import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { parse as parseYaml } from 'yaml';
import { LocalMediaStore } from '../../src/adapters/media-store.ts';
import { renderMarkdownNow } from '../../src/content/markdown.ts';
import { draftOf, saveArticleIn } from '../../src/services/articles.ts';
import { sitemapFile } from '../../src/services/discovery/sitemaps.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import type { MigrationReport } from '../../src/services/import/session.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { savePageIn } from '../../src/services/pages.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';
import { ghostSourceItems, isWellFormedXml, wxrSourceItems } from '../helpers/source-items.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const OURS = path.resolve(here, '..', 'fixtures', 'import');
const SHARED = path.resolve(here, '..', '..', '..', 'shared', 'fixtures');
const ours = (name: string) => path.join(OURS, name);
/** The address the Ghost site of our fixtures had (its exports refer to their own images). */
const OLD_GHOST = 'https://harbour.example';

/** Shared fixtures that strict XML parsers reject (their README says so); the rest must import. */
const NOT_WELL_FORMED = new Set([
  'wxr/wordpress-importer/crazy-cdata.xml',
  'wxr/wordpress-importer/malformed.xml',
]);

function filesUnder(folder: string, extension: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function outcomesOf(report: MigrationReport, kind: string) {
  return report.items.filter((item) => item.kind === kind);
}

/** Every item of the report has a known outcome, and the skipped and failed ones a reason. */
function assertAccounted(report: MigrationReport, label: string): void {
  for (const item of report.items) {
    assert.ok(
      ['imported', 'updated', 'unchanged', 'skipped', 'failed'].includes(item.outcome),
      `${label}: ${item.kind} ${item.id}`,
    );
    if (item.outcome === 'skipped' || item.outcome === 'failed')
      assert.ok(item.reason?.trim(), `${label}: ${item.kind} ${item.id} says why it was ${item.outcome}`);
  }
}

/** A WXR file with a post whose markup nests deeper than the converter can follow. */
function withUnconvertibleItem(folder: string): string {
  const depth = 60_000;
  const nested = `${'<em>'.repeat(depth)}deep${'</em>'.repeat(depth)}`;
  const file = path.join(folder, 'one-bad-item.xml');
  writeFileSync(
    file,
    readFileSync(ours('wordpress-one-bad-item.xml'), 'utf8').replace('<p>NESTED</p>', `<p>${nested}</p>`),
  );
  return file;
}

for (const kind of DATABASE_KINDS) {
  describe(`import fidelity on ${kind}`, () => {
    let t: TestWiring;
    let folder: string;
    before(async () => {
      t = await createTestWiring(kind);
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-fidelity-'));
    });
    after(async () => {
      await t.cleanup();
      rmSync(folder, { recursive: true, force: true });
    });

    test('one post that cannot be converted is reported by id, title and reason; the rest is imported', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const report = await importWordPress(fresh.wiring, withUnconvertibleItem(folder));
        const failed = report.items.filter((item) => item.outcome === 'failed');
        assert.equal(failed.length, 1);
        assert.equal(failed[0]?.id, '2');
        assert.equal(failed[0]?.title, 'Broken body');
        assert.match(failed[0]?.reason ?? '', /could not be converted/);
        assert.ok(await fresh.wiring.store.articles.findBySlug('high-water'));
        assert.ok(await fresh.wiring.store.articles.findBySlug('low-water'));
        assert.equal(await fresh.wiring.store.articles.findBySlug('broken-body'), undefined);
        const comment = outcomesOf(report, 'comment')[0];
        assert.equal(comment?.outcome, 'skipped');
        assert.match(comment?.reason ?? '', /post failed/);
        assert.equal(report.isRolledBack, false);
      } finally {
        await fresh.cleanup();
      }
    });

    test('with --strict, one failing post means nothing is imported, and the report says why', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const report = await importWordPress(fresh.wiring, withUnconvertibleItem(folder), { isStrict: true });
        assert.equal(report.isRolledBack, true);
        assert.deepEqual(
          report.items.filter((item) => item.outcome === 'failed').map((item) => item.id),
          ['2'],
        );
        assert.ok(report.items.every((item) => item.outcome === 'failed' || item.outcome === 'skipped'));
        assert.equal(await fresh.wiring.store.articles.findBySlug('high-water'), undefined);
        assert.equal((await fresh.wiring.store.people.list()).length, 0);
      } finally {
        await fresh.cleanup();
      }
    });

    test('a post whose slug was changed keeps its old addresses (_wp_old_slug) as redirects', async () => {
      await importWordPress(t.wiring, ours('wordpress-fidelity.xml'));
      const article = (await t.wiring.store.articles.findBySlug('reading-a-file'))!;
      for (const old of ['/2012/03/reading-files', '/2012/03/读文件']) {
        const redirect = await t.wiring.store.redirects.find(old);
        assert.equal(redirect?.toPath, `/articles/${article.slug}`, old);
      }
    });

    test('an undeclared atom: prefix is read leniently and said in the report', async () => {
      const report = await importWordPress(t.wiring, ours('wordpress-fidelity.xml'));
      assert.ok(
        report.warnings.some((w) => /prefix "atom:" is used without a namespace declaration/.test(w)),
        report.warnings.join('\n'),
      );
      assert.ok(await t.wiring.store.articles.findBySlug('reading-a-file'));
    });

    test('code blocks, code shortcodes and a table with line breaks come across whole', async () => {
      const article = await t.wiring.store.articles.findBySlug('reading-a-file');
      assert.ok(article);
      const body = article.bodyMarkdown;
      assert.match(
        body,
        /```\n#include <iostream>\n#include <vector>\n\nint main\(\) \{\n {4}std::vector<char> buffer;\n {4}m_map\[y\]\[x\] = 1;\n# this line is a preprocessor-style comment, not a heading\n {4}return 0;\n\}\n```/,
      );
      assert.match(
        body,
        // An upload not copied (no --uploads) is a link to the old site's file, not an image it serves.
        /\[Image: The lamp, on lighthouse\.example\]\(https:\/\/lighthouse\.example\/wp-content\/uploads\/2012\/03\/lamp\.png\)/,
      );
      assert.match(body, /```python\ndef keep\(lines\):\n {4}return \[l for l in lines if l < "z"\]\n```/);
      assert.match(body, /```php\n<\?php echo "<b>raw<\/b>"; \?>\n```/);
      assert.match(body, /```php\n\$light = 'on';\n```/);
      assert.match(body, /```php\n<\?php \$rows = fetch\(\); \?>\n<table>/);
      assert.match(body, /Last line\.$/);
      const html = article.bodyHtml;
      assert.match(html, /#include &lt;iostream&gt;/);
      assert.match(html, /std::vector&lt;char&gt; buffer;/);
      assert.doesNotMatch(html, /<h\d[^>]*>\s*this line/);
      assert.match(html, /<td>lit 1871<br \/>rebuilt 1902<\/td>/);
      assert.match(
        html,
        /<a href="https:\/\/lighthouse\.example\/wp-content\/uploads\/2012\/03\/lamp\.png"[^>]*>Image: The lamp, on lighthouse\.example<\/a>/,
      );
    });

    test('the sitemap dates an imported article by its modified date, not the import', async () => {
      const xml = await sitemapFile(t.wiring, 'articles-2012-03.xml');
      assert.match(
        xml ?? '',
        /<loc>[^<]*\/articles\/reading-a-file<\/loc><lastmod>2013-05-06T07:08:09(?:\.000)?Z<\/lastmod>/,
      );
      // Without a modified date in the file, the publication date stands in.
      const aside = await t.wiring.store.articles.findBySlug('aside');
      assert.equal(aside?.updatedAt.slice(0, 19), '2012-04-02T09:30:00');
    });

    test('<!--more--> sets the summary and stays as the preview break', async () => {
      const article = await t.wiring.store.articles.findBySlug('aside');
      assert.ok(article);
      assert.equal(article.summary, 'The teaser comes first.');
      assert.equal(
        article.bodyMarkdown,
        'The teaser comes first.\n\n<!--more-->\n\nThe rest of the aside follows the break.',
      );
    });

    test('nothing is dropped silently: post formats, comments on pages and attachments, bad records', async () => {
      const report = await importWordPress(t.wiring, ours('wordpress-fidelity.xml'));
      assertAccounted(report, 'wordpress-fidelity.xml');
      const reason = (kind: string, id: string | RegExp) =>
        report.items.find(
          (item) => item.kind === kind && (typeof id === 'string' ? item.id === id : id.test(item.id)),
        )?.reason ?? '';
      assert.match(reason('comment', '901'), /pages/);
      assert.match(reason('comment', '902'), /attachments/);
      assert.match(reason('comment', /^line \d+$/), /wp:comment_id/);
      assert.match(reason('author', /^line \d+$/), /author_login/);
      assert.match(reason('term', /^line \d+$/), /taxonomy/);
      assert.match(reason('term', 'post_format:post-format-aside'), /not mapped/);
      assert.match(reason('item', '105'), /nav_menu_item/);
      assert.ok(
        report.warnings.some((w) => /"post_format", which is not mapped.*Aside ×1/.test(w)),
        report.warnings.join('\n'),
      );
      // A second run over the same file changes nothing.
      assert.deepEqual(
        report.items.filter((item) => item.outcome === 'imported' || item.outcome === 'updated'),
        [],
      );
    });

    test('Ghost 5 posts_meta gives the feature image its alt text; a body that cannot be read fails the post, with the reason', async () => {
      const report = await importGhost(t.wiring, ours('ghost-fidelity.json'), { oldUrl: OLD_GHOST });
      const notes = await t.wiring.store.articles.findBySlug('harbour-notes');
      assert.equal(notes?.featuredImageAlt, 'The harbour at dawn');
      assert.ok(
        report.warnings.some((w) => /g1.*caption is not kept.*Photo: Ana Lind/.test(w)),
        report.warnings.join('\n'),
      );
      const broken = report.items.find((item) => item.id === 'g5');
      assert.equal(broken?.outcome, 'failed');
      assert.match(broken?.reason ?? '', /paragraph has children that are not a list/);
      assert.equal(await t.wiring.store.articles.findBySlug('unreadable-body'), undefined);
    });

    test('Ghost embeds (html, lexical, mobiledoc) stay as links that load nothing until followed, and are counted', async () => {
      // A fresh instance: a re-run of the same file (as the test before made) counts its embeds unchanged.
      const fresh = await createTestWiring(kind);
      try {
        const report = await importGhost(fresh.wiring, ours('ghost-fidelity.json'), { oldUrl: OLD_GHOST });
        assert.equal(report.counts.embed.imported, 4);
        assert.ok(
          report.warnings.some((w) => /YouTube ×2, Spotify ×2/.test(w)),
          report.warnings.join('\n'),
        );
        const notes = await fresh.wiring.store.articles.findBySlug('harbour-notes');
        assert.ok(notes);
        assert.match(
          notes.bodyMarkdown,
          /\[▶ Watch on YouTube: Big Buck Bunny\]\(https:\/\/www\.youtube\.com\/watch\?v=aqz-KE-bpKQ\)/,
        );
        assert.match(
          notes.bodyMarkdown,
          /\[▶ Listen on Spotify\]\(https:\/\/open\.spotify\.com\/episode\/512ojhOuo1ktJprKbVcKyQ\)/,
        );
        assert.doesNotMatch(notes.bodyHtml, /<iframe|youtube\.com\/embed|open\.spotify\.com\/embed/);
        assert.match(
          notes.bodyHtml,
          /<a href="https:\/\/www\.youtube\.com\/watch\?v=aqz-KE-bpKQ" rel="noopener">/,
        );
        // Footnote targets, a table with line breaks and a code block come across too.
        assert.match(notes.bodyHtml, /<span id="fn1"><\/span>/);
        assert.match(notes.bodyHtml, /href="#fn1"/);
        assert.match(notes.bodyHtml, /<td>06:10<br \/>18:32<\/td>/);
        assert.match(notes.bodyMarkdown, /```python\nif depth < 2:\n {4}# stay ashore\n {4}wait\(\)\n```/);
        const film = await fresh.wiring.store.articles.findBySlug('dawn-film');
        assert.match(
          film?.bodyMarkdown ?? '',
          // The card's player has no title, as the post's html would have none: the same label.
          /Before the video\.\n\n\[▶ Watch on YouTube\]\(https:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ\)\n\n\*Filmed from the pier\*/,
        );
        assert.match(film?.bodyMarkdown ?? '', /After the video\./);
        const shanty = await fresh.wiring.store.articles.findBySlug('shanty');
        assert.match(
          shanty?.bodyMarkdown ?? '',
          /\[▶ Listen on Spotify\]\(https:\/\/open\.spotify\.com\/track\/4uLU6hMCjMI75M1A2tKUQC\)/,
        );
        assert.equal(notes.updatedAt.slice(0, 19), '2021-06-02T09:30:00');
      } finally {
        await fresh.cleanup();
      }
    });

    test('Ghost images without --images keep their URL at the old site, and each is listed', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const report = await importGhost(fresh.wiring, ours('ghost-fidelity.json'), {
          oldUrl: 'https://harbour.example/',
        });
        const images = outcomesOf(report, 'image');
        assert.deepEqual(images.map((i) => i.id).sort(), [
          '2021/05/cover.png',
          '2021/05/hana.png',
          '2021/05/harbour.png',
          '2021/05/pier.png',
        ]);
        for (const image of images) {
          assert.equal(image.outcome, 'skipped');
          assert.match(image.reason ?? '', /stays at https:\/\/harbour\.example\/content\/images\//);
        }
        const notes = await fresh.wiring.store.articles.findBySlug('harbour-notes');
        assert.equal(notes?.featuredImage, 'https://harbour.example/content/images/2021/05/cover.png');
        assert.match(
          notes?.bodyMarkdown ?? '',
          /!\[The harbour\]\(https:\/\/harbour\.example\/content\/images\/2021\/05\/harbour\.png\)/,
        );
        const [person] = await fresh.wiring.store.people.list();
        assert.equal(person?.photo, 'https://harbour.example/content/images/2021/05/hana.png');
      } finally {
        await fresh.cleanup();
      }
    });

    test('Ghost images with --images are copied into the media library with variants; a missing one is listed', async () => {
      const fresh = await createTestWiring(kind);
      const imagesDir = path.join(folder, `images-${kind}`);
      mkdirSync(path.join(imagesDir, '2021', '05'), { recursive: true });
      for (const [name, colour] of [
        ['cover', '#1d4e89'],
        ['harbour', '#2a9d8f'],
        ['pier', '#e9c46a'],
      ] as const)
        await sharp({ create: { width: 1200, height: 600, channels: 3, background: colour } })
          .png()
          .toFile(path.join(imagesDir, '2021', '05', `${name}.png`));
      const media = new LocalMediaStore(path.join(folder, `media-${kind}`));
      try {
        const report = await importGhost(fresh.wiring, ours('ghost-fidelity.json'), { imagesDir, media });
        const outcome = (id: string) => outcomesOf(report, 'image').find((i) => i.id === id);
        assert.equal(outcome('2021/05/cover.png')?.outcome, 'imported');
        assert.equal(outcome('2021/05/pier.png')?.outcome, 'imported');
        assert.equal(outcome('2021/05/hana.png')?.outcome, 'skipped');
        assert.match(outcome('2021/05/hana.png')?.reason ?? '', /not in the images folder/);
        const notes = await fresh.wiring.store.articles.findBySlug('harbour-notes');
        assert.match(notes?.featuredImage ?? '', /^\/media\/.+\.png$/);
        const body = /!\[The harbour\]\((\/media\/[^)]+)\)/.exec(notes?.bodyMarkdown ?? '');
        assert.ok(body, notes?.bodyMarkdown ?? 'no article');
        const stored = await fresh.wiring.store.media.findByUrl(body[1] as string);
        assert.ok(stored);
        const variants = await fresh.wiring.store.mediaVariants.listFor([stored.id]);
        assert.deepEqual([...new Set(variants.map((v) => v.format))].sort(), ['avif', 'png', 'webp']);
        assert.ok(variants.some((v) => v.width === 480));
        const film = await fresh.wiring.store.articles.findBySlug('dawn-film');
        assert.match(film?.bodyMarkdown ?? '', /!\[The pier\]\(\/media\//);
        // A second run finds the copies again instead of storing them twice.
        const before = (await fresh.wiring.store.media.listAll()).length;
        const again = await importGhost(fresh.wiring, ours('ghost-fidelity.json'), { imagesDir, media });
        assert.equal(
          outcomesOf(again, 'image').find((i) => i.id === '2021/05/cover.png')?.outcome,
          'unchanged',
        );
        assert.equal((await fresh.wiring.store.media.listAll()).length, before);
      } finally {
        await fresh.cleanup();
      }
    });

    /** A Ghost 5 export of the given posts (and nothing else), written to the test's folder. */
    const ghostExport = (name: string, posts: Record<string, unknown>[]) => {
      const file = path.join(folder, `${name}-${kind}.json`);
      const rows = posts.map((post, index) => ({
        id: `p${index + 1}`,
        type: 'post',
        status: 'published',
        published_at: '2023-05-02T10:00:00.000Z',
        html: null,
        ...post,
      }));
      writeFileSync(
        file,
        JSON.stringify({
          db: [
            {
              meta: { exported_on: 1690000000000, version: '5.60.0' },
              data: { posts: rows, tags: [], users: [] },
            },
          ],
        }),
      );
      return file;
    };

    test('Ghost Markdown and HTML cards of posts without html keep their Markdown (lexical and mobiledoc)', async () => {
      const markdown =
        '## Heading in card\n\n- item one\n- item two\n\n```python\n# comment\nx = a < b\n```\n\nText with **bold** and a note[^1].\n\n[^1]: The note.';
      const file = ghostExport('markdown-cards', [
        {
          slug: 'lexical-card',
          title: 'Lexical card',
          lexical: JSON.stringify({
            root: {
              type: 'root',
              children: [
                { type: 'markdown', version: 1, markdown },
                { type: 'html', version: 1, html: '<p>Raw <em>HTML</em> card</p>' },
                { type: 'toggle', heading: 'Open me', content: '<p>Hidden <strong>answer</strong></p>' },
              ],
            },
          }),
        },
        {
          slug: 'mobiledoc-card',
          title: 'Mobiledoc card',
          mobiledoc: JSON.stringify({
            version: '0.3.1',
            atoms: [],
            markups: [],
            cards: [
              ['markdown', { markdown }],
              ['card-markdown', { markdown: '### Older card\n\n1. first\n2. second' }],
            ],
            sections: [
              [10, 0],
              [10, 1],
            ],
          }),
        },
      ]);
      const report = await importGhost(t.wiring, file);
      assert.equal(report.counts.article.imported, 2);
      for (const slug of ['lexical-card', 'mobiledoc-card']) {
        const article = await t.wiring.store.articles.findBySlug(slug);
        const body = article?.bodyMarkdown ?? '';
        assert.match(
          body,
          /^## Heading in card\n\n- item one\n- item two\n\n```python\n# comment\nx = a < b\n```\n/,
          slug,
        );
        const html = article?.bodyHtml ?? '';
        assert.match(html, /<h2>Heading in card<\/h2>/, slug);
        assert.match(html, /<li>item one<\/li>\s*<li>item two<\/li>/, slug);
        assert.match(html, /<code class="language-python"># comment\nx = a &lt; b/, slug);
        assert.match(html, /<strong>bold<\/strong>/, slug);
        // The note is linked to, and its target is there.
        assert.match(html, /<a href="#fn1">/, slug);
        assert.match(html, /<li><span id="fn1"><\/span>The note\./, slug);
        assert.doesNotMatch(html, /\[\^1\]/, slug);
      }
      const lexical = await t.wiring.store.articles.findBySlug('lexical-card');
      assert.match(lexical?.bodyMarkdown ?? '', /Raw \*HTML\* card/);
      assert.match(lexical?.bodyMarkdown ?? '', /\*\*Open me\*\*\n\nHidden \*\*answer\*\*/);
      const mobiledoc = await t.wiring.store.articles.findBySlug('mobiledoc-card');
      assert.match(mobiledoc?.bodyMarkdown ?? '', /### Older card\n\n1\. first\n2\. second/);
    });

    const IMAGE_POST = {
      slug: 'pictured',
      title: 'Pictured',
      feature_image: '__GHOST_URL__/content/images/2023/05/feature.png',
      lexical: JSON.stringify({
        root: {
          type: 'root',
          children: [
            { type: 'paragraph', children: [{ type: 'text', text: 'Before.' }] },
            {
              type: 'image',
              src: '__GHOST_URL__/content/images/2023/05/body.png',
              alt: 'Body',
              caption: 'Kept caption',
            },
            {
              type: 'markdown',
              markdown: '![Lost](__GHOST_URL__/content/images/2023/05/lost.png)\n\nAfter.',
            },
          ],
        },
      }),
    };

    test('a Ghost export with images is refused, before anything is written, without --images or --old-url', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const file = ghostExport('images-refused', [IMAGE_POST]);
        await assert.rejects(importGhost(fresh.wiring, file), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'IMPORT_FAILED');
          assert.match(error.message, /3 image\(s\)/);
          assert.match(error.message, /--images/);
          assert.match(error.message, /--old-url/);
          return true;
        });
        assert.equal(await fresh.wiring.store.articles.findBySlug('pictured'), undefined);
        assert.deepEqual(await fresh.wiring.store.media.listAll(), []);
      } finally {
        await fresh.cleanup();
      }
    });

    test('a Ghost image missing from --images is left out and listed; none becomes a /content/images/ path', async () => {
      const fresh = await createTestWiring(kind);
      const imagesDir = path.join(folder, `partial-images-${kind}`);
      mkdirSync(path.join(imagesDir, '2023', '05'), { recursive: true });
      await sharp({ create: { width: 640, height: 320, channels: 3, background: '#336699' } })
        .png()
        .toFile(path.join(imagesDir, '2023', '05', 'body.png'));
      const media = new LocalMediaStore(path.join(folder, `partial-media-${kind}`));
      try {
        const file = ghostExport('images-partial', [IMAGE_POST]);
        const report = await importGhost(fresh.wiring, file, { imagesDir, media });
        const article = await fresh.wiring.store.articles.findBySlug('pictured');
        const body = article?.bodyMarkdown ?? '';
        assert.doesNotMatch(`${body}${article?.featuredImage}`, /content\/images/);
        assert.match(body, /!\[Body\]\(\/media\/[^)]+\.png\)\n\n\*Kept caption\*/);
        assert.doesNotMatch(body, /Lost/);
        assert.match(body, /After\./);
        assert.equal(article?.featuredImage, null);
        const skipped = report.skipped.filter((s) => s.kind === 'media').map((s) => s.ref);
        assert.deepEqual(skipped.sort(), ['image 2023/05/feature.png', 'image 2023/05/lost.png']);
        for (const image of outcomesOf(report, 'image').filter((i) => i.outcome === 'skipped'))
          assert.match(image.reason ?? '', /not in the images folder; left out/);
        // With the old site's address, a missing image is linked there instead.
        const linked = await importGhost(fresh.wiring, file, {
          imagesDir,
          media,
          oldUrl: 'https://old.example/',
        });
        assert.equal(linked.counts.article.updated, 1);
        const again = await fresh.wiring.store.articles.findBySlug('pictured');
        assert.equal(again?.featuredImage, 'https://old.example/content/images/2023/05/feature.png');
        assert.match(
          again?.bodyMarkdown ?? '',
          /!\[Lost\]\(https:\/\/old\.example\/content\/images\/2023\/05\/lost\.png\)/,
        );
      } finally {
        await fresh.cleanup();
      }
    });

    test('with --old-url only, Ghost images stay at the old site and each is listed once, naming the posts that use it', async () => {
      const fresh = await createTestWiring(kind);
      const src = (p: string) => `__GHOST_URL__/content/images/${p}`;
      // Ghost's html writes every image card with a srcset of its resized copies.
      const card = (p: string, alt: string) =>
        `<figure class="kg-card kg-image-card"><img src="${src(p)}" class="kg-image" alt="${alt}" srcset="${src(`size/w600/${p}`)} 600w, ${src(`size/w1000/${p}`)} 1000w, ${src(p)} 1600w"></figure>`;
      const file = path.join(folder, `old-url-only-${kind}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          db: [
            {
              meta: { exported_on: 1690000000000, version: '5.60.0' },
              data: {
                posts: [
                  {
                    id: 'p1',
                    slug: 'harbour-lights',
                    title: 'Harbour lights',
                    type: 'post',
                    status: 'published',
                    published_at: '2023-05-02T10:00:00.000Z',
                    feature_image: src('2023/05/feature.jpg'),
                    html: `<p>Before.</p>${card('2023/05/quay.png', 'Quay')}<p>After.</p>`,
                    lexical: JSON.stringify({
                      root: {
                        type: 'root',
                        children: [
                          { type: 'paragraph', children: [{ type: 'text', text: 'Before.' }] },
                          { type: 'image', src: src('2023/05/quay.png'), alt: 'Quay' },
                          { type: 'paragraph', children: [{ type: 'text', text: 'After.' }] },
                        ],
                      },
                    }),
                  },
                  {
                    id: 'p2',
                    slug: 'night-ferry',
                    title: 'Night ferry',
                    type: 'post',
                    status: 'published',
                    published_at: '2023-05-03T10:00:00.000Z',
                    html: `<p>Again.</p>${card('2023/05/quay.png', 'Quay again')}`,
                  },
                ],
                users: [
                  {
                    id: 'u1',
                    name: 'Ines Harbour',
                    slug: 'ines',
                    email: 'ines@example.com',
                    profile_image: src('2023/05/ines.jpg'),
                  },
                ],
                tags: [],
              },
            },
          ],
        }),
      );
      try {
        const report = await importGhost(fresh.wiring, file, { oldUrl: 'https://old.example/' });
        const first = await fresh.wiring.store.articles.findBySlug('harbour-lights');
        const second = await fresh.wiring.store.articles.findBySlug('night-ferry');
        assert.equal(first?.featuredImage, 'https://old.example/content/images/2023/05/feature.jpg');
        assert.match(
          first?.bodyMarkdown ?? '',
          /!\[Quay\]\(https:\/\/old\.example\/content\/images\/2023\/05\/quay\.png\)/,
        );
        assert.match(second?.bodyMarkdown ?? '', /https:\/\/old\.example\/content\/images\/[^)]*quay\.png/);
        for (const body of [first?.bodyHtml, second?.bodyHtml, first?.bodyMarkdown, second?.bodyMarkdown])
          assert.doesNotMatch(body ?? '', /(?<!old\.example)\/content\/images\//);
        const person = await fresh.wiring.store.people.findBySlug('ines');
        assert.equal(person?.photo, 'https://old.example/content/images/2023/05/ines.jpg');
        // One line per image (its resized copies are the same image), naming who uses it.
        const skipped = report.skipped.filter((s) => s.kind === 'media');
        assert.deepEqual(skipped.map((s) => s.ref).sort(), [
          'image 2023/05/feature.jpg',
          'image 2023/05/ines.jpg',
          'image 2023/05/quay.png',
        ]);
        const reasonOf = (ref: string) => skipped.find((s) => s.ref === ref)?.reason ?? '';
        assert.match(reasonOf('image 2023/05/feature.jpg'), /post p1 "Harbour lights"/);
        assert.match(reasonOf('image 2023/05/quay.png'), /post p1 "Harbour lights".*post p2 "Night ferry"/);
        assert.match(reasonOf('image 2023/05/ines.jpg'), /user u1 "Ines Harbour"/);
        for (const s of skipped) assert.match(s.reason, /stays at https:\/\/old\.example\/content\/images\//);
        assert.equal(outcomesOf(report, 'image').length, 3);
      } finally {
        await fresh.cleanup();
      }
    });

    test('the report lists every item of our fixtures, checked against an independent parse', async () => {
      const ghostText = readFileSync(ours('ghost-fidelity.json'), 'utf8');
      const ghostExpected = ghostSourceItems(ghostText);
      assert.ok(ghostExpected);
      const ghostTarget = await createTestWiring(kind);
      try {
        const report = await importGhost(ghostTarget.wiring, ours('ghost-fidelity.json'), {
          oldUrl: OLD_GHOST,
        });
        assertAccounted(report, 'ghost-fidelity.json');
        for (const [itemKind, n] of Object.entries(ghostExpected))
          assert.equal(outcomesOf(report, itemKind).length, n, `ghost-fidelity.json: ${itemKind}`);
      } finally {
        await ghostTarget.cleanup();
      }
      for (const name of ['wordpress-fidelity.xml', 'wordpress-one-bad-item.xml']) {
        const text = readFileSync(ours(name), 'utf8');
        assert.ok(isWellFormedXml(text), `${name} is well-formed`);
        const expected = wxrSourceItems(text);
        const fresh = await createTestWiring(kind);
        try {
          const report = await importWordPress(fresh.wiring, ours(name));
          assertAccounted(report, name);
          for (const [itemKind, n] of Object.entries(expected.counts))
            assert.equal(outcomesOf(report, itemKind).length, n, `${name}: ${itemKind}`);
        } finally {
          await fresh.cleanup();
        }
      }
    });
  });

  const wxrFixtures = filesUnder(path.join(SHARED, 'wxr'), '.xml');
  describe(`every shared WXR fixture on ${kind}: each item accounted for`, {
    skip: skipUnlessCI(wxrFixtures.length > 0 ? undefined : 'the shared fixtures folder is absent') ?? false,
  }, () => {
    for (const file of wxrFixtures) {
      const label = path.relative(SHARED, file);
      test(label, async () => {
        const t = await createTestWiring(kind);
        try {
          if (NOT_WELL_FORMED.has(label)) {
            // Refused whole, naming the place, with nothing written.
            await assert.rejects(importWordPress(t.wiring, file), {
              code: 'IMPORT_FAILED',
              message: /line \d+/,
            });
            assert.equal((await t.wiring.store.articles.listAll()).length, 0);
            return;
          }
          const expected = wxrSourceItems(readFileSync(file, 'utf8'));
          const report = await importWordPress(t.wiring, file);
          assertAccounted(report, label);
          for (const [itemKind, n] of Object.entries(expected.counts))
            assert.equal(outcomesOf(report, itemKind).length, n, `${label}: ${itemKind}`);
          const numeric = expected.postIds.filter((id) => /^\d+$/.test(id)).sort();
          assert.deepEqual(
            outcomesOf(report, 'item')
              .map((item) => item.id)
              .filter((id) => /^\d+$/.test(id))
              .sort(),
            numeric,
            `${label}: post ids`,
          );
        } finally {
          await t.cleanup();
        }
      });
    }
  });

  const ghostFixtures = filesUnder(path.join(SHARED, 'ghost'), '.json');
  describe(`every shared Ghost fixture on ${kind}: each post, user and tag accounted for`, {
    skip:
      skipUnlessCI(ghostFixtures.length > 0 ? undefined : 'the shared fixtures folder is absent') ?? false,
  }, () => {
    for (const file of ghostFixtures) {
      const label = path.relative(SHARED, file);
      test(label, async () => {
        const expected = ghostSourceItems(readFileSync(file, 'utf8'));
        const t = await createTestWiring(kind);
        try {
          if (!expected) {
            await assert.rejects(importGhost(t.wiring, file), { code: 'IMPORT_FAILED' });
            return;
          }
          const report = await importGhost(t.wiring, file, { oldUrl: OLD_GHOST });
          assertAccounted(report, label);
          for (const [itemKind, n] of Object.entries(expected))
            assert.equal(outcomesOf(report, itemKind).length, n, `${label}: ${itemKind}`);
        } finally {
          await t.cleanup();
        }
      });
    }
  });
}

/** The publication as the JSON export writes it, without what a Markdown export does not carry. */
async function portableState(t: TestWiring): Promise<Record<string, unknown>> {
  let text = '';
  await exportPublication(t.wiring, {
    write: (piece) => {
      text += piece;
    },
  });
  const doc = JSON.parse(text) as Record<string, Record<string, unknown>[]>;
  // Revisions are history, not content; the version counts saves.
  const strip = (rows: Record<string, unknown>[] | undefined, ...order: string[]) =>
    (rows ?? [])
      .map(({ revisions: _r, version: _v, ...rest }) => rest)
      .sort((a, b) => {
        const key = (row: Record<string, unknown>) => order.map((k) => String(row[k])).join('/');
        return key(a).localeCompare(key(b));
      });
  return {
    taxonomies: strip(doc.taxonomies, 'slug'),
    // When a term or redirect row was written is bookkeeping the export does not carry.
    terms: strip(doc.terms, 'taxonomy', 'slug').map(({ created_at: _c, updated_at: _u, ...rest }) => rest),
    people: strip(doc.people, 'slug'),
    articles: strip(doc.articles, 'slug').map(({ corrections: _c, ...rest }) => rest),
    pages: strip(doc.pages, 'slug'),
    redirects: strip(doc.redirects, 'from_path').map(({ created_at: _c, ...rest }) => rest),
  };
}

for (const kind of DATABASE_KINDS) {
  describe(`Markdown export and import on ${kind}`, () => {
    test('a Markdown export read into an empty instance is the same publication, field by field', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-md-roundtrip-'));
      try {
        await importWordPress(source.wiring, ours('wordpress-fidelity.xml'));
        const store = source.wiring.store;
        const now = source.wiring.now();
        await store.transaction(async (repos) => {
          await savePageIn(
            repos,
            {
              slug: 'membership',
              title: 'Membership',
              bodyMarkdown: 'Join us.',
              status: 'published',
              showInNavigation: true,
              position: 3,
            },
            { actor: 'test', now },
          );
          const theme = (await repos.taxonomies.listTaxonomies()).find((x) => x.slug === 'theme');
          assert.ok(theme);
          const parent = await repos.taxonomies.insertTerm(
            {
              taxonomyId: theme.id,
              slug: 'cclicense',
              name: 'CC License',
              description: 'Open *licences*.',
              descriptionHtml: renderMarkdownNow('Open *licences*.'),
              parentId: null,
              position: 2,
            },
            '2020-01-01T00:00:00.000Z',
          );
          await repos.taxonomies.insertTerm(
            {
              taxonomyId: theme.id,
              slug: 'by-sa',
              name: 'BY SA',
              description: null,
              descriptionHtml: null,
              parentId: parent,
              position: 0,
            },
            '2020-01-01T00:00:00.000Z',
          );
          const article = await repos.articles.findBySlug('aside');
          assert.ok(article);
          await saveArticleIn(
            repos,
            { ...draftOf(article), termIds: [...article.termIds, parent] },
            { actor: 'test', now, id: article.id },
          );
          const first = await repos.comments.insert({
            articleId: article.id,
            parentId: null,
            authorName: 'Ana',
            authorEmail: 'ana@example.org',
            authorUrl: null,
            body: 'A question?',
            status: 'approved',
            kind: 'comment',
            createdAt: '2021-01-01T00:00:00.000Z',
            sourceId: null,
          });
          await repos.comments.insert({
            articleId: article.id,
            parentId: first,
            authorName: 'Ines Keeper',
            authorEmail: null,
            authorUrl: 'https://lighthouse.example/',
            body: 'An answer.',
            status: 'pending',
            kind: 'comment',
            createdAt: '2021-01-02T00:00:00.000Z',
            sourceId: null,
          });
          await repos.redirects.put(
            { fromPath: '/old-membership', toPath: '/membership', statusCode: 301 },
            '2021-01-01T00:00:00.000Z',
          );
          await findOrCreatePerson(
            repos,
            {
              name: 'Guest Without Articles',
              slug: 'guest',
              bio: 'Writes *rarely*.',
              website: 'https://guest.example/',
            },
            now,
          );
        });
        await exportMarkdown(store, folder, { mediaDir: path.join(source.database.dataDir, 'media') });
        const report = await importMarkdown(target.wiring, folder);
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
        const before = await portableState(source);
        const after = await portableState(target);
        for (const key of Object.keys(before)) assert.deepEqual(after[key], before[key], `${key} differ`);
        assert.ok((before.pages as unknown[]).length >= 2);
        assert.ok((before.redirects as unknown[]).length > 0);
        const aside = (before.articles as { slug: string; comments: unknown[] }[]).find(
          (a) => a.slug === 'aside',
        );
        assert.equal(aside?.comments.length, 2);
      } finally {
        await source.cleanup();
        await target.cleanup();
        rmSync(folder, { recursive: true, force: true });
      }
    });

    test('a Markdown export of several batches lists every comment and redirect once, replies naming their parent by place', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-md-batches-'));
      // More than two export batches (500) of comments and of redirects.
      const count = 1_150;
      try {
        await importWordPress(source.wiring, ours('wordpress-fidelity.xml'));
        const store = source.wiring.store;
        const [first, second] = await store.articles.listAll();
        assert.ok(first && second);
        const record = (n: number, parentId: number | null) => ({
          articleId: n % 2 === 0 ? first.id : second.id,
          parentId,
          authorName: `Reader ${n}`,
          authorEmail: null,
          authorUrl: null,
          body: `Comment ${n}`,
          status: 'approved' as const,
          kind: 'comment' as const,
          createdAt: `2021-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`,
          sourceId: null,
        });
        const parentOf = new Map<number, number>();
        await store.transaction(async (repos) => {
          const ids: number[] = [];
          for (let n = 0; n < count; n += 1) {
            // Every third comment answers one 520 earlier: its parent is in an earlier batch.
            const parent = n % 3 === 0 && n >= 520 ? n - 520 : null;
            if (parent !== null) parentOf.set(n, parent);
            ids.push(await repos.comments.insert(record(n, parent === null ? null : (ids[parent] ?? null))));
          }
          // A reply written before its parent (as imports may): the parent is listed after it.
          const early = ids[7] as number;
          const late = await repos.comments.insert(record(count, null));
          await repos.comments.update(early, record(7, late));
          parentOf.set(7, count);
          for (let n = 0; n < count; n += 1)
            await repos.redirects.put(
              { fromPath: `/old/${n}`, toPath: `/articles/${first.slug}`, statusCode: 301 },
              '2021-01-01T00:00:00.000Z',
            );
        });
        await exportMarkdown(store, folder, { mediaDir: path.join(source.database.dataDir, 'media') });
        const comments = parseYaml(readFileSync(path.join(folder, 'comments.yaml'), 'utf8')) as {
          body: string;
          parent: number | null;
        }[];
        const redirects = parseYaml(readFileSync(path.join(folder, 'redirects.yaml'), 'utf8')) as {
          from: string;
        }[];
        const fixtureComments = (await store.comments.listAll()).length - count - 1;
        assert.equal(comments.length, count + 1 + fixtureComments);
        assert.equal(new Set(comments.map((c) => c.body)).size, comments.length);
        assert.equal(redirects.filter((r) => r.from.startsWith('/old/')).length, count);
        for (const comment of comments) {
          const n = /^Comment (\d+)$/.exec(comment.body)?.[1];
          if (n === undefined) continue;
          const parent = parentOf.get(Number(n));
          assert.equal(
            comment.parent === null ? null : comments[comment.parent]?.body,
            parent === undefined ? null : `Comment ${parent}`,
            comment.body,
          );
        }
        // What the import reads back is the same publication (a reply to a later comment aside:
        // the import links a reply only to a comment listed before it).
        const report = await importMarkdown(target.wiring, folder);
        assert.equal(report.failed, 0);
        assert.equal((await target.wiring.store.comments.listAll()).length, comments.length);
        assert.equal((await target.wiring.store.redirects.list()).length, redirects.length);
      } finally {
        await source.cleanup();
        await target.cleanup();
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}
