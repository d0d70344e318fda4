// Runs in a worker thread of the render pool (render-pool.ts): the heavy, synchronous parsing
// and sanitizing happen here, away from the event loop that answers requests.
import { renderMarkdownNow } from './markdown.ts';

export default function render(task: { source: string }): string {
  return renderMarkdownNow(task.source);
}
