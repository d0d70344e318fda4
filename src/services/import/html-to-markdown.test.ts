import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderMarkdownNow } from '../../content/markdown.ts';
import {
  autoParagraph,
  cleanText,
  type DroppedLink,
  droppedLinksNote,
  expandShortcodes,
  htmlToMarkdown,
  refusedScheme,
  type ShortcodeNote,
  withoutRefusedLinks,
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
  assert.match(html, /<iframe src="https:\/\/youtu.be\/x">/);
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

test('a <pre> without <code> stays a code block: line breaks, indentation and what follows kept', () => {
  const { markdown } = htmlToMarkdown(
    '<p>Intro</p>\n<pre>int main() {\n    return 0;\n}</pre>\n<p>After <a href="https://x.example/">a link</a> <img src="https://x.example/a.png" alt="pic"></p>',
    { isWordPress: true },
  );
  assert.equal(
    markdown,
    'Intro\n\n```\nint main() {\n    return 0;\n}\n```\n\nAfter [a link](https://x.example/) ![pic](https://x.example/a.png)',
  );
});

test('escaped text in code is kept as written, with no Markdown escapes and no headings', () => {
  const { markdown } = htmlToMarkdown(
    '<pre>#include &lt;iostream&gt;\nstd::vector&lt;char&gt; buf;\n# not a heading\nm_map[y][x] = 1;</pre>',
    { isWordPress: true },
  );
  assert.equal(
    markdown,
    '```\n#include <iostream>\nstd::vector<char> buf;\n# not a heading\nm_map[y][x] = 1;\n```',
  );
  const html = renderMarkdownNow(markdown);
  assert.match(html, /#include &lt;iostream&gt;/);
  assert.match(html, /std::vector&lt;char&gt;/);
  assert.doesNotMatch(html, /<h\d/);
});

test('code written unescaped in a plain <pre> keeps its angle brackets; formatting tags go', () => {
  const { markdown } = htmlToMarkdown('<pre><b>#include</b> <iostream><br>std::vector<char> v;</pre>');
  assert.equal(markdown, '```\n#include <iostream>\nstd::vector<char> v;\n```');
});

test('<pre lang="php"> holding raw PHP and a table is one PHP code block, not a table', () => {
  const { markdown } = htmlToMarkdown(
    '<pre lang="php"><?php $rows = 2; ?>\n<table>\n<thead>\n<tr>\n<th><?php echo $title; ?></th>\n</tr>\n</thead>\n</table></pre>\n<p>After.</p>',
    { isWordPress: true },
  );
  assert.equal(
    markdown,
    '```php\n<?php $rows = 2; ?>\n<table>\n<thead>\n<tr>\n<th><?php echo $title; ?></th>\n</tr>\n</thead>\n</table>\n```\n\nAfter.',
  );
});

test('a language named on <pre> or <code> goes on the fence; a fence outlasts backticks in the code', () => {
  assert.equal(
    htmlToMarkdown('<pre><code class="language-js">let a = `x`;\n```\n</code></pre>').markdown,
    '````js\nlet a = `x`;\n```\n````',
  );
  assert.equal(
    htmlToMarkdown('<pre class="brush: bash; gutter: false">echo &quot;hi&quot;</pre>').markdown,
    '```bash\necho "hi"\n```',
  );
});

test('[sourcecode], [code] and CodeColorer shortcodes become fenced code with their language', () => {
  const { markdown, shortcodes } = htmlToMarkdown(
    '[sourcecode language="python"]\nif a &lt; b:\n    print("x")\n[/sourcecode]\n\n[code lang="js"]const a = 1;[/code]\n\n[cc lang="php"]\n<?php echo "&lt;"; ?>\n[/cc]\n\n[ccnle_php]$a = 1;\n$b = 2;[/ccnle_php]\n\n[cce_c]int *p = &amp;x;[/cce_c]\n\nUse [cci]ls -l[/cci] to list.',
    { isWordPress: true },
  );
  assert.equal(
    markdown,
    [
      '```python\nif a < b:\n    print("x")\n```',
      '```js\nconst a = 1;\n```',
      '```php\n<?php echo "&lt;"; ?>\n```',
      '```php\n$a = 1;\n$b = 2;\n```',
      '```c\nint *p = &x;\n```',
      'Use `ls -l` to list.',
    ].join('\n\n'),
  );
  assert.deepEqual(
    shortcodes.map((s) => `${s.name}:${s.outcome}`),
    [
      'sourcecode:converted',
      'code:converted',
      'cc:converted',
      'ccnle_php:converted',
      'cce_c:converted',
      'cci:converted',
    ],
  );
});

test('code inside a list item stays in the item', () => {
  assert.equal(
    htmlToMarkdown('<ul><li>Run:<pre>make\nmake install</pre></li></ul>').markdown,
    '-   Run:\n\n    ```\n    make\n    make install\n    ```',
  );
});

test('a table with <br> in a cell stays an HTML table; a plain one becomes a pipe table', () => {
  const kept = htmlToMarkdown(
    '<table class="x" style="color:red"><tr><th>Name</th><th>Notes</th></tr>\n\n<tr><td>A</td><td>one<br>two</td></tr></table><p>After</p>',
  ).markdown;
  assert.equal(
    kept,
    '<table><tbody><tr><th>Name</th><th>Notes</th></tr><tr><td>A</td><td>one<br />two</td></tr></tbody></table>\n\nAfter',
  );
  const html = renderMarkdownNow(kept);
  assert.match(html, /<td>one<br \/>two<\/td>/);
  assert.match(html, /<p>After<\/p>/);
  assert.equal(
    htmlToMarkdown(
      '<table><thead><tr>\n<th>a</th>\n<th align="right">b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>',
    ).markdown,
    '| a | b |\n| --- | --: |\n| 1 | 2 |',
  );
});

test('footnotes keep their targets: the ids survive conversion and the sanitizer', () => {
  const { markdown } = htmlToMarkdown(
    '<p>Claim<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup></p><hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="footnote-item"><p>Source. <a href="#fnref1" class="footnote-backref">↩︎</a></p></li></ol></section>',
  );
  const html = renderMarkdownNow(markdown);
  assert.match(html, /<span id="fnref1"><\/span>/);
  assert.match(html, /<li>\s*(?:<p>)?<span id="fn1"><\/span>/);
  assert.match(html, /href="#fn1"/);
  assert.doesNotMatch(renderMarkdownNow('<span id="main">x</span>'), /id=/);
});

test('keeps bare URLs and email addresses exactly as written, in the link and its text', () => {
  const urls = [
    'https://www.youtube.com/watch?v=O_HyZ5aW76c',
    'https://example.com/a_b_c?utm_source=x_y',
    'https://example.com/*star*/[1]/`tick`/x',
    'https://www.instagram.com/p/CE_x_Yz/',
  ];
  const html = `Watch ${urls[0]}\n\nSee ${urls[1]} for more, ${urls[2]} and ${urls[3]}; mail john_doe@example.com.`;
  // Both ways in: plain text (no markup) and HTML.
  for (const source of [html, `<p>${html.replace(/\n\n/g, '</p><p>')}</p>`]) {
    const rendered = renderMarkdownNow(htmlToMarkdown(source, { isWordPress: true }).markdown);
    assert.doesNotMatch(rendered, /\\_|%5C/);
    for (const url of urls) {
      const escaped = url.replace(/&/g, '&amp;');
      assert.ok(rendered.includes(`>${escaped}</a>`), `${url} is the link's text in ${rendered}`);
      assert.ok(rendered.includes(`href="${encodeURI(escaped).replace(/%25/g, '%')}"`), `${url} is the href`);
    }
    assert.match(rendered, /<a href="mailto:john_doe@example.com">john_doe@example.com<\/a>/);
  }
});

test('does not link a URL again inside a link of its own, and escapes prose around URLs', () => {
  const { markdown } = htmlToMarkdown(
    '<p><a href="https://x.org/a_b">https://x.org/a_b</a> *not_em* https://x.org/c_d</p>',
  );
  assert.equal(markdown, '[https://x.org/a\\_b](https://x.org/a_b) \\*not\\_em\\* <https://x.org/c_d>');
  assert.equal(
    renderMarkdownNow(markdown),
    '<p><a href="https://x.org/a_b" rel="noopener">https://x.org/a_b</a> *not_em* <a href="https://x.org/c_d" rel="noopener">https://x.org/c_d</a></p>',
  );
});

test('CodeColorer escaped="true" is decoded once, and SyntaxHighlighter language shortcodes become code', () => {
  const colorer = htmlToMarkdown('[cc_php escaped="true"]$a &lt; $b[/cc_php]', { isWordPress: true });
  assert.equal(colorer.markdown, '```php\n$a < $b\n```');
  assert.match(renderMarkdownNow(colorer.markdown), /<code class="language-php">\$a &lt; \$b\n<\/code>/);
  const named = htmlToMarkdown(
    '<p>Then:</p>\n[php]echo 1;[/php]\n\n[python]\nif a &lt; b:\n    pass\n[/python]\n\n[c#]int x;[/c#]\n\nA lone [php] stays text.',
    { isWordPress: true },
  );
  assert.equal(
    named.markdown,
    'Then:\n\n```php\necho 1;\n```\n\n```python\nif a < b:\n    pass\n```\n\n```c#\nint x;\n```\n\nA lone \\[php\\] stays text.',
  );
  assert.deepEqual(
    named.shortcodes.map((n) => `${n.name}:${n.outcome}`),
    ['php:converted', 'python:converted', 'c#:converted'],
  );
});

test('a <pre> whose class names a language gives the fence that language; other classes do not', () => {
  const cases: [string, string][] = [
    ['<pre class="bash">ls -la</pre>', '```bash\nls -la\n```'],
    ['<pre class="wp-block-code php">echo 1;</pre>', '```php\necho 1;\n```'],
    ['<pre class="Python"><code>print(1)</code></pre>', '```python\nprint(1)\n```'],
    ['<pre><code class="json">{}</code></pre>', '```json\n{}\n```'],
    ['<pre class="wp-block-preformatted">plain words</pre>', '```\nplain words\n```'],
    ['<pre class="text">plain words</pre>', '```\nplain words\n```'],
  ];
  for (const [html, expected] of cases)
    assert.equal(htmlToMarkdown(html, { isWordPress: true }).markdown, expected, html);
});

test('a body full of unclosed shortcodes and <pre> tags converts in time proportional to its length', () => {
  // Each of these, repeated, made the conversion read to the end of the body once per tag:
  // 60 KB of "[b " took 4 s, 25 KB of "<pre " more than 5 s; at the 2 MB limit, hours.
  for (const tag of ['[b ', '[b]', '[b x=1]', '[[b]', '[code]', '[code ', '[cc]', '<pre ', '<pre x']) {
    const body = `before ${tag.repeat(Math.floor(400_000 / tag.length))} after`;
    const started = performance.now();
    const { markdown } = htmlToMarkdown(body, { isWordPress: true });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 10, `${JSON.stringify(tag)} took ${seconds.toFixed(1)} s`);
    // As HTML, "<pre <pre …" is one broken tag; shortcodes leave the text after them alone.
    if (tag.startsWith('[')) assert.match(markdown, /after$/, JSON.stringify(tag));
  }
});

test('code shortcodes and <pre> blocks convert as before when they are closed', () => {
  const { markdown } = htmlToMarkdown(
    '<p>Run [code]make all[/code] first.</p>\n\n[sourcecode language="python"]print(1)[/sourcecode]\n\n<pre class="lang-sh">ls -l\n</pre >',
    { isWordPress: true },
  );
  assert.match(markdown, /Run `make all` first\./);
  assert.match(markdown, /```python\nprint\(1\)\n```/);
  assert.match(markdown, /```sh\nls -l\n```/);
});

test('keeps <?php ?> in a table heading cell, and elsewhere, as code', () => {
  const table = htmlToMarkdown(
    '<table><thead><tr><th><?php echo $total; ?></th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>',
    { isWordPress: true },
  );
  assert.equal(table.markdown, '| `<?php echo $total; ?>` | B |\n| --- | --- |\n| 1 | 2 |');
  const prose = htmlToMarkdown('<p>Call <?php the_title(); ?> here.</p>', { isWordPress: true });
  assert.equal(prose.markdown, 'Call `<?php the_title(); ?>` here.');
});

test('keeps <sup> footnote references and their notes as footnotes, in the forms plugins write', () => {
  const jetpack = htmlToMarkdown(
    '<p>Tides<sup id="fnref:1"><a href="#fn:1" rel="footnote">1</a></sup> and currents<sup id="fnref:2"><a href="#fn:2" rel="footnote">2</a></sup>.</p>\n<div class="footnotes"><hr /><ol><li id="fn:1">Twice a day. <a href="#fnref:1" rev="footnote">&#8617;</a></li><li id="fn:2">See <em>the chart</em>. <a href="#fnref:2" rev="footnote">&#8617;</a></li></ol></div>',
    { isWordPress: true },
  );
  assert.equal(
    jetpack.markdown,
    'Tides[<span id="fnref1"></span>\\[1\\]](#fn1) and currents[<span id="fnref2"></span>\\[2\\]](#fn2).\n\n1. <span id="fn1"></span>Twice a day. [↩︎](#fnref1)\n2. <span id="fn2"></span>See *the chart*. [↩︎](#fnref2)',
  );
  const classic = htmlToMarkdown(
    '<p>A claim.<sup id="fnref1"><a href="#fn1">1</a></sup> More.</p><ol class="footnotes"><li id="fn1">The source. <a href="#fnref1">↩</a></li></ol>',
    { isWordPress: true },
  );
  assert.equal(
    classic.markdown,
    'A claim.[<span id="fnref1"></span>\\[1\\]](#fn1) More.\n\n1. <span id="fn1"></span>The source. [↩︎](#fnref1)',
  );
  const word = htmlToMarkdown(
    '<p>Claim<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup>.</p><ol><li id="footnote-1"><p>Word note. <a href="#footnote-ref-1">↑</a></p></li></ol>',
    { isWordPress: true },
  );
  assert.equal(
    word.markdown,
    'Claim[<span id="fnref1"></span>\\[1\\]](#fn1).\n\n1. <span id="fn1"></span>Word note. [↩︎](#fnref1)',
  );
  const inline = htmlToMarkdown(
    '<p>Easy<sup class="modern-footnotes-footnote" data-mfn="1"><a href="javascript:void(0)">1</a></sup><span class="modern-footnotes-footnote__note" data-mfn="1">Hidden note</span> text.</p>',
    { isWordPress: true },
  );
  assert.equal(
    inline.markdown,
    'Easy[<span id="fnref1"></span>\\[1\\]](#fn1) text.\n\n1. <span id="fn1"></span>Hidden note [↩︎](#fnref1)',
  );
  const rendered = renderMarkdownNow(jetpack.markdown);
  assert.match(rendered, /<a href="#fn1"><span id="fnref1"><\/span>\[1\]<\/a>/);
  assert.match(rendered, /<li><span id="fn1"><\/span>Twice a day\. <a href="#fnref1">↩︎<\/a><\/li>/);
});

test('escaped text in prose stays text: "<not tag>" and "&lt;" are not markup again', () => {
  const { markdown } = htmlToMarkdown('<p>Text &lt;not tag&gt; and m_map[y][x], &amp;lt; too</p>', {
    isWordPress: true,
  });
  assert.equal(renderMarkdownNow(markdown), '<p>Text &lt;not tag&gt; and m_map[y][x], &amp;lt; too</p>');
});

test('<pre lang> code reads what the editor escaped as typed, and keeps raw tags', () => {
  const { markdown } = htmlToMarkdown(
    '<pre lang="cpp">#include &lt;iostream&gt;\nstd::vector&lt;char&gt; v;</pre><pre lang="php"><th><?php echo 1; ?></th></pre>',
    { isWordPress: true },
  );
  assert.match(markdown, /```cpp\n#include <iostream>\nstd::vector<char> v;\n```/);
  assert.match(markdown, /```php\n<th><\?php echo 1; \?><\/th>\n```/);
});

describe('links no reader page may carry', () => {
  test('javascript:, data: and vbscript: links become their text, each noted', () => {
    const { markdown, droppedLinks } = htmlToMarkdown(
      '<p><a href="javascript:alert(1)">Vote <b>now</b></a>, <a href=" JaVa\tScRiPt:void(0)">tabbed</a>, ' +
        '<a href="&#106;avascript:x()">encoded</a>, <a href="data:text/html;base64,PHA+">data</a>, ' +
        '<a href="vbscript:msgbox">vb</a>, <a href="/about">ours</a> and <a href="mailto:a@example.org">mail</a>.</p>',
    );
    assert.equal(
      markdown,
      'Vote **now**, tabbed, encoded, data, vb, [ours](/about) and [mail](mailto:a@example.org).',
    );
    assert.deepEqual(
      droppedLinks.map((link) => [link.scheme, link.text]),
      [
        ['javascript', 'Vote now'],
        ['javascript', 'tabbed'],
        ['javascript', 'encoded'],
        ['data', 'data'],
        ['vbscript', 'vb'],
      ],
    );
    assert.equal(refusedScheme('https://example.org'), undefined);
    assert.equal(refusedScheme('#top'), undefined);
    assert.equal(refusedScheme('tel:+4412345'), undefined);
  });

  test('Markdown written as such loses such links outside code only', () => {
    const dropped: DroppedLink[] = [];
    const markdown = [
      'Click [here](javascript:alert(1)) or [there](https://example.org).',
      '`[code](javascript:x)` stays.',
      '```',
      '[fenced](javascript:y)',
      '```',
      '![an image](data:image/png;base64,AAA)',
    ].join('\n');
    assert.equal(
      withoutRefusedLinks(markdown, dropped),
      markdown
        .replace('[here](javascript:alert(1))', 'here')
        .replace('![an image](data:image/png;base64,AAA)', 'an image'),
    );
    assert.deepEqual(dropped, [
      { scheme: 'javascript', text: 'here' },
      { scheme: 'data', text: 'an image', isImage: true },
    ]);
  });

  test('images no page may show are left out, their alt text kept, figures with their caption', () => {
    const { markdown, droppedLinks } = htmlToMarkdown(
      '<p>Chart: <img src="data:image/png;base64,AAAA" alt="Rainfall by month"> <img src="javascript:x()" alt=""></p>' +
        '<figure><img src="data:image/gif;base64,R0lG" alt="Map"><figcaption>The basin</figcaption></figure>' +
        '<p><img src="/wp-content/uploads/a.png" alt="kept"></p>',
    );
    assert.equal(
      markdown,
      'Chart: Rainfall by month \n\nMap\n\n*The basin*\n\n![kept](/wp-content/uploads/a.png)',
    );
    assert.deepEqual(
      droppedLinks.map((link) => [link.scheme, link.text, link.isImage]),
      [
        ['data', 'Rainfall by month', true],
        ['javascript', '', true],
        ['data', 'Map', true],
      ],
    );
    assert.equal(
      droppedLinksNote(droppedLinks.slice(0, 1)),
      'an image with an address no page may show (data: "Rainfall by month") left out, alt text kept',
    );
  });

  test('a Markdown card keeps its text and drops the link', () => {
    const html = '<div data-markdown="true">See [the form](javascript:open()).</div>';
    const converted = htmlToMarkdown(html);
    assert.equal(converted.markdown, 'See the form.');
    assert.deepEqual(converted.droppedLinks, [{ scheme: 'javascript', text: 'the form' }]);
  });

  test('the report names a single dropped link, or counts and lists several', () => {
    assert.equal(
      droppedLinksNote([{ scheme: 'javascript', text: 'Vote' }]),
      'a javascript: link became its text ("Vote")',
    );
    assert.match(
      droppedLinksNote([
        { scheme: 'javascript', text: 'a' },
        { scheme: 'data', text: 'b' },
      ]),
      /^2 links no page may carry became their text \(javascript: "a", data: "b"\)$/,
    );
  });
});

test('WordPress embed blocks, [embed], [youtube] and [tweet] shortcodes and a classic player all become the labelled embed link, counted by provider', () => {
  const block = (slug: string, url: string, caption = '') =>
    `<!-- wp:embed {"url":"${url}","providerNameSlug":"${slug}"} -->\n<figure class="wp-block-embed is-type-video is-provider-${slug} wp-block-embed-${slug}"><div class="wp-block-embed__wrapper">\n${url}\n</div>${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>\n<!-- /wp:embed -->`;
  const sources = [
    block('youtube', 'https://www.youtube.com/watch?v=abcdefghijk', 'The harbour'),
    '[embed]https://www.youtube.com/watch?v=abcdefghijk[/embed]',
    '[youtube https://www.youtube.com/watch?v=abcdefghijk]',
    '<iframe src="https://www.youtube.com/embed/abcdefghijk" width="560"></iframe>',
  ];
  const converted = sources.map((html) => htmlToMarkdown(html, { isWordPress: true }));
  const watch = '[▶ Watch on YouTube](https://www.youtube.com/watch?v=abcdefghijk)';
  assert.equal(converted[0]?.markdown, `${watch}\n\n*The harbour*`);
  for (const body of converted.slice(1)) assert.equal(body.markdown, watch);
  for (const body of converted) assert.deepEqual(body.embeds, ['YouTube']);
  const others: [string, string, string][] = [
    [block('vimeo', 'https://vimeo.com/76979871'), '[▶ Watch on Vimeo](https://vimeo.com/76979871)', 'Vimeo'],
    [
      block('spotify', 'https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC'),
      '[▶ Listen on Spotify](https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC)',
      'Spotify',
    ],
    [
      block('twitter', 'https://twitter.com/harbourmaster/status/1234567890'),
      '[▶ View on Twitter/X](https://twitter.com/harbourmaster/status/1234567890)',
      'Twitter/X',
    ],
    [
      '[tweet https://x.com/harbourmaster/status/1234567890?s=20]',
      '[▶ View on Twitter/X](https://x.com/harbourmaster/status/1234567890)',
      'Twitter/X',
    ],
    [
      '[soundcloud url="https://api.soundcloud.com/tracks/293" params="auto_play=false" width="100%"]',
      '[▶ Listen on SoundCloud](https://api.soundcloud.com/tracks/293)',
      'SoundCloud',
    ],
    [
      block('soundcloud', 'https://soundcloud.com/harbour-band/low-tide'),
      '[▶ Listen on SoundCloud](https://soundcloud.com/harbour-band/low-tide)',
      'SoundCloud',
    ],
    [
      '<iframe src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&amp;color=ff5500"></iframe>',
      '[▶ Listen on SoundCloud](https://api.soundcloud.com/tracks/293)',
      'SoundCloud',
    ],
  ];
  for (const [html, markdown, provider] of others) {
    const body = htmlToMarkdown(html, { isWordPress: true });
    assert.equal(body.markdown, markdown, html);
    assert.deepEqual(body.embeds, [provider], html);
  }
  // A file is not a player: it stays a plain link, and is no embed.
  const file = htmlToMarkdown('[video mp4="https://files.example/harbour.mp4"][/video]', {
    isWordPress: true,
  });
  assert.equal(file.markdown, '[https://files.example/harbour.mp4](https://files.example/harbour.mp4)');
  assert.deepEqual(file.embeds, []);
});

test("a tweet's embed code becomes its text as a quote, its author and a link to it, without Twitter's script", () => {
  const body = htmlToMarkdown(
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Low tide at 6:12 <a href="https://t.co/abc">pic.twitter.com/abc</a></p>&mdash; Harbour Master (@harbourmaster) <a href="https://twitter.com/harbourmaster/status/1234567890?ref_src=twsrc%5Etfw">May 1, 2021</a></blockquote>\n<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>',
  );
  assert.equal(
    body.markdown,
    '> Low tide at 6:12 [pic.twitter.com/abc](https://t.co/abc)\n>\n> — Harbour Master (@harbourmaster) · [▶ View on Twitter/X: May 1, 2021](https://twitter.com/harbourmaster/status/1234567890)',
  );
  assert.deepEqual(body.embeds, ['Twitter/X']);
  assert.doesNotMatch(body.markdown, /platform\.twitter\.com/);
});

test("WordPress.com's classic player shortcodes and a player's address alone on its line become the labelled embed link", () => {
  const cases: [string, string, string][] = [
    [
      '[youtube=http://www.youtube.com/watch?v=dQw4w9WgXcQ&w=560&h=315]',
      '[▶ Watch on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)',
      'YouTube',
    ],
    [
      '[youtube=http://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;w=560&amp;h=315]',
      '[▶ Watch on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)',
      'YouTube',
    ],
    ['[vimeo=https://vimeo.com/76979871]', '[▶ Watch on Vimeo](https://vimeo.com/76979871)', 'Vimeo'],
    ['[vimeo 76979871]', '[▶ Watch on Vimeo](https://vimeo.com/76979871)', 'Vimeo'],
    ['[youtube dQw4w9WgXcQ]', '[▶ Watch on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)', 'YouTube'],
    ['[tweet 20]', '[▶ View on Twitter/X](https://twitter.com/i/status/20)', 'Twitter/X'],
    [
      '[spotify id="spotify:track:4uLU6hMCjMI75M1A2tKUQC"]',
      '[▶ Listen on Spotify](https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC)',
      'Spotify',
    ],
    [
      'Intro\n\nhttp://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nEnd',
      'Intro\n\n[▶ Watch on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n\nEnd',
      'YouTube',
    ],
    ['<p>https://vimeo.com/76979871</p>', '[▶ Watch on Vimeo](https://vimeo.com/76979871)', 'Vimeo'],
    [
      'Said:\n\n  https://twitter.com/jack/status/20  \n\nso',
      'Said:\n\n[▶ View on Twitter/X](https://twitter.com/jack/status/20)\n\nso',
      'Twitter/X',
    ],
  ];
  for (const [html, markdown, provider] of cases) {
    const body = htmlToMarkdown(html, { isWordPress: true });
    assert.equal(body.markdown, markdown, html);
    assert.deepEqual(body.embeds, [provider], html);
  }
  // An address within prose, or of a page that is no player, stays a link; "[x=1]" is text.
  const prose = htmlToMarkdown('See https://vimeo.com/1 here\n\nhttps://example.com/page\n\n[x=1]', {
    isWordPress: true,
  });
  assert.equal(prose.markdown, 'See <https://vimeo.com/1> here\n\n<https://example.com/page>\n\n\\[x=1\\]');
  assert.deepEqual(prose.embeds, []);
  assert.deepEqual(prose.shortcodes, []);
});

describe('figures keep everything in them', () => {
  const image = (name: string, caption: string) =>
    `<figure class="wp-block-image size-large"><img src="https://example.org/${name}.jpg" alt="${name} alt"/><figcaption class="wp-element-caption">${caption}</figcaption></figure>`;

  test('a gallery of nested image figures keeps every image, its alt text and its caption', () => {
    const { markdown } = htmlToMarkdown(
      `<!-- wp:gallery --><figure class="wp-block-gallery has-nested-images columns-3">${image('a', 'First')}${image('b', 'Second')}${image('c', 'Third')}<figcaption class="blocks-gallery-caption">The harbour</figcaption></figure><!-- /wp:gallery --><p>After.</p>`,
      { isWordPress: true },
    );
    assert.equal(
      markdown,
      [
        '![a alt](https://example.org/a.jpg)',
        '*First*',
        '![b alt](https://example.org/b.jpg)',
        '*Second*',
        '![c alt](https://example.org/c.jpg)',
        '*Third*',
        '*The harbour*',
        'After.',
      ].join('\n\n'),
    );
  });

  test('an older gallery grid (a list of figures) keeps every image and caption, not as a list', () => {
    const item = (name: string, caption: string) =>
      `<li class="blocks-gallery-item"><figure><a href="https://example.org/${name}-page"><img src="https://example.org/${name}.jpg" alt="${name} alt" data-id="7"/></a><figcaption class="blocks-gallery-item__caption">${caption}</figcaption></figure></li>`;
    const { markdown } = htmlToMarkdown(
      `<figure class="wp-block-gallery columns-2 is-cropped"><ul class="blocks-gallery-grid">${item('a', 'One')}${item('b', 'Two')}</ul></figure>`,
      { isWordPress: true },
    );
    assert.equal(
      markdown,
      [
        '[![a alt](https://example.org/a.jpg)](https://example.org/a-page)',
        '*One*',
        '[![b alt](https://example.org/b.jpg)](https://example.org/b-page)',
        '*Two*',
      ].join('\n\n'),
    );
  });

  test('a figure with several images keeps them all; Ghost gallery cards too', () => {
    const plain = htmlToMarkdown(
      '<figure><img src="https://example.org/a.jpg" alt="A"><img src="https://example.org/b.jpg" alt="B"><figcaption>Both</figcaption></figure>',
    );
    assert.equal(plain.markdown, '![A](https://example.org/a.jpg)![B](https://example.org/b.jpg)\n\n*Both*');
    const ghost = htmlToMarkdown(
      '<figure class="kg-card kg-gallery-card kg-width-wide"><div class="kg-gallery-container"><div class="kg-gallery-row"><div class="kg-gallery-image"><img src="https://example.org/a.jpg" alt="A"></div><div class="kg-gallery-image"><img src="https://example.org/b.jpg" alt="B"></div></div></div><figcaption>Row</figcaption></figure>',
    );
    assert.match(ghost.markdown, /!\[A\]\(https:\/\/example\.org\/a\.jpg\)/);
    assert.match(ghost.markdown, /!\[B\]\(https:\/\/example\.org\/b\.jpg\)/);
    assert.match(ghost.markdown, /\*Row\*$/);
  });

  test('a table figure keeps its table, images in cells and its caption', () => {
    const { markdown } = htmlToMarkdown(
      '<figure class="wp-block-table"><table><thead><tr><th>Port</th><th>Flag</th></tr></thead><tbody><tr><td>Aveiro</td><td><img src="https://example.org/pt.png" alt="pt"></td></tr><tr><td>Vigo</td><td>es</td></tr></tbody></table><figcaption>Ports</figcaption></figure>',
      { isWordPress: true },
    );
    assert.equal(
      markdown,
      '| Port | Flag |\n| --- | --- |\n| Aveiro | ![pt](https://example.org/pt.png) |\n| Vigo | es |\n\n*Ports*',
    );
  });

  test('a pullquote or quote keeps its quote and its citation; an image in it does not replace them', () => {
    const { markdown } = htmlToMarkdown(
      '<figure class="wp-block-pullquote"><blockquote><p>The sea <em>keeps</em> nothing.</p><p>Second line.</p><cite>Ana Lind, <a href="https://example.org/talk">a talk</a></cite></blockquote></figure>' +
        '<figure class="wp-block-pullquote"><blockquote><p><img src="https://example.org/q.png" alt="q"> Said once.</p><cite>Someone</cite></blockquote></figure>' +
        '<blockquote class="wp-block-quote"><p>Plain quote.</p><cite>Quoted</cite></blockquote>',
      { isWordPress: true },
    );
    assert.equal(
      markdown,
      [
        '> The sea *keeps* nothing.\n> \n> Second line.\n> \n> — Ana Lind, [a talk](https://example.org/talk)',
        '> ![q](https://example.org/q.png) Said once.\n> \n> — Someone',
        '> Plain quote.\n> \n> — Quoted',
      ].join('\n\n'),
    );
  });
});

describe('a <pre> left unclosed', () => {
  test('ends where its code does: the prose after a blank line comes across as prose, and is reported', () => {
    const { markdown, repairs } = htmlToMarkdown(
      'Try this:\n\n<pre>for (i = 0; i<n; i++) {\n  total += a[i];\n}\n\nThe loop above adds the numbers up. It is slow.\n\n<p>See <a href="https://example.org/more">more</a>.</p>',
      { isWordPress: true },
    );
    assert.equal(
      markdown,
      'Try this:\n\n```\nfor (i = 0; i<n; i++) {\n  total += a[i];\n}\n```\n\nThe loop above adds the numbers up. It is slow.\n\nSee [more](https://example.org/more).',
    );
    assert.equal(repairs.length, 1);
    assert.match(repairs[0] ?? '', /<pre> without <\/pre>.*closed where its code ends.*"The loop above adds/);
  });

  test('ends at its </code>, or at the next <pre>, whose own </pre> does not close it', () => {
    const code = htmlToMarkdown('<pre><code>x = 1\n\ny = 2</code>\n\n<p>Then prose.</p>');
    assert.equal(code.markdown, '```\nx = 1\n\ny = 2\n```\n\nThen prose.');
    assert.equal(code.repairs.length, 1);
    const next = htmlToMarkdown('<pre>first()\n\n<p>Between.</p>\n<pre>second()</pre><p>After.</p>', {
      isWordPress: true,
    });
    assert.equal(next.markdown, '```\nfirst()\n```\n\nBetween.\n\n```\nsecond()\n```\n\nAfter.');
    assert.equal(next.repairs.length, 1);
  });

  test('with no sign of where its code ends, runs to the end of the post: all of the text kept, and reported', () => {
    const { markdown, repairs } = htmlToMarkdown('<p>Intro.</p><pre>if (a<b) {\n  go();\n}\n\nreturn c;', {
      isWordPress: true,
    });
    assert.equal(markdown, 'Intro.\n\n```\nif (a<b) {\n  go();\n}\n\nreturn c;\n```');
    assert.match(repairs[0] ?? '', /<pre> without <\/pre>.*to the end of the text/);
  });

  test('a closed <pre> is no repair; a comparison in it is code, not a bold tag to remove', () => {
    assert.deepEqual(htmlToMarkdown('<pre>a\n\nb</pre><p>Prose here, as said.</p>').repairs, []);
    assert.equal(
      htmlToMarkdown('<pre>if (a<b && c>d) return;\n<b>x</b></pre>').markdown,
      '```\nif (a<b && c>d) return;\nx\n```',
    );
  });
});

describe('emphasis left open around paragraphs', () => {
  test('an <i>, <em>, <b> or <strong> never closed keeps its words emphasised, and the blocks after it come across without stray asterisks', () => {
    const { markdown, repairs } = htmlToMarkdown(
      '<p>This is <b>bold and <i>italic</b> crossed.</p>\n<div><p>An unclosed div:</p>\n<ul><li>one<li>two</ul></div>\n<blockquote>Quoted <em>text\n<p>After the quote.</p></blockquote><p>Done.</p>',
      { isWordPress: true },
    );
    assert.equal(
      markdown,
      // The words after the quote are in the <em> still open, as a browser shows them.
      'This is **bold and *italic*** *crossed.*\n\nAn unclosed div:\n\n-   one\n-   two\n\n> Quoted *text*\n> \n> After the quote.\n\n*Done.*',
    );
    const html = renderMarkdownNow(markdown);
    assert.doesNotMatch(html, /<li><\/li>|\*/);
    assert.equal(repairs.length, 1);
    assert.match(repairs[0] ?? '', /markup repaired: .*left open/);
  });

  test('emphasis that holds only inline text is no repair', () => {
    const { markdown, repairs } = htmlToMarkdown('<p><em>All</em> of <strong>it <em>here</em></strong>.</p>');
    assert.equal(markdown, '*All* of **it *here***.');
    assert.deepEqual(repairs, []);
  });
});

test('legacy HTML that leaves <p><font>, <p><b> or <li><a> open on every line converts, as browsers read it', () => {
  const lines = Array.from({ length: 150 }, (_, i) => `<p><font face="Arial"><b>Line ${i}`).join('\n');
  const converted = htmlToMarkdown(lines, { isWordPress: true });
  assert.match(converted.markdown, /Line 0/);
  assert.match(converted.markdown, /Line 149/);
  const list = htmlToMarkdown(
    `<ul>${Array.from({ length: 150 }, (_, i) => `<li><a href="/x${i}">Item ${i}`).join('\n')}</ul>`,
  );
  assert.match(list.markdown, /\[Item 149\]\(\/x149\)/);
  // What browsers nest 150 deep is refused still.
  assert.throws(() => htmlToMarkdown('<div><span>'.repeat(150)), /nested more than 100 levels/);
});
