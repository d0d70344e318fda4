import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isImpossibleDate, parseStrictDate } from './dates.ts';

test('reads dates and times as sources write them, in UTC unless a zone is given', () => {
  assert.equal(parseStrictDate('2026-02-28')?.toISOString(), '2026-02-28T00:00:00.000Z');
  assert.equal(parseStrictDate('2024-02-29 09:30:05')?.toISOString(), '2024-02-29T09:30:05.000Z');
  assert.equal(parseStrictDate('2026-02-28T09:30+02:00')?.toISOString(), '2026-02-28T07:30:00.000Z');
  assert.equal(parseStrictDate('2026-02-28T09:30:00.123Z')?.toISOString(), '2026-02-28T09:30:00.123Z');
});

test('refuses days and times that do not exist instead of rolling them over', () => {
  for (const text of [
    '2026-02-30',
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-01 24:00:00',
    '2026-01-01T10:60',
  ]) {
    assert.equal(parseStrictDate(text), null, text);
    assert.ok(isImpossibleDate(text), text);
  }
  assert.equal(isImpossibleDate('yesterday'), false);
  assert.equal(isImpossibleDate('2026-02-28'), false);
});
