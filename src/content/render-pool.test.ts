import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Errors } from '../errors.ts';
import { checkedTask } from './render-pool.ts';

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
