import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { characterCount, isRecordId, parseWholeNumber, tooLong, wholeNumberProblem } from './limits.ts';
import { clipText } from './text.ts';

describe('field limits', () => {
  test('reads only plain decimal digits as whole numbers', () => {
    for (const [text, value] of [
      ['0', 0],
      ['7', 7],
      ['-3', -3],
      ['2147483648', 2147483648],
    ] as const)
      assert.equal(parseWholeNumber(text), value, text);
    for (const text of [
      '',
      ' 7',
      '7 ',
      '+1',
      '01',
      '-0',
      '0x10',
      '0b1',
      '1e3',
      '1.0',
      '1.5',
      'NaN',
      '9'.repeat(17),
    ])
      assert.equal(parseWholeNumber(text), undefined, JSON.stringify(text));
  });

  test('counts characters as the databases do, so an emoji is one', () => {
    assert.equal(characterCount('a😀b'), 3);
    assert.equal(tooLong('😀'.repeat(3), 3), undefined);
    assert.equal(tooLong('abcd', 3), 'must be at most 3 characters (this one has 4)');
    assert.equal(tooLong('x'.repeat(2001), 2000), 'must be at most 2,000 characters (this one has 2,001)');
    assert.equal(tooLong(null, 3), undefined);
  });

  test('clips to the limit with an ellipsis, never splitting a character', () => {
    assert.equal(clipText('abc', 3), 'abc');
    assert.equal(clipText('abcd', 3), 'ab…');
    assert.equal(clipText('😀😀😀😀', 3), '😀😀…');
    assert.equal(clipText('😀😀😀', 3), '😀😀😀');
  });

  test('takes as ids and positions only whole numbers an integer column holds', () => {
    assert.equal(isRecordId(1), true);
    assert.equal(isRecordId(2_147_483_647), true);
    for (const value of [0, -1, 1.5, 2_147_483_648, Number.NaN, '1']) assert.equal(isRecordId(value), false);
    assert.equal(wholeNumberProblem(5, 0, 10), undefined);
    assert.equal(wholeNumberProblem(-1, 0, 1_000_000), 'must be a whole number from 0 to 1,000,000');
    assert.ok(wholeNumberProblem(Number.NaN, 0, 10));
  });
});
