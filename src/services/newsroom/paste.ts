import { assertRenderable } from '../../content/markdown.ts';
import { runOffThread } from '../../content/render-pool.ts';

/**
 * Pastes shorter than this are converted on the event loop. Converting HTML costs far more a
 * character than rendering Markdown, and most of all where the markup is dense: 3,900
 * characters of nested lists or of a table took 10 to 35 ms of the event loop each. A worker
 * round trip costs the event loop about a millisecond whatever the paste; a paste of 300
 * characters at its densest (a table) costs two or three inline, plain text a fraction of one.
 */
const INLINE_PASTE_CHARS = 300;

const WORKER = new URL('./paste-worker.ts', import.meta.url);

/**
 * pastedHtmlToMarkdown for a request: refuses markup nested too deeply to sanitize in reasonable
 * time, and converts a long paste in a worker thread, with a time limit.
 */
export async function convertPastedHtml(pasted: string): Promise<string> {
  // Only a paste too short to cost more than the round trip is converted on the event loop.
  if (pasted.length < INLINE_PASTE_CHARS) {
    assertRenderable(pasted, 'html');
    const { pastedHtmlToMarkdown } = await import('./paste-html.ts');
    return pastedHtmlToMarkdown(pasted);
  }
  return runOffThread<string>(WORKER, { html: pasted }, { field: 'html', markup: pasted });
}
