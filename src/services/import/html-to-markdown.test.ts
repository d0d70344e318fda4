import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  autoParagraph,
  cleanText,
  expandShortcodes,
  htmlToMarkdown,
  type ShortcodeNote,
} from './html-to-markdown.ts';

test('turns a [caption] into an image with its caption', () => {
  const { markdown, shortcodes } = htmlToMarkdown(
    '[caption id="a" width="300"]<img src="https://example.org/a.jpg" alt="A bell" /> The bell[/caption]',
    { isWordPress: true },
  );
  assert.equal(markdown, '![A bell](https://example.org/a.jpg)\n\n*The bell*');
  assert.deepEqual(shortcodes, [{ name: 'caption', outcome: 'converted' }]);
});

test('links embeds and media, drops galleries, keeps and reports unknown shortcodes', () => {
  const notes: ShortcodeNote[] = [];
  const html = expandShortcodes(
    '[embed]https://youtu.be/x[/embed] [audio mp3="https://example.org/a.mp3"][/audio] [gallery ids="1,2"] [foo bar="1"] [just brackets] [[escaped]]',
    notes,
  );
  assert.match(html, /<a href="https:\/\/youtu.be\/x">/);
  assert.match(html, /<a href="https:\/\/example.org\/a.mp3">/);
  assert.doesNotMatch(html, /gallery/);
  assert.match(html, /\[foo bar="1"\]/);
  assert.match(html, /\[just brackets\]/);
  assert.match(html, /\[escaped\]/);
  assert.deepEqual(
    notes.map((n) => `${n.name}:${n.outcome}`),
    ['embed:converted', 'audio:converted', 'gallery:skipped', 'foo:kept'],
  );
});

test('adds paragraphs the way WordPress does for classic posts, sparing <pre>', () => {
  assert.equal(
    autoParagraph('One\nline\n\nTwo\n\n<pre>a\n\nb</pre>'),
    '<p>One<br />\nline</p>\n\n<p>Two</p>\n\n<pre>a\n\nb</pre>',
  );
});

test('converts common HTML to clean Markdown and drops scripts and block comments', () => {
  const { markdown } = htmlToMarkdown(
    '<!-- wp:paragraph --><p>Hello <strong>world</strong> <a href="https://x.org">link</a></p><!-- /wp:paragraph --><script>alert(1)</script><h2>Head</h2><ul><li>a</li></ul>',
  );
  assert.equal(markdown, 'Hello **world** [link](https://x.org)\n\n## Head\n\n-   a');
});

test('removes lone surrogates and control characters that databases refuse', () => {
  assert.equal(cleanText('a\uD800b\u0000c\u0007d\te'), 'a\uFFFDbcd\te');
});

test('reads text without markup as WordPress shows it, without an HTML parser', () => {
  assert.equal(
    htmlToMarkdown('First *line*\nsecond   line\n\nNew paragraph', { isWordPress: true }).markdown,
    'First \\*line\\*  \nsecond line\n\nNew paragraph',
  );
  assert.equal(
    htmlToMarkdown('<p>First *line*<br />\nsecond line</p>', { isWordPress: true }).markdown,
    'First \\*line\\*  \nsecond line',
  );
});
