import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasXmlForbidden, stripXmlForbidden, trimEndOf } from './text.ts';

test('strips the characters XML 1.0 forbids and keeps everything it allows', () => {
  assert.equal(stripXmlForbidden('a\u0000b\u000bc\u001bd\u0007e\uFFFEf\uFFFF'), 'abcdef');
  assert.equal(stripXmlForbidden('lone \uD800 surrogate'), 'lone  surrogate');
  const allowed = 'tab\tline\ncr\r café 漢字 😀 \u00a0\u2028';
  assert.equal(stripXmlForbidden(allowed), allowed);
  assert.equal(hasXmlForbidden(allowed), false);
  assert.equal(hasXmlForbidden('x\u000cy'), true);
  assert.equal(hasXmlForbidden('x\u000cy'), true, 'the answer does not depend on an earlier call');
});

test('trims trailing characters of a set in linear time', () => {
  assert.equal(trimEndOf('/news//', '/'), '/news');
  assert.equal(trimEndOf('///', '/'), '');
  assert.equal(trimEndOf('/news', '/'), '/news');
  assert.equal(trimEndOf('see https://x.example/a.,;', '.,;:!?'), 'see https://x.example/a');
  // A run that does not reach the end: /\/+$/ retried it from each of its characters.
  const started = performance.now();
  assert.equal(trimEndOf(`/${'/'.repeat(200_000)}x`, '/').length, 200_002);
  assert.ok(performance.now() - started < 500);
});
