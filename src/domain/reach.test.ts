import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addDays, daysBetween, reachPeriod, referringHost } from './reach.ts';

describe('reach', () => {
  test('keeps a referring host only, in lower case, and never one of ours', () => {
    assert.equal(referringHost('News.Example.org', ['review.example']), 'news.example.org');
    assert.equal(referringHost('127.0.0.1:8080', []), '127.0.0.1:8080');
    assert.equal(referringHost('review.example', ['review.example']), null);
    for (const bad of ['', 'https://x.example/a', 'x.example/a', 'a b.example', '-x.example', 'x..example']) {
      assert.equal(referringHost(bad, []), null, bad);
    }
    assert.equal(referringHost(`${'a'.repeat(300)}.example`, []), null);
  });

  test('reads a preset period ending today, or two dates', () => {
    assert.deepEqual(reachPeriod({ days: '7' }, '2026-03-02'), {
      period: { since: '2026-02-24', until: '2026-03-02', days: 7, preset: 7 },
      problems: [],
    });
    assert.deepEqual(reachPeriod({}, '2026-03-02').period.preset, 30);
    assert.deepEqual(reachPeriod({ days: '7', from: '2026-01-01', to: '2026-01-31' }, '2026-03-02').period, {
      since: '2026-01-01',
      until: '2026-01-31',
      days: 31,
      preset: null,
    });
  });

  test('walks days across months and years', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.deepEqual(daysBetween('2028-02-28', '2028-03-01'), ['2028-02-28', '2028-02-29', '2028-03-01']);
  });
});
