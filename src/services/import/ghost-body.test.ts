import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lexicalToHtml, lexicalToHtmlNoting, mobiledocToHtml } from './ghost-body.ts';

test('renders mobiledoc sections, markups, lists and cards', () => {
  const doc = {
    version: '0.3.1',
    atoms: [],
    markups: [['a', ['href', 'https://ghost.org/']], ['strong']],
    cards: [
      ['image', { src: 'https://example.org/a.png', caption: 'A caption' }],
      ['markdown', { markdown: '**kept** as written' }],
      ['hr', {}],
      ['paywall', {}],
    ],
    sections: [
      [1, 'h2', [[0, [], 0, 'Title']]],
      [
        1,
        'p',
        [
          [0, [], 0, 'See '],
          [0, [0, 1], 2, 'Ghost'],
          [0, [], 0, ' & more'],
        ],
      ],
      [3, 'ul', [[[0, [], 0, 'one']], [[0, [], 0, 'two']]]],
      [10, 0],
      [10, 1],
      [10, 2],
      [10, 3],
    ],
  };
  assert.equal(
    mobiledocToHtml(JSON.stringify(doc)),
    [
      '<h2>Title</h2>',
      '<p>See <a href="https://ghost.org/"><strong>Ghost</strong></a> &amp; more</p>',
      '<ul><li>one</li><li>two</li></ul>',
      '<figure><img src="https://example.org/a.png" alt=""><figcaption>A caption</figcaption></figure>',
      '<div data-markdown="true">**kept** as written</div>',
      '<hr>',
      '<!--members-only-->',
    ].join('\n'),
  );
});

test('renders lexical paragraphs, formats, links, lists and image cards', () => {
  const doc = {
    root: {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'bold', format: 1 },
            { type: 'text', text: ' and ', format: 0 },
            { type: 'link', url: 'https://x.org', children: [{ type: 'text', text: 'link', format: 2 }] },
          ],
        },
        {
          type: 'list',
          listType: 'number',
          children: [{ type: 'listitem', children: [{ type: 'text', text: 'a' }] }],
        },
        { type: 'image', src: 'https://x.org/i.jpg', alt: 'i', caption: '' },
      ],
    },
  };
  assert.equal(
    lexicalToHtml(JSON.stringify(doc)),
    '<p><strong>bold</strong> and <a href="https://x.org"><em>link</em></a></p><ol><li>a</li></ol><figure><img src="https://x.org/i.jpg" alt="i"></figure>',
  );
});

test('a body that cannot be read fails with the reason, instead of becoming an empty article', () => {
  assert.throws(() => mobiledocToHtml('{broken'), /the mobiledoc body is not JSON/);
  assert.throws(() => mobiledocToHtml('{"version":"0.3.1"}'), /no list of sections/);
  assert.throws(() => lexicalToHtml('nope'), /the lexical body is not JSON/);
  assert.throws(
    () => lexicalToHtml('{"root":{"children":[{"type":"paragraph","children":5}]}}'),
    /paragraph has children that are not a list/,
  );
  assert.throws(() => lexicalToHtml('{"root":{"children":[7]}}'), /holds 7 where a node belongs/);
  assert.throws(() => lexicalToHtml('{}'), /no root node/);
  // An empty document is an empty body, not a failure.
  assert.equal(lexicalToHtml('{"root":{"children":[],"type":"root"}}'), '');
});

test('video, audio and file cards become links to their files; a card that cannot be kept is named', () => {
  const doc = {
    root: {
      type: 'root',
      children: [
        { type: 'video', src: '/content/media/2026/05/tour.mp4', caption: 'The harbour at dawn' },
        { type: 'audio', src: '/content/media/2026/05/episode%2012.mp3', title: 'Episode 12' },
        { type: 'file', src: '/content/files/2026/05/report.pdf', fileTitle: 'The full report' },
        { type: 'callout', calloutEmoji: '💡', calloutText: 'Read this first' },
        { type: 'mystery-widget', data: 1 },
        { type: 'paywall' },
      ],
    },
  };
  const { html, droppedCards } = lexicalToHtmlNoting(JSON.stringify(doc));
  assert.match(
    html,
    /<a href="\/content\/media\/2026\/05\/tour.mp4">tour.mp4<\/a> \(video\)<\/p><p>The harbour at dawn<\/p>/,
  );
  assert.match(html, /<a href="\/content\/media\/2026\/05\/episode%2012.mp3">Episode 12<\/a> \(audio\)/);
  assert.match(html, /<a href="\/content\/files\/2026\/05\/report.pdf">The full report<\/a> \(file\)/);
  assert.match(html, /<blockquote><p>💡 Read this first<\/p><\/blockquote>/);
  assert.deepEqual(droppedCards, ['mystery-widget']);
  // Outside the noting call, nothing is collected.
  assert.equal(lexicalToHtml(JSON.stringify(doc)), html);
});

test("a gallery card keeps every image with its caption, and the gallery's own caption", () => {
  const doc = {
    version: '0.3.1',
    atoms: [],
    markups: [],
    cards: [
      [
        'gallery',
        {
          images: [
            { src: 'https://example.org/a.png', alt: 'A', caption: 'First' },
            { src: 'https://example.org/b.png', alt: 'B' },
          ],
          caption: 'The <em>whole</em> row',
        },
      ],
    ],
    sections: [[10, 0]],
  };
  assert.equal(
    mobiledocToHtml(JSON.stringify(doc)),
    '<figure class="kg-card kg-gallery-card"><figure><img src="https://example.org/a.png" alt="A"><figcaption>First</figcaption></figure><figure><img src="https://example.org/b.png" alt="B"></figure><figcaption>The <em>whole</em> row</figcaption></figure>',
  );
});
