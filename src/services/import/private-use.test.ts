import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restorePrivateUse, setAsidePrivateUse } from './private-use.ts';
import { withoutPlaceholders } from './session.ts';

test('private-use characters set aside hold none, and come back as written, set aside once or twice', () => {
  const text = 'Icon \uF09A, marker-like \uE0100\uE010 and \uE0FF12\uE0FF.';
  const aside = setAsidePrivateUse(text);
  assert.doesNotMatch(aside.replace(/\uE0FF\d{5}\uE0FF/g, ''), /[\uE000-\uF8FF]/);
  assert.equal(restorePrivateUse(aside), text);
  assert.equal(restorePrivateUse(restorePrivateUse(setAsidePrivateUse(aside))), text);
  assert.equal(setAsidePrivateUse('plain'), 'plain');
});

test("report notes lose the converters' markers but keep an icon font's characters", () => {
  assert.equal(withoutPlaceholders('see \uE0103\uE010 and \uF09A'), 'see … and \uF09A');
});
