// A worker task for the render pool's tests: keeps its thread busy for the time it is told.
import { checkedTask } from '../../src/content/render-pool.ts';

export default checkedTask(
  () => '',
  (task: { ms: number; label: string }) => {
    const until = Date.now() + task.ms;
    while (Date.now() < until) {
      // Busy, as a long render is.
    }
    return task.label;
  },
);
