import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainTextWithParagraphs, republishableHtml } from '../../content/markdown.ts';
import { LICENSES } from '../../domain/license.ts';
import { republishGuidance } from './kit.ts';

describe('republish kit', () => {
  it('keeps paragraphs and list items apart in the plain text, with entities decoded', () => {
    const html =
      '<h2>Tides &amp; walls</h2>\n<p>One<br>line.</p>\n<ul>\n<li>a</li>\n<li>b &lt;c&gt;</li>\n</ul>\n<p>End.</p>';
    assert.equal(plainTextWithParagraphs(html), 'Tides & walls\n\nOne\nline.\n\n- a\n- b <c>\n\nEnd.');
  });

  it('makes the site’s addresses absolute and leaves images out unless granted', () => {
    const body =
      '<p><a href="/articles/x">x</a> <a href="#fn1">1</a> <a href="//evil.example/">e</a></p>\n<p><img src="/media/a.jpg" alt="A" loading="lazy"></p>\n<p>End.</p>';
    const site = 'https://review.example';
    const without = republishableHtml(body, { siteUrl: site, includeImages: false });
    assert.equal(
      without,
      '<p><a href="https://review.example/articles/x" rel="noopener">x</a> <a href="#fn1">1</a> <a>e</a></p>\n<p>End.</p>',
    );
    assert.match(
      republishableHtml(body, { siteUrl: site, includeImages: true }),
      /<img src="https:\/\/review\.example\/media\/a\.jpg" alt="A" loading="lazy" \/>/,
    );
  });

  it('says what each license allows in its own terms', () => {
    assert.match(republishGuidance(LICENSES['cc-by-4.0']).may.join(' '), /Edit, shorten or translate it/);
    assert.equal(republishGuidance(LICENSES['cc-by-4.0']).mayNot.length, 1);
    const nd = republishGuidance(LICENSES['cc-by-nd-4.0']);
    assert.match(nd.mayNot[0] ?? '', /the license allows no modified versions/);
    assert.match(nd.may.join(' '), /Use it commercially/);
    const ncNd = republishGuidance(LICENSES['cc-by-nc-nd-4.0']).mayNot.join(' ');
    assert.match(ncNd, /Use it commercially .*ask the publication/);
    assert.match(
      republishGuidance(LICENSES['site-terms']).mayNot.join(' '),
      /the terms allow no modified versions.*images/,
    );
  });
});
