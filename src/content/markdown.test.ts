import assert from 'node:assert/strict';
import { test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { isAppError } from '../errors.ts';
import {
  excerpt,
  markdownParser,
  renderedPlainText,
  renderedPlainTextStart,
  renderMarkdown,
  renderMarkdownNow,
  toPlainText,
} from './markdown.ts';
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

test('reads the plain text of a rendered body as toPlainText does, without parsing it again', () => {
  const bodies = [
    'Plain words, *emphasis*, **strong** and `code <b>` with [a link](https://example.org/?a=1&b=2 "T "q"").',
    '# Heading\n\n> a quote\n\n- one\n- two &amp; three\n\n1. first\n2. second',
    '```js\nif (a < b && c > d) { return "x"; }\n```\n\nAfter the code.',
    'Entities: &eacute; &#8217; &nbsp;here&nbsp;there &lt;tag&gt; &amp;lt; &amp;amp; &quot;q&quot; it\'s "typographer" -- done...',
    '<p class="x" onclick="y()">Raw <em>HTML</em> with <script>alert(1)</script> and <textarea>typed</textarea> gone</p><!--more-->',
    '| a | b |\n| --- | --- |\n| 1 < 2 | x > y |\n\n<table><tr><td>lit<br>rebuilt</td></tr></table>',
    '![alt "text" <here>](https://example.org/i.png) <span id="fn1">1</span> <span id="x">kept</span>',
    'Line one  \nline two\n\n<details><summary>More</summary>Hidden & shown</details>',
    'A lone & ampersand, a < less-than, a > greater-than, and https://linkified.example/path?q=1&r=2',
    '<div>unclosed <b>bold <i>italic</div> tail',
    '',
  ];
  for (const body of bodies) {
    const html = renderMarkdownNow(body);
    assert.equal(renderedPlainText(html), toPlainText(html), body);
  }
});

test('an excerpt read from the start of a long rendered body is the excerpt of the whole text', () => {
  const paragraph =
    'Water &amp; <em>shade</em>, measured "street by street" — <a href="https://example.org/?a=1&amp;b=2">the survey</a> says more. ';
  const html = renderMarkdownNow(Array.from({ length: 400 }, (_, i) => `${i}. ${paragraph}`).join('\n\n'));
  assert.ok(html.length > 300 * 8, 'long enough to be cut');
  for (const chars of [50, 120, 300]) {
    // Cut anywhere, through tags and entities alike.
    assert.equal(
      excerpt(renderedPlainTextStart(html, chars), chars),
      excerpt(toPlainText(html), chars),
      String(chars),
    );
  }
  assert.equal(renderedPlainTextStart('<p>Short &amp; sweet</p>', 300), 'Short & sweet');
  // A reference the article shows as written stays written: decoded once, not twice.
  assert.equal(renderedPlainText('<p>Write &amp;lt;b&amp;gt; for &lt;b&gt;</p>'), 'Write &lt;b&gt; for <b>');
  assert.equal(toPlainText('<p>Write &amp;lt;b&amp;gt; for &lt;b&gt;</p>'), 'Write &lt;b&gt; for <b>');
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

test('an image with an emphasized line under it is a figure with its caption', () => {
  assert.equal(
    renderMarkdownNow('![A tide gauge](/media/gauge.png)\n*The gauge at Aveiro, 2026 & after*'),
    '<figure><img src="/media/gauge.png" alt="A tide gauge" loading="lazy" /><figcaption>The gauge at Aveiro, 2026 &amp; after</figcaption></figure>',
  );
  // Escaped markup stays text; a caption cannot smuggle in what a body may not hold.
  assert.equal(
    renderMarkdownNow('![A](/media/a.png)\n*Credit: \\*Ana\\* <script>x</script>*'),
    '<figure><img src="/media/a.png" alt="A" loading="lazy" /><figcaption>Credit: *Ana* </figcaption></figure>',
  );
});

test('an image and emphasis that are not exactly a captioned image stay a paragraph', () => {
  for (const markdown of [
    '![A](/a.png)\n\n*a separate paragraph*',
    '![A](/a.png)\n*emphasis* and more text',
    '![A](/a.png)\n*one* *two*',
    'Text before ![A](/a.png)\n*emphasis*',
    '*emphasis*\n![A](/a.png)',
  ]) {
    const html = renderMarkdownNow(markdown);
    assert.doesNotMatch(html, /<figure>|<figcaption>/, markdown);
    assert.match(html, /<em>/, markdown);
  }
});

test('unclosed link and image brackets cost a few steps a character, however many there are', () => {
  // markdown-it scanned every unclosed `[` on to the end of its paragraph: 200 steps a character
  // for `_![`, 600 ms for 32,000 characters of it. Counted in the parser's token steps, which a
  // busy machine does not change, at two lengths.
  const inline = markdownParser.inline;
  const skipToken = inline.skipToken;
  let steps = 0;
  inline.skipToken = function (this: typeof inline, state) {
    steps++;
    skipToken.call(this, state);
  };
  try {
    const shapes = ['![', '[', '_![', '[a][', '[a[', '*[a', '[a]', '[['];
    const stepsPerChar = (text: string) => {
      steps = 0;
      renderMarkdownNow(text);
      return steps / text.length;
    };
    for (const unit of shapes) {
      for (const length of [16_000, 32_000]) {
        const perChar = stepsPerChar(unit.repeat(Math.floor(length / unit.length)));
        assert.ok(
          perChar < 5,
          `${JSON.stringify(unit)} × ${length / unit.length}: ${perChar.toFixed(1)} steps a character`,
        );
      }
    }
    const closing = (n: number) => `${'![a'.repeat(n)}${']'.repeat(n)}`;
    assert.ok(stepsPerChar(closing(10_000)) < 5, 'nested images that close');
  } finally {
    inline.skipToken = skipToken;
  }
});

test('links and images render as markdown-it renders them, with its own label scan', () => {
  const own = new MarkdownIt({ html: true, linkify: true, typographer: true });
  // A fixed sequence, so that a failure can be replayed.
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pieces = [
    '[',
    ']',
    '!',
    '(',
    ')',
    'a',
    ' ',
    '`',
    '*',
    '_',
    '<',
    '>',
    '\n',
    '\\',
    '"',
    'http://x.y',
    ':',
  ];
  for (let i = 0; i < 5_000; i++) {
    let text = '';
    const length = 1 + Math.floor(random() * 40);
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
    text += '\n\n[a]: /defined\n';
    assert.equal(markdownParser.render(text), own.render(text), JSON.stringify(text));
  }
});
