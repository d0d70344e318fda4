// A worker task for the render pool's tests: keeps its thread busy for the processor time it is
// told (not the clock's, which on a busy machine would run out with little work done).
import { checkedTask } from '../../src/content/render-pool.ts';

export default checkedTask(
  () => '',
  (task: { ms: number; label: string; waitMs?: number }) => {
    // Waiting without working, as a thread the processor is busy elsewhere does.
    if (task.waitMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, task.waitMs);
    const started = process.threadCpuUsage();
    const used = () => {
      const now = process.threadCpuUsage(started);
      return (now.user + now.system) / 1000;
    };
    while (used() < task.ms) {
      // Busy, as a long render is.
    }
    return task.label;
  },
);
