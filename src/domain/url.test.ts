import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHttpUrl } from './url.ts';

test('accepts only absolute http and https URLs', () => {
  assert.equal(isHttpUrl('https://example.org/a?b=c'), true);
  assert.equal(isHttpUrl('http://127.0.0.1:8080/'), true);
  for (const bad of [
    'javascript:alert(1)',
    'mailto:a@example.org',
    '/relative',
    'example.org',
    '',
    null,
    undefined,
  ]) {
    assert.equal(isHttpUrl(bad), false, String(bad));
  }
});
