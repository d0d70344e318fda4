import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertDueAt, alertSubject, MAX_ALERT_ARTICLES, planAlert } from './newsletter-alert.ts';

const GRACE = 10 * 60_000;
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 3, 12, minutes)).toISOString();
const waiting = (articleId: number, minutes: number, isPublished = true) => ({
  articleId,
  queuedAt: at(minutes),
  isPublished,
});

test('an alert is due a grace period after the latest article, but at most three after the first', () => {
  assert.equal(alertDueAt([at(0)], GRACE).toISOString(), at(10));
  assert.equal(alertDueAt([at(0), at(4)], GRACE).toISOString(), at(14));
  assert.equal(alertDueAt([at(0), at(9), at(18), at(27)], GRACE).toISOString(), at(30));
});

test('nothing goes out before the alert is due; then every article whose grace is over does', () => {
  const two = [waiting(1, 0), waiting(2, 4)];
  assert.deepEqual(planAlert(two, new Date(at(12)), GRACE), {
    send: [],
    drop: [],
    nextAt: new Date(at(14)),
  });
  assert.deepEqual(planAlert(two, new Date(at(14)), GRACE), { send: [1, 2], drop: [], nextAt: undefined });
});

test('an article unpublished while it waits is dropped, and alone it sends nothing', () => {
  assert.deepEqual(planAlert([waiting(1, 0, false)], new Date(at(11)), GRACE), {
    send: [],
    drop: [1],
    nextAt: undefined,
  });
  assert.deepEqual(planAlert([waiting(1, 0, false), waiting(2, 1)], new Date(at(11)), GRACE), {
    send: [2],
    drop: [1],
    nextAt: undefined,
  });
});

test('a steady stream is cut at the longest wait, and the newest articles keep their full grace', () => {
  const stream = [waiting(1, 0), waiting(2, 9), waiting(3, 18), waiting(4, 27)];
  const plan = planAlert(stream, new Date(at(30)), GRACE);
  assert.deepEqual(plan.send, [1, 2, 3]);
  assert.equal(plan.nextAt?.toISOString(), at(37), 'article 4 goes a grace period after it was queued');
});

test('an alert carries at most the most articles an issue holds; the rest go next', () => {
  const many = Array.from({ length: MAX_ALERT_ARTICLES + 2 }, (_, i) => waiting(i + 1, 0));
  const plan = planAlert(many, new Date(at(10)), GRACE);
  assert.equal(plan.send.length, MAX_ALERT_ARTICLES);
  assert.equal(plan.nextAt?.toISOString(), at(10));
});

test('the subject names the first title and how many more, within 300 characters', () => {
  assert.equal(alertSubject('Europe', ['Harbour dredging starts']), 'Europe: Harbour dredging starts');
  assert.equal(alertSubject('Europe', ['A', 'B', 'C']), 'Europe: A and 2 more');
  const long = alertSubject('Europe', ['x'.repeat(400), 'y']);
  assert.equal(long.length, 300);
  assert.match(long, /… and 1 more$/);
});
