// Runs in a worker thread of the render pool (render-pool.ts): the markup check and the heavy,
// synchronous parsing and sanitizing happen here, away from the event loop that answers requests.
// So does comparing two long versions of an article's fields.
import { diffFields } from '../domain/revision-diff.ts';
import { renderMarkdownNow } from './markdown.ts';
import { checkedTask } from './render-pool.ts';

/** A Markdown text to render (or only to check), or two versions of a record of texts to compare. */
export type RenderTask =
  | { kind?: 'markdown'; source: string; isCheckOnly?: boolean }
  | { kind: 'compare'; before: Record<string, string>; after: Record<string, string> };

export default checkedTask(
  // Compared texts are never parsed as markup: there is nothing to check in them.
  (task: RenderTask) => (task.kind === 'compare' ? '' : task.source),
  (task) => {
    if (task.kind === 'compare') return diffFields(task.before, task.after);
    return task.isCheckOnly ? '' : renderMarkdownNow(task.source);
  },
);
