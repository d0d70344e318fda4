import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wordPressBody } from './wxr-prepare.ts';

describe('WordPress bodies and <!--more-->', () => {
  test('a <!--more--> between blocks ends the teaser', () => {
    const body = wordPressBody('<p>Teaser.</p><!--more--><p>Rest.</p>');
    assert.equal(body.markdown, 'Teaser.\n\n<!--more-->\n\nRest.');
    assert.equal(body.teaser, 'Teaser.');
  });

  test('a <!--more Read the rest--> keeps its link text for the report', () => {
    const body = wordPressBody('<p>Teaser.</p><!--more   Read  the rest…--><p>Rest.</p>');
    assert.equal(body.markdown, 'Teaser.\n\n<!--more-->\n\nRest.');
    assert.equal(body.teaser, 'Teaser.');
    assert.equal(body.moreText, 'Read the rest…');
    assert.equal(wordPressBody('<p>Teaser.</p><!--more--><p>Rest.</p>').moreText, null);
    assert.equal(wordPressBody('<p>No break.</p>').moreText, null);
  });

  test('a <!--more--> inside a [code] shortcode is code, not a break', () => {
    const body = wordPressBody(
      '<p>Intro.</p>\n[code]\nlet a = 1;\n<!--more-->\nlet b = 2;\n[/code]\n<p>After.</p>',
    );
    assert.equal(body.teaser, null);
    assert.equal(body.markdown, 'Intro.\n\n```\nlet a = 1;\n<!--more-->\nlet b = 2;\n```\n\nAfter.');
  });

  test('a <!--more--> inside a list item leaves the list whole', () => {
    const body = wordPressBody('<ul><li>One</li><li>Two <!--more--> three</li><li>Four</li></ul><p>End.</p>');
    assert.equal(body.teaser, null);
    assert.equal(body.markdown, '-   One\n-   Two three\n-   Four\n\nEnd.');
  });

  test('a teaser made from the body leaves out embed labels and figure captions', () => {
    const body = wordPressBody(
      '<p>Intro.</p><figure><img src="https://example.org/a.png" alt="Quay"><figcaption>Photo: Ana Lind</figcaption></figure>\n\n[youtube https://youtu.be/abcdefgh]\n\n<p>More <em>text</em>.</p><!--more--><p>Rest.</p>',
    );
    assert.equal(body.teaser, 'Intro. More text.');
    assert.match(body.markdown, /\*Photo: Ana Lind\*[\s\S]*▶ Watch on YouTube/);
  });

  test('the first <!--more--> outside code and lists is the break', () => {
    const body = wordPressBody(
      '<pre>x\n<!--more-->\ny</pre><ol><li>a<!--more--></li></ol><p>Teaser.</p><!--more--><p>Rest.</p>',
    );
    assert.match(
      body.markdown,
      /^```\nx\n<!--more-->\ny\n```\n\n1\. +a\n\nTeaser\.\n\n<!--more-->\n\nRest\.$/,
    );
  });
});

describe("the block editor's footnotes (WordPress 6.3 and later)", () => {
  const ref = (id: string, n: number) =>
    `<sup data-fn="${id}" class="fn"><a href="#${id}" id="${id}-link">${n}</a></sup>`;

  test('the notes of the footnotes meta become the anchored notes, in the order the text refers to them', () => {
    const content = `<!-- wp:paragraph --><p>Tides${ref('b-2', 1)} and currents${ref('a-1', 2)}, tides again${ref('b-2', 1)}.</p><!-- /wp:paragraph -->\n<!-- wp:footnotes /-->`;
    const meta = JSON.stringify([
      { content: 'See <em>the chart</em> and <a href="https://example.org/c">its source</a>.', id: 'a-1' },
      { content: 'Twice a day.', id: 'b-2' },
    ]);
    const body = wordPressBody(content, { footnotes: meta });
    assert.equal(
      body.markdown,
      'Tides[<span id="fnref1"></span>\\[1\\]](#fn1) and currents[<span id="fnref2"></span>\\[2\\]](#fn2), tides again[<span id="fnref1-2"></span>\\[1\\]](#fn1).\n\n' +
        '1. <span id="fn1"></span>Twice a day. [↩︎](#fnref1) [↩︎ 2](#fnref1-2)\n' +
        '2. <span id="fn2"></span>See *the chart* and [its source](https://example.org/c). [↩︎](#fnref2)',
    );
    assert.deepEqual(body.footnoteProblems, []);
  });

  test('notes on both sides of a <!--more--> end the whole body, and stay out of the teaser', () => {
    const content = `<p>Before${ref('x', 1)}.</p><!--more--><p>After${ref('y', 2)}.</p><!-- wp:footnotes /-->`;
    const meta = JSON.stringify([
      { content: 'First.', id: 'x' },
      { content: 'Second.', id: 'y' },
    ]);
    const body = wordPressBody(content, { footnotes: meta });
    assert.equal(body.teaser, 'Before.');
    assert.match(
      body.markdown,
      /^Before\[<span id="fnref1"><\/span>\\\[1\\\]\]\(#fn1\)\.\n\n<!--more-->\n\nAfter\[/,
    );
    assert.match(
      body.markdown,
      /\n\n1\. <span id="fn1"><\/span>First\. \[↩︎\]\(#fnref1\)\n2\. <span id="fn2"><\/span>Second\./,
    );
  });

  test('a reference whose note is missing keeps its number as a superscript and is reported; an unreadable meta is reported', () => {
    const body = wordPressBody(`<p>Claim${ref('gone', 1)}.</p><!-- wp:footnotes /-->`, {
      footnotes: '[]',
    });
    assert.equal(body.markdown, 'Claim<sup>1</sup>.');
    assert.equal(body.footnoteProblems.length, 1);
    assert.match(body.footnoteProblems[0] ?? '', /footnote reference "gone" \(shown as 1\) has no note/);
    const broken = wordPressBody(`<p>Claim${ref('a', 1)}.</p>`, { footnotes: '[{"content":' });
    assert.match(broken.footnoteProblems.join('\n'), /footnotes meta is not JSON/);
    assert.match(broken.footnoteProblems.join('\n'), /footnote reference "a" \(shown as 1\) has no note/);
  });
});
