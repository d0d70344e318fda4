// Runs in a worker thread of the render pool: checking and converting a large paste is heavy,
// synchronous work.
import { checkedTask } from '../../content/render-pool.ts';
import { pastedHtmlToMarkdown } from './paste-html.ts';

export default checkedTask(
  (task: { html: string }) => task.html,
  (task) => pastedHtmlToMarkdown(task.html),
);
