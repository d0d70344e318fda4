import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asReadBy, canReadFull, markdownBeforeMarker, readableHtml } from './article-access.ts';

const FREE = { memberId: 1, isPaid: false };
const PAID = { memberId: 2, isPaid: true };

describe('canReadFull', () => {
  it('opens public articles to everyone, members articles to members, paid ones to paying members', () => {
    const cases = [
      ['public', [true, true, true]],
      ['members', [false, true, true]],
      ['paid', [false, false, true]],
    ] as const;
    for (const [visibility, expected] of cases) {
      assert.deepEqual(
        [undefined, FREE, PAID].map((reader) => canReadFull({ visibility }, reader)),
        expected,
        visibility,
      );
    }
  });

  it('gives a reader not allowed the text the preview, and none when no preview was kept', () => {
    const article = { visibility: 'members' as const, bodyHtml: '<p>all</p>', previewHtml: '<p>start</p>' };
    assert.equal(readableHtml(article, undefined), '<p>start</p>');
    assert.equal(readableHtml(article, FREE), '<p>all</p>');
    assert.equal(asReadBy(article, undefined).bodyHtml, '<p>start</p>');
    assert.equal(asReadBy({ ...article, previewHtml: null }, undefined).bodyHtml, '');
  });
});

describe('markdownBeforeMarker', () => {
  it('cuts at the marker line, spaces inside or not', () => {
    assert.equal(markdownBeforeMarker('Intro\n\n<!-- members-only -->\n\nRest'), 'Intro\n\n');
    assert.equal(markdownBeforeMarker('Intro\n<!--members-only-->\nRest'), 'Intro\n');
    assert.equal(markdownBeforeMarker('<!-- members-only -->\nRest'), '');
  });

  it('ends the preview at a WordPress <!--more--> line when the body has no marker of its own', () => {
    assert.equal(markdownBeforeMarker('Teaser\n\n<!--more-->\n\nRest'), 'Teaser\n\n');
    assert.equal(markdownBeforeMarker('Teaser\n<!--more Read on-->\nRest'), 'Teaser\n');
    assert.equal(
      markdownBeforeMarker('Teaser\n\n<!--more-->\n\nMore\n\n<!-- members-only -->\n\nRest'),
      'Teaser\n\n<!--more-->\n\nMore\n\n',
    );
  });

  it('finds no marker in a body without one, in a fenced code block, or inside a line', () => {
    assert.equal(markdownBeforeMarker('Just text.'), undefined);
    assert.equal(markdownBeforeMarker('```html\n<!-- members-only -->\n```\nRest'), undefined);
    assert.equal(markdownBeforeMarker('~~~~\n<!-- members-only -->\n~~~\n~~~~'), undefined);
    assert.equal(markdownBeforeMarker('Write <!-- members-only --> on a line.'), undefined);
    assert.equal(markdownBeforeMarker('    <!-- members-only -->'), undefined);
    assert.equal(markdownBeforeMarker('```\ncode\n```\n\n<!-- members-only -->\nRest'), '```\ncode\n```\n\n');
  });
});
