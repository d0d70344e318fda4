import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { LocalMediaStore } from '../../src/adapters/media-store.ts';
import { buildApp } from '../../src/app.ts';
import { importGhost } from '../../src/services/import/ghost.ts';
import type { MigrationReport } from '../../src/services/import/session.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

type Row = Record<string, unknown>;

const DATED = {
  created_at: '2021-05-01T10:00:00.000Z',
  updated_at: '2021-05-01T10:00:00.000Z',
  published_at: '2021-05-01T10:00:00.000Z',
};

/** A published Ghost 5 post (or page) with the given fields. */
function ghostPost(fields: Row): Row {
  return { type: 'post', status: 'published', ...DATED, ...fields };
}

/** A Ghost 5 export of these rows. */
function ghostExport(data: {
  posts: Row[];
  tags?: Row[];
  users?: Row[];
  posts_tags?: Row[];
  posts_authors?: Row[];
  settings?: Row[];
  members?: Row[];
}) {
  return JSON.stringify({
    db: [{ meta: { exported_on: 1620000000000, version: '5.0.0' }, data: { tags: [], users: [], ...data } }],
  });
}

/** A lexical body of these cards, after a paragraph. */
function lexical(...cards: Row[]): string {
  return JSON.stringify({
    root: {
      type: 'root',
      version: 1,
      children: [
        { type: 'paragraph', version: 1, children: [{ type: 'text', version: 1, text: 'Before the card.' }] },
        ...cards.map((card) => ({ version: 1, ...card })),
      ],
    },
  });
}

function itemLine(report: MigrationReport, kind: string, id: string) {
  const found = report.items.find((item) => item.kind === kind && item.id === id);
  assert.ok(found, `${kind} ${id} is in the report`);
  return found;
}

for (const kind of DATABASE_KINDS) {
  describe(`Ghost import fidelity on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-ghost-fidelity-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    const write = (name: string, text: string) => {
      const file = path.join(folder, name);
      writeFileSync(file, text);
      return file;
    };

    test('a strict import that fails takes back the images it copied into the media library', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const imagesDir = path.join(folder, 'strict-images');
        mkdirSync(path.join(imagesDir, '2021', '05'), { recursive: true });
        await sharp({ create: { width: 640, height: 320, channels: 3, background: '#336699' } })
          .png()
          .toFile(path.join(imagesDir, '2021', '05', 'quay.png'));
        const mediaFolder = path.join(folder, 'strict-media');
        const media = new LocalMediaStore(mediaFolder);
        const file = write(
          'strict.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'a1',
                title: 'The quay',
                slug: 'the-quay',
                html: '<p>Look.</p><img src="__GHOST_URL__/content/images/2021/05/quay.png" alt="The quay">',
              }),
              ghostPost({
                id: 'a2',
                title: 'Impossible',
                slug: 'impossible',
                html: '<p>x</p>',
                published_at: '2021-02-30T10:00:00.000Z',
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file, { isStrict: true, imagesDir, media });
        assert.equal(report.isRolledBack, true);
        assert.deepEqual(await t.wiring.store.media.listAll(), []);
        const files = existsSync(mediaFolder)
          ? readdirSync(mediaFolder, { recursive: true, withFileTypes: true }).filter((entry) =>
              entry.isFile(),
            )
          : [];
        assert.deepEqual(files, []);
        assert.equal(itemLine(report, 'image', '2021/05/quay.png').outcome, 'skipped');
      } finally {
        await t.cleanup();
      }
    });

    test("images at other sites' addresses (an HTML card's pixel, an image card, a feature image) become links to them, each listed", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'hotlinked.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'x1',
                title: 'Hotlinked',
                slug: 'hotlinked',
                feature_image: 'https://images.unsplash.example/photo-1.jpg',
                lexical: lexical(
                  { type: 'html', html: '<img src="https://track.example/open.gif" width="1" height="1">' },
                  { type: 'image', src: 'https://cdn.example/quay.png', alt: 'The quay', caption: '' },
                ),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        const article = await t.wiring.store.articles.findBySlug('hotlinked');
        assert.ok(article);
        assert.equal(article.featuredImage, null);
        assert.doesNotMatch(article.bodyHtml, /<img/);
        for (const label of [
          'Image: photo-1.jpg, on images.unsplash.example',
          'Image: open.gif, on track.example',
          'Image: The quay, on cdn.example',
        ])
          assert.ok(article.bodyHtml.includes(`>${label}</a>`), `${label} in ${article.bodyHtml}`);
        const line = itemLine(report, 'post', 'x1');
        assert.match(
          line.reason ?? '',
          /2 external images kept as links[^;]*https:\/\/track\.example\/open\.gif, https:\/\/cdn\.example\/quay\.png/,
        );
        assert.match(line.reason ?? '', /feature external image kept as a link[^;]*photo-1\.jpg/);
        assert.ok(
          report.warnings.some((w) => /^3 external images were kept as links/.test(w)),
          report.warnings.join('\n'),
        );
      } finally {
        await t.cleanup();
      }
    });

    test('one YouTube embed becomes the same link card whether the post has html, mobiledoc or lexical', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        // Ghost keeps the address the author pasted (a Shorts link here) and the player's markup,
        // as oEmbed gave it, in the card; the html export holds that markup.
        const iframe =
          '<iframe width="200" height="113" src="https://www.youtube.com/embed/abcdefghijk?feature=oembed" frameborder="0" allowfullscreen></iframe>';
        const payload = {
          url: 'https://youtube.com/shorts/abcdefghijk',
          html: iframe,
          type: 'video',
          metadata: { title: 'Harbour at dawn', provider_name: 'YouTube' },
          caption: 'Filmed at six.',
        };
        const file = write(
          'one-embed.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'y1',
                title: 'From html',
                slug: 'from-html',
                html: `<p>Before the card.</p><figure class="kg-card kg-embed-card kg-card-hascaption">${iframe}<figcaption>Filmed at six.</figcaption></figure>`,
              }),
              ghostPost({
                id: 'y2',
                title: 'From mobiledoc',
                slug: 'from-mobiledoc',
                mobiledoc: JSON.stringify({
                  version: '0.3.1',
                  atoms: [],
                  markups: [],
                  cards: [['embed', payload]],
                  sections: [
                    [1, 'p', [[0, [], 0, 'Before the card.']]],
                    [10, 0],
                  ],
                }),
              }),
              ghostPost({
                id: 'y3',
                title: 'From lexical',
                slug: 'from-lexical',
                lexical: lexical({
                  type: 'embed',
                  url: payload.url,
                  embedType: 'video',
                  html: iframe,
                  metadata: payload.metadata,
                  caption: payload.caption,
                }),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        assert.equal(report.counts.embed.imported, 3);
        assert.ok(
          report.warnings.some((w) => /embedded players.*YouTube ×3/.test(w)),
          report.warnings.join('\n'),
        );
        const bodies = [];
        for (const slug of ['from-html', 'from-mobiledoc', 'from-lexical']) {
          const article = await t.wiring.store.articles.findBySlug(slug);
          bodies.push({ slug, markdown: article?.bodyMarkdown, html: article?.bodyHtml });
        }
        const [html, ...others] = bodies;
        assert.match(
          html?.markdown ?? '',
          /\[▶ Watch on YouTube\]\(https:\/\/www\.youtube\.com\/watch\?v=abcdefghijk\)/,
        );
        assert.doesNotMatch(html?.html ?? '', /<iframe|youtube\.com\/embed/);
        for (const other of others)
          assert.deepEqual(
            { markdown: other.markdown, html: other.html },
            { markdown: html?.markdown, html: html?.html },
            other.slug,
          );
      } finally {
        await t.cleanup();
      }
    });

    test('a tweet embed becomes the same quote, with its author and a link to it, from html, mobiledoc or lexical', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        // Ghost keeps Twitter's embed code (a blockquote and its script) in the card and the html.
        const tweet =
          '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Low tide at 6:12, the quay is dry.</p>&mdash; Harbour Master (@harbourmaster) <a href="https://twitter.com/harbourmaster/status/1234567890?ref_src=twsrc%5Etfw">May 1, 2021</a></blockquote>\n<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>';
        const payload = {
          url: 'https://twitter.com/harbourmaster/status/1234567890',
          html: tweet,
          type: 'rich',
          metadata: { author_name: 'Harbour Master', provider_name: 'Twitter' },
          caption: '',
        };
        const file = write(
          'tweet.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 't1',
                title: 'Tweet from html',
                slug: 'tweet-from-html',
                html: `<p>Before the card.</p><figure class="kg-card kg-embed-card">${tweet}</figure>`,
              }),
              ghostPost({
                id: 't2',
                title: 'Tweet from mobiledoc',
                slug: 'tweet-from-mobiledoc',
                mobiledoc: JSON.stringify({
                  version: '0.3.1',
                  atoms: [],
                  markups: [],
                  cards: [['embed', payload]],
                  sections: [
                    [1, 'p', [[0, [], 0, 'Before the card.']]],
                    [10, 0],
                  ],
                }),
              }),
              ghostPost({
                id: 't3',
                title: 'Tweet from lexical',
                slug: 'tweet-from-lexical',
                lexical: lexical({ ...payload, type: 'embed', embedType: 'twitter' }),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        assert.equal(report.counts.embed.imported, 3);
        assert.ok(
          report.warnings.some((w) => /embedded players.*Twitter\/X ×3/.test(w)),
          report.warnings.join('\n'),
        );
        const bodies = [];
        for (const slug of ['tweet-from-html', 'tweet-from-mobiledoc', 'tweet-from-lexical']) {
          const article = await t.wiring.store.articles.findBySlug(slug);
          bodies.push({ slug, markdown: article?.bodyMarkdown, html: article?.bodyHtml });
        }
        const [html, ...others] = bodies;
        assert.equal(
          html?.markdown,
          'Before the card.\n\n> Low tide at 6:12, the quay is dry.\n>\n> — Harbour Master (@harbourmaster) · [▶ View on Twitter/X: May 1, 2021](https://twitter.com/harbourmaster/status/1234567890)',
        );
        assert.doesNotMatch(html?.html ?? '', /<script|platform\.twitter\.com|<iframe/);
        for (const other of others)
          assert.deepEqual(
            { markdown: other.markdown, html: other.html },
            { markdown: html?.markdown, html: html?.html },
            other.slug,
          );
      } finally {
        await t.cleanup();
      }
    });

    test('a re-run reports embedded players unchanged, and names only those it wrote', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'embeds.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'e1',
                title: 'Watch this',
                slug: 'watch-this',
                html: '<p>Film:</p><figure class="kg-card kg-embed-card"><iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe></figure>',
              }),
            ],
          }),
        );
        const first = await importGhost(t.wiring, file);
        assert.deepEqual(first.counts.embed, {
          imported: 1,
          updated: 0,
          unchanged: 0,
          skipped: 0,
          failed: 0,
        });
        assert.ok(first.warnings.some((w) => /embedded players.*YouTube ×1/.test(w)));
        const again = await importGhost(t.wiring, file);
        assert.deepEqual(again.counts.embed, {
          imported: 0,
          updated: 0,
          unchanged: 1,
          skipped: 0,
          failed: 0,
        });
        assert.equal(again.counts.article.unchanged, 1);
        assert.ok(!again.warnings.some((w) => /embedded players/.test(w)), again.warnings.join('\n'));
      } finally {
        await t.cleanup();
      }
    });

    test('a post an earlier run left linking to a post not written yet is pointed at it by the run that writes it, and reads updated', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const linking = ghostPost({
          id: 'r1',
          title: 'First',
          slug: 'first',
          html: '<p>Read <a href="__GHOST_URL__/second/">the second</a> next.</p>',
        });
        const second = ghostPost({ id: 'r2', title: 'Second', slug: 'second', html: '<p>Second.</p>' });
        // What a run stopped after its first batch leaves: the link waits for the last pass.
        const early = await importGhost(t.wiring, write('part.json', ghostExport({ posts: [linking] })));
        assert.equal(itemLine(early, 'post', 'r1').outcome, 'imported');
        assert.equal(
          (await t.wiring.store.articles.findBySlug('first'))?.bodyMarkdown,
          'Read [the second](/second/) next.',
        );
        const whole = write('whole.json', ghostExport({ posts: [linking, second] }));
        const report = await importGhost(t.wiring, whole);
        assert.equal(
          (await t.wiring.store.articles.findBySlug('first'))?.bodyMarkdown,
          'Read [the second](/articles/second) next.',
        );
        assert.equal(itemLine(report, 'post', 'r1').outcome, 'updated');
        assert.deepEqual(report.counts.article, {
          imported: 1,
          updated: 1,
          unchanged: 0,
          skipped: 0,
          failed: 0,
        });
        const again = await importGhost(t.wiring, whole);
        assert.equal(itemLine(again, 'post', 'r1').outcome, 'unchanged');
        assert.equal(again.counts.article.unchanged, 2);
      } finally {
        await t.cleanup();
      }
    });

    test('bookmark cards become link cards, from the html as from lexical, with no image of the other site, and are counted', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const card =
          '<figure class="kg-card kg-bookmark-card kg-card-hascaption"><a class="kg-bookmark-container" href="https://tides.example/tables"><div class="kg-bookmark-content"><div class="kg-bookmark-title">Tide tables</div><div class="kg-bookmark-description">When the sea comes in, port by port.</div><div class="kg-bookmark-metadata"><img class="kg-bookmark-icon" src="https://tides.example/favicon.ico" alt=""><span class="kg-bookmark-author">Harbour Office</span><span class="kg-bookmark-publisher">Tides</span></div></div><div class="kg-bookmark-thumbnail"><img src="https://tides.example/thumb.jpg" alt=""></div></a><figcaption>Our <em>source</em>.</figcaption></figure>';
        const file = write(
          'bookmarks.json',
          ghostExport({
            posts: [
              ghostPost({ id: 'b1', title: 'From html', slug: 'from-html', html: `<p>Read:</p>${card}` }),
              ghostPost({
                id: 'b2',
                title: 'From lexical',
                slug: 'from-lexical',
                lexical: lexical({
                  type: 'bookmark',
                  url: 'https://tides.example/tables',
                  caption: 'Our <em>source</em>.',
                  metadata: {
                    title: 'Tide tables',
                    description: 'When the sea comes in, port by port.',
                    author: 'Harbour Office',
                    publisher: 'Tides',
                    icon: 'https://tides.example/favicon.ico',
                    thumbnail: 'https://tides.example/thumb.jpg',
                  },
                }),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        const expected =
          '**[Tide tables](https://tides.example/tables)**  \nWhen the sea comes in, port by port.  \n*Tides · Harbour Office*\n\n*Our source.*';
        const fromHtml = await t.wiring.store.articles.findBySlug('from-html');
        assert.equal(fromHtml?.bodyMarkdown, `Read:\n\n${expected}`);
        const fromLexical = await t.wiring.store.articles.findBySlug('from-lexical');
        assert.equal(fromLexical?.bodyMarkdown, `Before the card.\n\n${expected}`);
        for (const article of [fromHtml, fromLexical]) {
          assert.doesNotMatch(article?.bodyHtml ?? '', /<img|favicon|thumb\.jpg/);
          assert.match(
            article?.bodyHtml ?? '',
            /<a href="https:\/\/tides\.example\/tables"[^>]*>Tide tables<\/a>/,
          );
        }
        assert.equal(report.counts.embed.imported, 2);
        assert.ok(
          report.warnings.some((w) => /bookmark card ×2/.test(w)),
          report.warnings.join('\n'),
        );
      } finally {
        await t.cleanup();
      }
    });

    test('audio, video and files of the Ghost site are linked at its old address with --old-url, listed, never at /content/ here', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const html =
          '<p>Listen:</p><audio src="__GHOST_URL__/content/media/2024/01/ep%201.mp3"></audio>' +
          '<figure class="kg-card kg-video-card"><video src="__GHOST_URL__/content/media/2024/01/tour.mp4" poster="__GHOST_URL__/content/media/2024/01/tour_thumb.jpg"></video><figcaption>The tour</figcaption></figure>' +
          '<p><a href="__GHOST_URL__/content/files/2024/01/report.pdf">The report</a></p>';
        const file = write(
          'files.json',
          ghostExport({
            posts: [
              ghostPost({ id: 'f1', title: 'With files', slug: 'with-files', html }),
              ghostPost({
                id: 'f2',
                title: 'With cards',
                slug: 'with-cards',
                lexical: lexical(
                  { type: 'audio', src: '__GHOST_URL__/content/media/2024/01/a.mp3', title: 'Episode' },
                  { type: 'file', src: '__GHOST_URL__/content/files/2024/01/f.pdf', fileTitle: 'Notes' },
                ),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file, { oldUrl: 'https://old-ghost.example/' });
        const old = 'https://old-ghost.example/content';
        const withFiles = (await t.wiring.store.articles.findBySlug('with-files'))?.bodyMarkdown ?? '';
        assert.match(withFiles, new RegExp(`\\(${old}/media/2024/01/ep%201\\.mp3\\)`));
        assert.match(withFiles, new RegExp(`\\(${old}/media/2024/01/tour\\.mp4\\) \\(video\\)\\s+The tour`));
        assert.match(withFiles, new RegExp(`\\[The report\\]\\(${old}/files/2024/01/report\\.pdf\\)`));
        const withCards = (await t.wiring.store.articles.findBySlug('with-cards'))?.bodyMarkdown ?? '';
        assert.match(withCards, new RegExp(`\\[Episode\\]\\(${old}/media/2024/01/a\\.mp3\\)`));
        assert.match(withCards, new RegExp(`\\[Notes\\]\\(${old}/files/2024/01/f\\.pdf\\)`));
        for (const body of [withFiles, withCards]) assert.doesNotMatch(body, /\]\(\/content\//);
        assert.match(
          itemLine(report, 'post', 'f1').reason ?? '',
          /3 audio, video or other file\(s\) linked at the old site: .*ep%201\.mp3.*tour\.mp4.*report\.pdf/,
        );
        // Without the old site's address, the labels stay as text, and each file is named.
        const t2: TestWiring = await createTestWiring(kind);
        try {
          const bare = await importGhost(t2.wiring, file);
          const body = (await t2.wiring.store.articles.findBySlug('with-files'))?.bodyMarkdown ?? '';
          assert.doesNotMatch(body, /content\/|ghost-file/);
          assert.match(body, /ep 1\.mp3[\s\S]*tour\.mp4 \(video\)\s+The tour\s+The report/);
          assert.match(
            itemLine(bare, 'post', 'f1').reason ?? '',
            /3 audio, video or other file\(s\) of the Ghost site not linked.*give --old-url.*content\/files\/2024\/01\/report\.pdf/,
          );
        } finally {
          await t2.cleanup();
        }
      } finally {
        await t.cleanup();
      }
    });

    test("Ghost's audio, video and file cards in html become links with their title, never player clutter or a stand-in host", async () => {
      const t: TestWiring = await createTestWiring(kind);
      const t2: TestWiring = await createTestWiring(kind);
      try {
        const controls =
          '<button class="kg-audio-play-icon"><svg viewBox="0 0 24 24"><path d="M2 1"></path></svg></button>' +
          '<span class="kg-audio-current-time">0:00</span><div class="kg-audio-time">/<span class="kg-audio-duration">12:34</span></div>' +
          '<input type="range" class="kg-audio-seek-slider" max="100" value="0"><button class="kg-audio-playback-rate">1&#215;</button>';
        const audioCard =
          '<div class="kg-card kg-audio-card"><img src="" alt="audio-thumbnail" class="kg-audio-thumbnail kg-audio-hide">' +
          '<div class="kg-audio-player-container"><audio src="__GHOST_URL__/content/media/2023/03/harbour.mp3" preload="metadata"></audio>' +
          `<div class="kg-audio-title">Harbour sounds</div><div class="kg-audio-player">${controls}</div></div></div>`;
        const videoCard =
          '<figure class="kg-card kg-video-card"><div class="kg-video-container"><video src="__GHOST_URL__/content/media/2023/03/quay.mp4" poster="https://img.spacergif.org/v1/640x360/0a/spacer.png" playsinline preload="metadata"></video>' +
          '<div class="kg-video-overlay"><button class="kg-video-large-play-icon"><svg></svg></button></div>' +
          '<div class="kg-video-player-container"><div class="kg-video-player"><span class="kg-video-current-time">0:00</span><div class="kg-video-time">/<span class="kg-video-duration">1:02</span></div></div></div></div>' +
          '<figcaption>Along the quay</figcaption></figure>';
        const fileCard =
          '<div class="kg-card kg-file-card"><a class="kg-file-card-container" href="__GHOST_URL__/content/files/2023/03/tides.pdf" title="Download" download>' +
          '<div class="kg-file-card-contents"><div class="kg-file-card-title">Tide tables</div><div class="kg-file-card-caption">For March</div>' +
          '<div class="kg-file-card-metadata"><div class="kg-file-card-filename">tides.pdf</div><div class="kg-file-card-filesize">88 KB</div></div></div>' +
          '<div class="kg-file-card-icon"><svg></svg></div></a></div>';
        const file = write(
          'media-cards.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'm1',
                title: 'Cards in html',
                slug: 'cards-in-html',
                html: `<p>Intro.</p>${audioCard}${videoCard}${fileCard}`,
              }),
              ghostPost({
                id: 'm2',
                title: 'Cards in an html card',
                slug: 'cards-in-html-card',
                lexical: lexical(
                  { type: 'html', html: `${audioCard}${fileCard}` },
                  { type: 'video', src: '', caption: 'A video never uploaded' },
                ),
              }),
            ],
          }),
        );
        const linked = await importGhost(t.wiring, file, { oldUrl: 'https://old-ghost.example' });
        const old = 'https://old-ghost.example/content';
        const inHtml = (await t.wiring.store.articles.findBySlug('cards-in-html'))?.bodyMarkdown ?? '';
        assert.equal(
          inHtml,
          `Intro.\n\n[Harbour sounds](${old}/media/2023/03/harbour.mp3) (audio)\n\n` +
            `[quay.mp4](${old}/media/2023/03/quay.mp4) (video)\n\nAlong the quay\n\n` +
            `[Tide tables](${old}/files/2023/03/tides.pdf) (file)\n\nFor March`,
        );
        const inCard = (await t.wiring.store.articles.findBySlug('cards-in-html-card'))?.bodyMarkdown ?? '';
        assert.match(inCard, new RegExp(`\\[Harbour sounds\\]\\(${old}/media/2023/03/harbour\\.mp3\\)`));
        assert.match(inCard, new RegExp(`\\[Tide tables\\]\\(${old}/files/2023/03/tides\\.pdf\\)`));
        assert.ok(
          linked.warnings.some((w) => w.includes('"Cards in an html card"') && /"video" card/.test(w)),
          linked.warnings.join('\n'),
        );
        // Without the old site's address: the titles as text, no stand-in address anywhere.
        const bare = await importGhost(t2.wiring, file);
        for (const slug of ['cards-in-html', 'cards-in-html-card']) {
          const article = await t2.wiring.store.articles.findBySlug(slug);
          assert.doesNotMatch(
            `${article?.bodyMarkdown}${article?.bodyHtml}`,
            /\.invalid|0:00|1×|12:34|88 KB/,
          );
          assert.match(article?.bodyMarkdown ?? '', /Harbour sounds \(audio\)[\s\S]*Tide tables \(file\)/);
        }
        assert.match(
          itemLine(bare, 'post', 'm1').reason ?? '',
          /3 audio, video or other file\(s\) of the Ghost site not linked/,
        );
      } finally {
        await t.cleanup();
        await t2.cleanup();
      }
    });

    test('Spotify embed cards keep their episode and its title, whatever player markup they hold', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const id = '4rOoJ6Egrf8K2IrywzwOMk';
        const mobiledoc = JSON.stringify({
          version: '0.3.1',
          atoms: [],
          markups: [],
          cards: [
            [
              'embed',
              {
                url: `https://open.spotify.com/episode/${id}`,
                html: `<iframe src="https://open.spotify.com/embed-podcast/episode/${id}" width="100%" height="232" frameborder="0"></iframe>`,
                type: 'rich',
                metadata: { title: 'Harbour talk' },
              },
            ],
          ],
          sections: [[10, 0]],
        });
        const file = write(
          'spotify.json',
          ghostExport({
            posts: [
              ghostPost({ id: 's1', title: 'Old pod', slug: 'old-pod', mobiledoc }),
              ghostPost({
                id: 's2',
                title: 'New pod',
                slug: 'new-pod',
                lexical: lexical({
                  type: 'embed',
                  url: `https://open.spotify.com/intl-de/episode/${id}`,
                  html: '',
                  embedType: 'rich',
                  metadata: { title: 'Harbour talk' },
                }),
              }),
              ghostPost({
                id: 's3',
                title: 'Html pod',
                slug: 'html-pod',
                html: `<figure class="kg-card kg-embed-card"><iframe style="border-radius: 12px" width="100%" height="152" title="Spotify Embed: Harbour talk" frameborder="0" src="https://open.spotify.com/embed/episode/${id}?utm_source=oembed"></iframe></figure>`,
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        const expected = `[▶ Listen on Spotify: Harbour talk](https://open.spotify.com/episode/${id})`;
        // A player without a title converts as the same player in the post's html would: untitled.
        assert.equal(
          (await t.wiring.store.articles.findBySlug('old-pod'))?.bodyMarkdown,
          `[▶ Listen on Spotify](https://open.spotify.com/episode/${id})`,
        );
        assert.equal(
          (await t.wiring.store.articles.findBySlug('new-pod'))?.bodyMarkdown,
          `Before the card.\n\n${expected}`,
        );
        assert.equal((await t.wiring.store.articles.findBySlug('html-pod'))?.bodyMarkdown, expected);
        assert.equal(report.counts.embed.imported, 3);
      } finally {
        await t.cleanup();
      }
    });

    test("Ghost's author, tag, feed and AMP addresses answer 301 to their equivalents here", async () => {
      const t: TestWiring = await createTestWiring(kind);
      const app = await buildApp(t.wiring, { shouldLog: false });
      try {
        const file = write(
          'addresses.json',
          ghostExport({
            posts: [ghostPost({ id: 'a1', title: 'First post', slug: 'first-post', html: '<p>Text.</p>' })],
            users: [{ id: 'u1', name: 'Ana Writer', slug: 'ana' }],
            tags: [{ id: 't1', name: 'Harbour news', slug: 'harbour-news' }],
            posts_authors: [{ post_id: 'a1', author_id: 'u1', sort_order: 0 }],
            posts_tags: [{ post_id: 'a1', tag_id: 't1', sort_order: 0 }],
          }),
        );
        await importGhost(t.wiring, file, { tagTaxonomy: 'theme' });
        const moved = async (url: string) => {
          const reply = await app.inject({ method: 'GET', url });
          assert.equal(reply.statusCode, 301, url);
          return reply.headers.location;
        };
        assert.equal(await moved('/author/ana/'), '/authors/ana');
        assert.equal(await moved('/author/ana/rss/'), '/authors/ana/feed.xml');
        assert.equal(await moved('/tag/harbour-news/'), '/theme/harbour-news');
        assert.equal(await moved('/tag/harbour-news/rss/'), '/theme/harbour-news/feed.xml');
        assert.equal(await moved('/rss/'), '/feed.xml');
        assert.equal(await moved('/first-post/amp/'), '/articles/first-post');
        // Addresses of nothing the import brought still answer 404.
        for (const url of ['/author/nobody/', '/tag/nothing/rss/', '/no-such-post/amp/'])
          assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
      } finally {
        await app.close();
        await t.cleanup();
      }
    });

    test("a card of a kind that cannot be kept is named on its post's line and among the notes", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'cards.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'c1',
                title: 'With a widget',
                slug: 'with-a-widget',
                lexical: lexical({ type: 'mystery-widget', data: 1 }, { type: 'paywall' }),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        const line = itemLine(report, 'post', 'c1');
        assert.equal(line.outcome, 'imported');
        assert.match(line.reason ?? '', /the "mystery-widget" card could not be kept and was left out/);
        // The paywall card is kept as the preview marker, quietly.
        assert.doesNotMatch(line.reason ?? '', /paywall/);
        assert.ok(report.warnings.some((w) => /post c1 "With a widget": the "mystery-widget" card/.test(w)));
        const article = await t.wiring.store.articles.findBySlug('with-a-widget');
        assert.equal(article?.bodyMarkdown, 'Before the card.\n\n<!-- members-only -->');
      } finally {
        await t.cleanup();
      }
    });

    test("a mobiledoc section that points at a card or atom the document does not hold is noted on its post's line", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'broken-mobiledoc.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'm1',
                title: 'Lost card',
                slug: 'lost-card',
                mobiledoc: JSON.stringify({
                  version: '0.3.1',
                  atoms: [],
                  markups: [],
                  cards: [],
                  sections: [[10, 0]],
                }),
              }),
              ghostPost({
                id: 'm2',
                title: 'Lost atom',
                slug: 'lost-atom',
                mobiledoc: JSON.stringify({
                  version: '0.3.1',
                  atoms: [],
                  markups: [],
                  cards: [],
                  sections: [
                    [
                      1,
                      'p',
                      [
                        [0, [], 0, 'Kept. '],
                        [1, [], 0, 3],
                      ],
                    ],
                  ],
                }),
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        const lost = itemLine(report, 'post', 'm1');
        assert.equal(lost.outcome, 'imported');
        assert.match(
          lost.reason ?? '',
          /its body is damaged: section 1 refers to card 0, which the mobiledoc does not hold \(0 cards\); it was left out/,
        );
        assert.equal((await t.wiring.store.articles.findBySlug('lost-card'))?.bodyMarkdown, '');
        assert.match(
          itemLine(report, 'post', 'm2').reason ?? '',
          /text refers to atom 3, which the mobiledoc does not hold/,
        );
      } finally {
        await t.cleanup();
      }
    });

    test('an image path that leads out of the images folder, in a body or a feature image, is left out with a note naming it', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const imagesDir = path.join(folder, 'escape-images');
        mkdirSync(imagesDir, { recursive: true });
        const file = write(
          'escape.json',
          ghostExport({
            users: [{ id: 'u1', name: 'Ana', slug: 'ana', profile_image: '../../etc/group' }],
            posts: [
              ghostPost({
                id: 'e1',
                title: 'Escape',
                slug: 'escape',
                html: '<p>Look.</p><img src="__GHOST_URL__/content/images/../../../../etc/passwd" alt="Passwords"><p>Also <a href="/content/images/%2e%2e/%2e%2e/etc/hosts">this</a>.</p>',
              }),
              ghostPost({
                id: 'e2',
                title: 'Shadow',
                slug: 'shadow',
                html: '<p>Text.</p>',
                feature_image: '../../etc/shadow',
              }),
            ],
            posts_authors: [{ id: 'pa1', post_id: 'e1', author_id: 'u1', sort_order: 0 }],
          }),
        );
        const report = await importGhost(t.wiring, file, {
          imagesDir,
          media: new LocalMediaStore(path.join(folder, 'escape-media')),
        });
        const escaping = await t.wiring.store.articles.findBySlug('escape');
        assert.ok(escaping);
        assert.doesNotMatch(escaping.bodyMarkdown, /etc\/passwd|etc\/hosts|\.\.\/|%2e/i);
        assert.doesNotMatch(escaping.bodyHtml, /etc\/passwd|etc\/hosts|content\/images/);
        // Named as the source writes them.
        for (const escaped of ['../../../../etc/passwd', '%2e%2e/%2e%2e/etc/hosts']) {
          const line = itemLine(report, 'image', escaped);
          assert.equal(line.outcome, 'skipped');
          assert.match(line.reason ?? '', /leads out of the images folder/);
          assert.ok(
            report.skipped.some(
              (s) => s.ref === `image ${escaped}` && /leads out of the images folder/.test(s.reason),
            ),
            JSON.stringify(report.skipped),
          );
        }
        // Named once, among the images: the post's line does not name it again as a dropped image.
        assert.equal(report.items.filter((item) => item.kind === 'image').length, 2);
        assert.doesNotMatch(itemLine(report, 'post', 'e1').reason ?? '', /relative address|Passwords/);
        assert.doesNotMatch(JSON.stringify(report), /"\.\.\/\.\.\/etc\/hosts|image \.\.\/\.\.\/etc\/hosts/);
        const shadow = await t.wiring.store.articles.findBySlug('shadow');
        assert.equal(shadow?.featuredImage, null);
        assert.match(
          itemLine(report, 'post', 'e2').reason ?? '',
          /feature image "\.\.\/\.\.\/etc\/shadow" is neither an http\(s\) address nor one of the site's images; left out/,
        );
        assert.match(
          itemLine(report, 'user', 'u1').reason ?? '',
          /profile image "\.\.\/\.\.\/etc\/group" is neither/,
        );
      } finally {
        await t.cleanup();
      }
    });

    test('Ghost signup cards, code injection and members are counted in the report as left out; paywall cards become the preview marker', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'ghost-left-out.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'c1',
                title: 'Lexical',
                slug: 'lexical-cards',
                lexical: lexical({ type: 'signup', header: 'Join us' }, { type: 'paywall' }),
                codeinjection_head: '<script>track()</script>',
              }),
              ghostPost({
                id: 'c2',
                title: 'Html',
                slug: 'html-cards',
                visibility: 'tiers',
                html: '<p>Free part.</p><!--members-only--><p>Paid part.</p><div class="kg-card kg-signup-card"><h2 class="kg-signup-card-heading">Sign up</h2><form><input type="email"></form></div>',
                codeinjection_foot: '<style>p{}</style>',
              }),
              ghostPost({ id: 'c3', title: 'Plain', slug: 'plain', html: '<p>Nothing left out.</p>' }),
            ],
            settings: [
              {
                id: 's1',
                key: 'codeinjection_head',
                value: '<script src="https://stats.example/a.js"></script>',
              },
              { id: 's2', key: 'codeinjection_foot', value: '' },
              { id: 's3', key: 'title', value: 'A site' },
            ],
            members: [
              { id: 'm1', email: 'a@example.org' },
              { id: 'm2', email: 'b@example.org' },
              { id: 'm3', email: 'c@example.org' },
            ],
          }),
        );
        const report = await importGhost(t.wiring, file);
        const said = report.warnings.join('\n');
        assert.match(said, /2 "signup" cards? .*left out/);
        assert.doesNotMatch(said, /paywall/);
        assert.match(said, /code injection of 2 posts .*left out/);
        assert.match(said, /the site's code injection \(head\) .*left out/);
        assert.match(said, /3 members .*not imported/);
        assert.doesNotMatch(said, /a@example\.org/);
        const html = await t.wiring.store.articles.findBySlug('html-cards');
        assert.equal(html?.bodyMarkdown, 'Free part.\n\n<!-- members-only -->\n\nPaid part.');
        assert.equal(html?.visibility, 'paid');
        assert.equal(html?.previewHtml, '<p>Free part.</p>');
        const cards = await t.wiring.store.articles.findBySlug('lexical-cards');
        assert.equal(cards?.bodyMarkdown, 'Before the card.\n\n<!-- members-only -->');
      } finally {
        await t.cleanup();
      }
    });

    test("links to the Ghost site's own posts and pages point at their new addresses, forward ones too", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'links.json',
          ghostExport({
            posts: [
              ghostPost({
                id: 'l1',
                title: 'First',
                slug: 'first',
                html: '<p>Next: <a href="__GHOST_URL__/second/#part-2">the second</a>, <a href="https://old-ghost.example/about/">about us</a>, <a href="https://old-ghost.example/tag/news/">the news tag</a> and <a href="https://elsewhere.example/second/">elsewhere</a>; <a href="javascript:alert(1)">vote</a>.</p>',
              }),
              ghostPost({
                id: 'l2',
                title: 'Second',
                slug: 'second',
                html: '<p>Back to <a href="https://www.old-ghost.example/first/">the first</a>.</p>',
              }),
              ghostPost({
                id: 'l3',
                type: 'page',
                title: 'About',
                slug: 'about',
                html: '<p>See <a href="/first/">the first</a>.</p>',
              }),
            ],
          }),
        );
        const report = await importGhost(t.wiring, file, { oldUrl: 'https://old-ghost.example' });
        const first = await t.wiring.store.articles.findBySlug('first');
        const second = await t.wiring.store.articles.findBySlug('second');
        const about = await t.wiring.store.pages.findBySlug('about');
        assert.equal(
          first?.bodyMarkdown,
          'Next: [the second](/articles/second#part-2), [about us](/about), [the news tag](https://old-ghost.example/tag/news/) and [elsewhere](https://elsewhere.example/second/); vote.',
        );
        assert.equal(second?.bodyMarkdown, 'Back to [the first](/articles/first).');
        assert.equal(about?.bodyMarkdown, 'See [the first](/articles/first).');
        assert.match(first?.bodyHtml ?? '', /href="\/articles\/second#part-2"/);
        assert.match(
          itemLine(report, 'post', 'l1').reason ?? '',
          /a javascript: link became its text \("vote"\)/,
        );
        // The forward links were pointed here once their posts were written: a second revision.
        assert.equal((await t.wiring.store.revisions.list('article', first?.id ?? 0)).length, 2);

        const again = await importGhost(t.wiring, file, { oldUrl: 'https://old-ghost.example' });
        assert.equal(again.counts.article.unchanged, 2);
        assert.equal(again.counts.page.unchanged, 1);
        assert.equal((await t.wiring.store.revisions.list('article', first?.id ?? 0)).length, 2);
      } finally {
        await t.cleanup();
      }
    });

    test('a post or page whose slug is reserved is renamed on its line; tags and users keep theirs', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = write(
          'reserved.json',
          ghostExport({
            posts: [
              ghostPost({ id: 'r1', title: 'Members', slug: 'members', html: '<p>Join.</p>' }),
              ghostPost({ id: 'r2', type: 'page', title: 'Search', slug: 'search', html: '<p>Find.</p>' }),
            ],
            tags: [{ id: 't1', name: 'Members', slug: 'members' }],
            users: [{ id: 'u1', name: 'Members Desk', slug: 'members' }],
            posts_tags: [{ post_id: 'r1', tag_id: 't1' }],
            posts_authors: [{ post_id: 'r1', author_id: 'u1' }],
          }),
        );
        const report = await importGhost(t.wiring, file);
        assert.match(
          itemLine(report, 'post', 'r1').reason ?? '',
          /the slug "members" is reserved for the site's own pages, so it is \/articles\/members-article/,
        );
        assert.match(
          itemLine(report, 'post', 'r2').reason ?? '',
          /the slug "search" is reserved.*\/search-page/,
        );
        assert.ok(await t.wiring.store.articles.findBySlug('members-article'));
        assert.ok(await t.wiring.store.pages.findBySlug('search-page'));
        // A tag's and an author's addresses are below /tag/ and /authors/: nothing to rename, nothing to say.
        const tag = (await t.wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag');
        assert.equal((await t.wiring.store.taxonomies.findTerm(tag?.id ?? 0, 'members'))?.name, 'Members');
        assert.equal((await t.wiring.store.people.findBySlug('members'))?.name, 'Members Desk');
        assert.equal(itemLine(report, 'tag', 't1').reason, undefined);
        assert.equal(itemLine(report, 'user', 'u1').reason, undefined);
        // The old addresses lead to the renamed post and page.
        assert.equal((await t.wiring.store.redirects.find('/members'))?.toPath, '/articles/members-article');
        assert.equal((await t.wiring.store.redirects.find('/search'))?.toPath, '/search-page');
        // A re-run does not say it again: nothing was renamed this time.
        const again = await importGhost(t.wiring, file);
        assert.equal(itemLine(again, 'post', 'r1').reason, undefined);
        assert.equal(itemLine(again, 'post', 'r2').reason, undefined);
      } finally {
        await t.cleanup();
      }
    });

    test("a second Ghost site's import leaves the first site's old addresses where they lead; a tag of the same name is shared", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const site = (postId: string, tagId: string, title: string) =>
          write(
            `site-${postId}.json`,
            ghostExport({
              posts: [ghostPost({ id: postId, title, slug: 'hello', html: '<p>Hi.</p>' })],
              tags: [{ id: tagId, name: 'News', slug: 'news' }],
              posts_tags: [{ post_id: postId, tag_id: tagId }],
            }),
          );
        const first = site('aaaa1', 'taaa1', 'Hello from the first site');
        const second = site('bbbb1', 'tbbb1', 'Hello from the second site');
        await importGhost(t.wiring, first);
        const report = await importGhost(t.wiring, second);
        assert.equal((await t.wiring.store.redirects.find('/hello'))?.toPath, '/articles/hello');
        assert.equal(
          (await t.wiring.store.articles.findBySlug('hello-2'))?.title,
          'Hello from the second site',
        );
        assert.match(
          itemLine(report, 'post', 'bbbb1').reason ?? '',
          /\/hello already leads to \/articles\/hello/,
        );
        const tag = (await t.wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag');
        const news = await t.wiring.store.taxonomies.findTerm(tag?.id ?? 0, 'news');
        assert.equal(news?.name, 'News');
        assert.equal(await t.wiring.store.taxonomies.findTerm(tag?.id ?? 0, 'news-2'), undefined);
        assert.deepEqual((await t.wiring.store.articles.findBySlug('hello-2'))?.termIds, [news?.id]);
        // Each site's re-run finds its own addresses its own.
        const again = await importGhost(t.wiring, first);
        assert.equal(again.counts.redirect.skipped, 0);
        assert.equal(again.counts.article.unchanged, 1);
      } finally {
        await t.cleanup();
      }
    });
  });
}
