import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duePeriod } from './digests.ts';

const daily = { kind: 'daily' as const, sendHour: 7, isActive: true };

test('a daily digest is due from its hour in the site zone, named by the local day', () => {
  assert.equal(duePeriod(daily, new Date('2026-12-03T06:59:00Z'), 'Europe/Lisbon'), undefined);
  assert.equal(duePeriod(daily, new Date('2026-12-03T07:00:00Z'), 'Europe/Lisbon'), 'daily:2026-12-03');
  // 23:30 UTC on the 2nd is 07:30 on the 3rd in Singapore (UTC+8): the local day names it.
  assert.equal(duePeriod(daily, new Date('2026-12-02T23:30:00Z'), 'Asia/Singapore'), 'daily:2026-12-03');
  assert.equal(duePeriod(daily, new Date('2026-12-02T22:30:00Z'), 'Asia/Singapore'), undefined);
});

test('a weekly digest is due on Mondays only; inactive, hourless and alert newsletters never', () => {
  const weekly = { ...daily, kind: 'weekly' as const };
  assert.equal(duePeriod(weekly, new Date('2026-12-07T08:00:00Z'), 'UTC'), 'weekly:2026-12-07');
  assert.equal(duePeriod(weekly, new Date('2026-12-08T08:00:00Z'), 'UTC'), undefined);
  assert.equal(duePeriod({ ...daily, isActive: false }, new Date('2026-12-03T08:00:00Z'), 'UTC'), undefined);
  assert.equal(duePeriod({ ...daily, sendHour: null }, new Date('2026-12-03T08:00:00Z'), 'UTC'), undefined);
  assert.equal(duePeriod({ ...daily, kind: 'term' }, new Date('2026-12-03T08:00:00Z'), 'UTC'), undefined);
});
