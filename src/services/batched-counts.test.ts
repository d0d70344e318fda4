import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchedCounts, type PendingCount } from './batched-counts.ts';

describe('BatchedCounts', () => {
  test('a flush called while another writes waits for it, so what it answers is written', async () => {
    const written: Array<Array<PendingCount<string>>> = [];
    let calls = 0;
    let release: () => void = () => {};
    const firstWrite = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counts = new BatchedCounts<string>({
      label: 'test',
      log: { warn() {} },
      write: async (batch) => {
        if (++calls === 1) await firstWrite;
        written.push(batch);
        return undefined;
      },
    });
    counts.add('a', 'a');
    counts.add('a', 'a');
    const first = counts.flush();
    // The first write has begun (and holds) when a hit comes and a second flush is asked for.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls, 1);
    counts.add('b', 'b');
    let isSecondDone = false;
    const second = counts.flush().then((n) => {
      isSecondDone = true;
      return n;
    });
    // The first write still holds: the second flush has not answered (nor written) yet.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(isSecondDone, false);
    assert.equal(written.length, 0);
    release();
    assert.equal(await first, 2);
    assert.equal(await second, 1);
    assert.deepEqual(
      written.map((batch) => batch.map((c) => [c.item, c.count])),
      [[['a', 2]], [['b', 1]]],
    );
    // With nothing in flight or pending, a flush answers at once.
    assert.equal(await counts.flush(), 0);
  });

  test('stop waits for a write in flight', async () => {
    let release: () => void = () => {};
    let isWritten = false;
    const counts = new BatchedCounts<string>({
      label: 'test',
      log: { warn() {} },
      write: async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        isWritten = true;
        return undefined;
      },
    });
    counts.add('a', 'a');
    void counts.flush();
    let isStopped = false;
    const stopped = counts.stop().then(() => {
      isStopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(isStopped, false, 'stop has not answered while the write holds');
    release();
    await stopped;
    assert.ok(isWritten, 'the periodic write finished before stop answered');
  });
});
