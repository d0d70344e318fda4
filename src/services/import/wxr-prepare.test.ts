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
