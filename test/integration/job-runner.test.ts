import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { Errors } from '../../src/errors.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const START = new Date('2026-11-20T12:00:00.000Z');
const later = (ms: number) => new Date(START.getTime() + ms);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

for (const kind of DATABASE_KINDS) {
  describe(`job runner failures, back-off and giving up on ${kind}`, () => {
    let t: TestWiring;
    let now = START;
    let attempts: number[] = [];
    let failUntilAttempt = 0;
    const captured = capturingLogger();
    const runner = () =>
      new JobRunner({
        store: t.wiring.store,
        log: captured.log,
        now: () => now,
        workerId: 'test-worker',
        handlers: {
          'source-down': async () => {
            throw Errors.WEBMENTION_SOURCE_UNREACHABLE({
              source: 'https://elsewhere.example/',
              reason: 'ENOTFOUND',
            });
          },
          'mail-down': async () => {
            throw Errors.MAIL_FAILED({ reason: 'refused' }, { cause: new Error('connection refused') });
          },
          flaky: async (job) => {
            attempts.push(job.attempts);
            if (job.attempts <= failUntilAttempt) throw new Error(`flaky failure ${job.attempts}`);
          },
        },
      });
    const put = (dedupeKey: string, jobKind: string, maxAttempts: number) =>
      t.wiring.store.jobs.put(
        { kind: jobKind, dedupeKey, payload: {}, runAt: START.toISOString(), maxAttempts },
        START.toISOString(),
      );
    const job = async (dedupeKey: string) => {
      const found = await t.wiring.store.jobs.findByKey(dedupeKey);
      assert.ok(found, dedupeKey);
      return found;
    };

    before(async () => {
      t = await createTestWiring(kind, { now: START });
    });
    after(() => t.cleanup());

    test('a failed job is retried after 30 s, then 2 min, and succeeds; nothing runs before it is due', async () => {
      now = START;
      attempts = [];
      failUntilAttempt = 2;
      await put('flaky-then-fine', 'flaky', 5);
      assert.equal(await runner().runDue(), 1);
      let state = await job('flaky-then-fine');
      assert.equal(state.status, 'pending');
      assert.equal(state.attempts, 1);
      assert.equal(state.lastError, 'flaky failure 1');
      assert.equal(Date.parse(state.runAt), later(30 * SECOND).getTime());
      assert.ok(
        captured.lines.some((l) => l.msg === 'job failed' && l.jobId === state.id && l.attempt === 1),
      );

      now = later(29 * SECOND);
      assert.equal(await runner().runDue(), 0, 'not due yet');
      now = later(30 * SECOND);
      assert.equal(await runner().runDue(), 1);
      state = await job('flaky-then-fine');
      assert.equal(state.attempts, 2);
      assert.equal(Date.parse(state.runAt), later(30 * SECOND + 2 * MINUTE).getTime());

      now = later(30 * SECOND + 2 * MINUTE);
      assert.equal(await runner().runDue(), 1);
      state = await job('flaky-then-fine');
      assert.equal(state.status, 'done');
      assert.equal(state.lastError, null);
      assert.equal(state.lockedBy, null);
      assert.deepEqual(attempts, [1, 2, 3]);
      now = later(24 * 60 * MINUTE);
      assert.equal(await runner().runDue(), 0, 'a finished job never runs again');
    });

    test('gives up after max attempts: the job is marked failed with its last error and is not retried', async () => {
      now = START;
      attempts = [];
      failUntilAttempt = Number.POSITIVE_INFINITY;
      await put('always-fails', 'flaky', 3);
      const delays = [30 * SECOND, 2 * MINUTE];
      for (const delay of delays) {
        assert.equal(await runner().runDue(), 1);
        now = new Date(now.getTime() + delay);
      }
      assert.equal(await runner().runDue(), 1);
      const state = await job('always-fails');
      assert.equal(state.status, 'failed');
      assert.equal(state.attempts, 3);
      assert.equal(state.lastError, 'flaky failure 3');
      assert.equal(state.finishedAt, now.toISOString());
      now = later(30 * 24 * 60 * MINUTE);
      assert.equal(await runner().runDue(), 0);
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.equal((await t.wiring.store.jobs.list({ status: 'failed', limit: 10 })).length, 1);
    });

    test("another site's failure (an expected error with no cause) is a warning without a stack; a bug or an error with a cause is an error", async () => {
      now = START;
      const at = captured.lines.length;
      await put('source-down', 'source-down', 3);
      await put('mail-down', 'mail-down', 3);
      failUntilAttempt = 1;
      attempts = [];
      await put('bug', 'flaky', 3);
      assert.equal(await runner().runDue(), 3);
      const failed = captured.lines.slice(at).filter((l) => l.msg === 'job failed');
      const levelOf = (kind: string) => failed.find((l) => l.kind === kind);
      const sourceDown = levelOf('source-down');
      assert.equal(sourceDown?.level, 40, 'warn');
      assert.equal(sourceDown?.err, undefined, 'no stack for an expected failure');
      assert.match(String(sourceDown?.reason), /elsewhere\.example.*ENOTFOUND/);
      assert.equal(sourceDown?.code, 'WEBMENTION_SOURCE_UNREACHABLE');
      assert.equal(levelOf('mail-down')?.level, 50, 'the operator needs the cause');
      assert.equal(levelOf('flaky')?.level, 50, 'a bug');
      assert.ok((levelOf('flaky')?.err as { stack?: string } | undefined)?.stack);
      assert.equal((await job('source-down')).status, 'pending', 'tried again all the same');
    });

    test('a job of a kind no handler knows fails with that reason instead of running or vanishing', async () => {
      now = START;
      await put('unknown-kind', 'no-such-kind', 1);
      assert.equal(await runner().runDue(), 1);
      const state = await job('unknown-kind');
      assert.equal(state.status, 'failed');
      assert.equal(state.lastError, 'No handler for job kind "no-such-kind"');
    });

    test('a long queue of slow jobs (slow sites sent as webmentions) does not hold the recurring work back', async () => {
      now = START;
      for (const key of ['slow-1', 'slow-2', 'slow-3', 'slow-4', 'slow-5']) await put(key, 'slow', 1);
      let recurringRuns = 0;
      const slowRunner = new JobRunner({
        store: t.wiring.store,
        log: captured.log,
        now: () => now,
        maxRunMs: 30 * SECOND,
        handlers: {
          // Each takes as long as a source that never answers (the fetch's 15 s and more).
          slow: async () => {
            now = new Date(now.getTime() + 20 * SECOND);
          },
        },
        recurring: {
          publishDue: async () => {
            recurringRuns++;
            return 0;
          },
        },
      });
      assert.equal(await slowRunner.runDue(), 2, 'stops claiming once its time is used');
      assert.equal(recurringRuns, 1);
      assert.equal(await slowRunner.runDue(), 2);
      assert.equal(recurringRuns, 2, 'the recurring work ran again between the two');
      await slowRunner.runDue();
      assert.equal((await job('slow-5')).status, 'done', 'the rest of the queue still runs');
    });

    test('a failing recurring task is logged and the queued jobs still run', async () => {
      now = START;
      attempts = [];
      failUntilAttempt = 0;
      await put('after-recurring', 'flaky', 5);
      const withRecurring = new JobRunner({
        store: t.wiring.store,
        log: captured.log,
        now: () => now,
        handlers: { flaky: async (j) => void attempts.push(j.attempts) },
        recurring: {
          broken: async () => {
            throw new Error('recurring broke');
          },
        },
      });
      assert.equal(await withRecurring.runDue(), 1);
      assert.equal((await job('after-recurring')).status, 'done');
      assert.ok(captured.lines.some((l) => l.msg === 'recurring task failed' && l.task === 'broken'));
    });
  });
}
