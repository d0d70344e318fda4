import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../errors.ts';
import { excerpt, renderMarkdown, renderMarkdownNow, toPlainText } from './markdown.ts';
import { closeRenderPools } from './render-pool.ts';

test('renders paragraphs, emphasis, quotes and links', () => {
  const html = renderMarkdownNow('**Ana** said *this*.\n\n> quoted\n\n[link](https://example.org/x)');
  assert.match(html, /<strong>Ana<\/strong>/);
  assert.match(html, /<em>this<\/em>/);
  assert.match(html, /<blockquote>\s*<p>quoted<\/p>\s*<\/blockquote>/);
  assert.match(html, /<a href="https:\/\/example.org\/x" rel="noopener">link<\/a>/);
});

test('removes scripts, event handlers and javascript: links', () => {
  const html = renderMarkdownNow(
    'Hi <script>alert(1)</script><img src="https://x.example/a.png" onerror="alert(2)">\n\n[x](javascript:alert(3)) <a href="javascript:alert(4)">y</a> <iframe src="https://evil.example"></iframe>',
  );
  assert.doesNotMatch(html, /<script|onerror|href="javascript:|<iframe|alert\(1\)|alert\(2\)/i);
  assert.match(html, /<a>y<\/a>/);
  assert.match(html, /<img src="https:\/\/x.example\/a.png" loading="lazy" \/>/);
});

test('demotes h1 inside a body to h2', () => {
  assert.match(renderMarkdownNow('# Title'), /^<h2>Title<\/h2>$/);
});

test('reduces HTML to plain text and cuts excerpts at a word', () => {
  assert.equal(toPlainText('<p>A &amp; <b>B</b></p>\n<p>C</p>'), 'A & B C');
  assert.equal(excerpt('one two three four five six', 12), 'one two…');
});

test('refuses deep nesting at once, and stops a render that outlives its time limit', async () => {
  await assert.rejects(
    renderMarkdown('<span>'.repeat(50_000), { field: 'bio' }),
    (error) => isAppError(error) && error.details?.[0]?.field === 'bio' && /nested/.test(error.message),
  );
  await assert.rejects(
    renderMarkdown('<span>x</span> '.repeat(60_000), { timeoutMs: 20 }),
    (error) => isAppError(error) && /took more than/.test(error.details?.[0]?.message ?? ''),
  );
  const html = await renderMarkdown(`${'A paragraph of text. '.repeat(2000)}\n\n**end**`);
  assert.match(html, /<strong>end<\/strong>/, 'a long text renders in the worker');
  await closeRenderPools();
});
