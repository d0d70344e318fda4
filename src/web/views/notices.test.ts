import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noticeIn } from './notices.ts';

test('a notice comes only from the table’s own entries', () => {
  const table = { saved: 'Saved.' };
  assert.equal(noticeIn(table, 'saved'), 'Saved.');
  for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])
    assert.equal(noticeIn(table, inherited), undefined, inherited);
  assert.equal(noticeIn(table, undefined), undefined);
  assert.equal(noticeIn(table, ''), undefined);
});
