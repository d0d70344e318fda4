import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { safeReturnPath } from './paths.ts';

describe('safeReturnPath', () => {
  test('keeps a path of this site, with its query and fragment', () => {
    assert.equal(
      safeReturnPath('/articles/harbour-talks/comments#comment-form'),
      '/articles/harbour-talks/comments#comment-form',
    );
    assert.equal(safeReturnPath('/articles/a?order=newest'), '/articles/a?order=newest');
    assert.equal(safeReturnPath('/articles/caf%C3%A9'), '/articles/caf%C3%A9');
  });

  test('refuses anything that could lead to another site, or is not a plain path', () => {
    for (const hostile of [
      undefined,
      '',
      'articles/a',
      '//evil.example/x',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\\/evil.example',
      'https://evil.example/',
      'HTTPS://press.example/articles',
      'javascript:alert(1)',
      '/%2f%2fevil.example',
      '/%2F/evil.example',
      '%2F%2Fevil.example',
      '/%5cevil.example',
      '/%255c%255cevil.example',
      '/%252f%252fevil.example',
      // Dot segments a browser removes, leaving "//": another site's address.
      '/.//evil.example',
      '/a/..//evil.example',
      '/%2e//evil.example',
      '/x/%2E%2E//evil.example/y',
      '/%25252525252f%25252525252fevil.example',
      '/\t/evil.example',
      '/ /evil.example',
      '/\n/evil.example',
      '/articles/\u0000',
      `/${'a'.repeat(600)}`,
    ])
      assert.equal(safeReturnPath(hostile), undefined, JSON.stringify(hostile));
  });
});
