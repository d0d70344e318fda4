// Runs in a worker thread of the render pool (render-pool.ts): the markup check and the heavy,
// synchronous parsing and sanitizing happen here, away from the event loop that answers requests.
import { renderMarkdownNow } from './markdown.ts';
import { checkedTask } from './render-pool.ts';

export default checkedTask(
  (task: { source: string; isCheckOnly?: boolean }) => task.source,
  (task) => (task.isCheckOnly ? '' : renderMarkdownNow(task.source)),
);
