import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  documentBase,
  hasLinkTo,
  normalizeMentionUrl,
  textMentions,
  webmentionFieldProblems,
} from './webmention.ts';

const TARGET = 'https://review.example/articles/dams';

describe('webmention rules', () => {
  test('normalises case, default ports, fragments and a trailing slash, resolving relative links', () => {
    assert.equal(normalizeMentionUrl('HTTPS://Review.Example:443/articles/dams/#top'), TARGET);
    assert.equal(normalizeMentionUrl('/articles/dams', 'https://review.example/x/y'), TARGET);
    assert.equal(normalizeMentionUrl('mailto:a@b.example'), undefined);
    assert.equal(normalizeMentionUrl('https://review.example/'), 'https://review.example/');
    assert.notEqual(normalizeMentionUrl('https://review.example/articles/dams?x=1'), TARGET);
  });

  test('names each missing or malformed field, and a source that is the target', () => {
    assert.deepEqual(
      webmentionFieldProblems({ source: undefined, target: ' ' }).map((p) => p.field),
      ['source', 'target'],
    );
    assert.deepEqual(
      webmentionFieldProblems({ source: 'ftp://x.example/', target: TARGET })[0]?.field,
      'source',
    );
    assert.deepEqual(
      webmentionFieldProblems({ source: 'https://user:pw@x.example/', target: TARGET })[0]?.field,
      'source',
    );
    assert.equal(webmentionFieldProblems({ source: `${TARGET}#c`, target: TARGET })[0]?.field, 'source');
    assert.deepEqual(webmentionFieldProblems({ source: 'https://blog.example/post', target: TARGET }), []);
  });

  test('finds the target among a page’s links, relative or absolute', () => {
    assert.ok(
      hasLinkTo({ links: ['/articles/dams/'], pageUrl: 'https://review.example/elsewhere', target: TARGET }),
    );
    assert.ok(
      hasLinkTo({
        links: ['https://x.example', `${TARGET}#top`],
        pageUrl: 'https://x.example/',
        target: TARGET,
      }),
    );
    assert.ok(!hasLinkTo({ links: ['/articles/dams'], pageUrl: 'https://blog.example/', target: TARGET }));
    assert.ok(!hasLinkTo({ links: [`${TARGET}-2`], pageUrl: 'https://blog.example/', target: TARGET }));
  });

  test('resolves relative links against a page’s <base href> when it is an http(s) URL', () => {
    const page = 'https://blog.example/posts/1';
    assert.equal(documentBase(page, 'https://review.example/articles/'), 'https://review.example/articles/');
    assert.equal(documentBase(page, '/archive/'), 'https://blog.example/archive/');
    assert.equal(documentBase(page, ' https://review.example/ '), 'https://review.example/');
    for (const ignored of [
      undefined,
      'javascript:alert(1)',
      'data:text/html,x',
      'ftp://review.example/',
      'http://[bad',
    ]) {
      assert.equal(documentBase(page, ignored), page, String(ignored));
    }
    const base = documentBase(page, 'https://review.example/articles/');
    assert.ok(hasLinkTo({ links: ['dams'], pageUrl: base, target: TARGET }));
    assert.ok(!hasLinkTo({ links: ['dams'], pageUrl: page, target: TARGET }));
  });

  test('finds the target written out in plain text, not a longer URL that starts with it', () => {
    assert.ok(textMentions(`See ${TARGET}.`, TARGET));
    assert.ok(!textMentions(`See ${TARGET}-and-more`, TARGET));
  });
});
