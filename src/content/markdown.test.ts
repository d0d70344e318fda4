import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excerpt, renderMarkdown, toPlainText } from './markdown.ts';

test('renders paragraphs, emphasis, quotes and links', () => {
  const html = renderMarkdown('**Ana** said *this*.\n\n> quoted\n\n[link](https://example.org/x)');
  assert.match(html, /<strong>Ana<\/strong>/);
  assert.match(html, /<em>this<\/em>/);
  assert.match(html, /<blockquote>\s*<p>quoted<\/p>\s*<\/blockquote>/);
  assert.match(html, /<a href="https:\/\/example.org\/x" rel="noopener">link<\/a>/);
});

test('removes scripts, event handlers and javascript: links', () => {
  const html = renderMarkdown(
    'Hi <script>alert(1)</script><img src="https://x.example/a.png" onerror="alert(2)">\n\n[x](javascript:alert(3)) <a href="javascript:alert(4)">y</a> <iframe src="https://evil.example"></iframe>',
  );
  assert.doesNotMatch(html, /<script|onerror|href="javascript:|<iframe|alert\(1\)|alert\(2\)/i);
  assert.match(html, /<a>y<\/a>/);
  assert.match(html, /<img src="https:\/\/x.example\/a.png" loading="lazy" \/>/);
});

test('demotes h1 inside a body to h2', () => {
  assert.match(renderMarkdown('# Title'), /^<h2>Title<\/h2>$/);
});

test('reduces HTML to plain text and cuts excerpts at a word', () => {
  assert.equal(toPlainText('<p>A &amp; <b>B</b></p>\n<p>C</p>'), 'A & B C');
  assert.equal(excerpt('one two three four five six', 12), 'one two…');
});
