import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateInputType } from './date-input.ts';

test('keeps a date picker for real dates and a text box for what a picker would blank', () => {
  assert.equal(dateInputType('', 'date'), 'date');
  assert.equal(dateInputType('2026-02-28', 'date'), 'date');
  assert.equal(dateInputType('2026-02-30', 'date'), 'text');
  assert.equal(dateInputType('yesterday', 'date'), 'text');
  assert.equal(dateInputType('2026-12-01T09:30', 'datetime-local'), 'datetime-local');
  assert.equal(dateInputType('2026-12-01T25:30', 'datetime-local'), 'text');
  assert.equal(dateInputType('2026-12-01', 'datetime-local'), 'text');
});
