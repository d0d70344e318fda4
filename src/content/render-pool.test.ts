import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Errors } from '../errors.ts';
import {
  allowRenderTime,
  checkedTask,
  closeRenderPools,
  RENDER_TIME_LIMIT_MS,
  runOffThread,
} from './render-pool.ts';

test('a worker task returns a refusal of its input as a problem, and lets other errors through', () => {
  const refusing = checkedTask(
    (task: string) => task,
    () => {
      throw Errors.VALIDATION_FAILED({ details: [{ field: 'html', message: 'cannot be converted' }] });
    },
  );
  assert.deepEqual(refusing('<p>fine</p>'), { problem: 'cannot be converted' });
  assert.match((refusing('<b/>'.repeat(200)) as { problem: string }).problem, /nested/);
  const failing = checkedTask(
    (task: string) => task,
    () => {
      throw new TypeError('a bug');
    },
  );
  assert.throws(() => failing('x'), TypeError);
  assert.deepEqual(
    checkedTask(
      (task: string) => task,
      (task) => task.length,
    )('abc'),
    { value: 3 },
  );
});

test('a task’s time limit starts when a thread takes it, not while it waits behind others', async () => {
  const worker = new URL('../../test/helpers/slow-worker.ts', import.meta.url);
  const run = (label: string, ms = 1500) =>
    runOffThread<string>(worker, { ms, label }, { field: 'body', markup: '', timeoutMs: 2600 });
  try {
    // Both threads started first: starting one (loading its modules) is slow on a busy machine.
    await Promise.all([run('warm', 200), run('warm', 200)]);
    // Two threads: the third task waits about 1.5 s, then runs 1.5 s, well within its own 2.6 s.
    assert.deepEqual(await Promise.all([run('a'), run('b'), run('c')]), ['a', 'b', 'c']);
  } finally {
    await closeRenderPools();
  }
});

test('a task is limited by the processor time it uses, not by the clock: waiting for the processor is not counted', async () => {
  const worker = new URL('../../test/helpers/slow-worker.ts', import.meta.url);
  const run = (task: { ms: number; label: string; waitMs?: number }) =>
    runOffThread<string>(worker, task, { field: 'body', markup: '', timeoutMs: 600 });
  try {
    // A second and a half by the clock, almost none of it working: not refused.
    assert.equal(await run({ ms: 50, waitMs: 1500, label: 'patient' }), 'patient');
    // Working past its limit is refused, however soon.
    await assert.rejects(run({ ms: 5000, label: 'busy' }), /took more than 1 seconds to render/);
  } finally {
    await closeRenderPools();
  }
});

test('past the threads and the waiting room, a task is refused as busy at once', async () => {
  const worker = new URL('../../test/helpers/slow-worker.ts', import.meta.url);
  const run = (label: string) =>
    runOffThread<string>(worker, { ms: 300, label }, { field: 'body', markup: '', timeoutMs: 10_000 });
  try {
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => run(`t${i}`)));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(refused.length, 2);
    for (const o of refused) assert.equal((o as PromiseRejectedResult).reason.code, 'RENDER_BUSY');
  } finally {
    await closeRenderPools();
  }
});

test('a process may allow renders more time (command-line imports), and the server keeps its limit', async () => {
  const worker = new URL('../../test/helpers/slow-worker.ts', import.meta.url);
  const run = () => runOffThread<string>(worker, { ms: 1200, label: 'x' }, { field: 'body', markup: '' });
  try {
    await Promise.all([run(), run()]); // both threads started
    allowRenderTime(600);
    await assert.rejects(run(), /took more than 1 seconds to render/);
    allowRenderTime(30_000);
    assert.equal(await run(), 'x');
  } finally {
    allowRenderTime(RENDER_TIME_LIMIT_MS);
    await closeRenderPools();
  }
});
