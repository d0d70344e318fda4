import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasXmlForbidden, stripXmlForbidden } from './text.ts';

test('strips the characters XML 1.0 forbids and keeps everything it allows', () => {
  assert.equal(stripXmlForbidden('a\u0000b\u000bc\u001bd\u0007e\uFFFEf\uFFFF'), 'abcdef');
  assert.equal(stripXmlForbidden('lone \uD800 surrogate'), 'lone  surrogate');
  const allowed = 'tab\tline\ncr\r café 漢字 😀 \u00a0\u2028';
  assert.equal(stripXmlForbidden(allowed), allowed);
  assert.equal(hasXmlForbidden(allowed), false);
  assert.equal(hasXmlForbidden('x\u000cy'), true);
  assert.equal(hasXmlForbidden('x\u000cy'), true, 'the answer does not depend on an earlier call');
});
