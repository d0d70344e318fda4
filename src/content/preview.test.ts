import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdownNow } from './markdown.ts';
import { openingParagraphs, renderPreview } from './preview.ts';

const words = (n: number, stem = 'word') => Array.from({ length: n }, (_, i) => `${stem}${i}`).join(' ');

describe('renderPreview', () => {
  it('keeps no preview for a public article', async () => {
    assert.equal(await renderPreview({ visibility: 'public', bodyMarkdown: 'A' }, '<p>A</p>'), null);
  });

  it('renders and sanitizes the Markdown before the marker', async () => {
    const bodyMarkdown = 'Open **part** <script>x()</script>\n\n<!-- members-only -->\n\nClosed part';
    const preview = await renderPreview(
      { visibility: 'members', bodyMarkdown },
      renderMarkdownNow(bodyMarkdown),
    );
    assert.equal(preview, '<p>Open <strong>part</strong> </p>');
  });

  it('takes the opening paragraphs of a body without a marker, up to about forty words', async () => {
    const bodyMarkdown = `## Heading\n\n${words(10, 'a')}\n\n${words(35, 'b')}\n\n${words(5, 'c')}`;
    const preview = await renderPreview(
      { visibility: 'paid', bodyMarkdown },
      renderMarkdownNow(bodyMarkdown),
    );
    assert.ok(preview?.includes('b34') && preview.startsWith('<h2>Heading</h2>'));
    assert.ok(!preview?.includes('c0'), 'stops once it has enough words');
  });
});

describe('openingParagraphs', () => {
  it('cuts a first paragraph too long to give away whole to the start of its text', () => {
    const preview = openingParagraphs(`<p>${words(400)}</p>\n<p>later</p>`);
    assert.match(preview, /^<p>word0 word1 .*…<\/p>$/);
    assert.ok(!preview.includes('word399') && !preview.includes('later'));
  });

  it('escapes the text it cuts, and gives nothing for an empty body', () => {
    assert.equal(openingParagraphs('<ul><li>a &lt;b&gt;</li></ul>'), '<p>a &lt;b&gt;</p>');
    assert.equal(openingParagraphs(''), '');
  });
});
