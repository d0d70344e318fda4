import { assertRenderable } from '../../content/markdown.ts';
import { runOffThread } from '../../content/render-pool.ts';

const INLINE_PASTE_CHARS = 4_000;

const WORKER = new URL('./paste-worker.ts', import.meta.url);

/**
 * pastedHtmlToMarkdown for a request: refuses markup nested too deeply to sanitize in reasonable
 * time, and converts a long paste in a worker thread, with a time limit.
 */
export async function convertPastedHtml(pasted: string): Promise<string> {
  // Converting HTML costs far more per character than rendering Markdown: only short pastes
  // are converted on the event loop.
  if (pasted.length < INLINE_PASTE_CHARS) {
    assertRenderable(pasted, 'html');
    const { pastedHtmlToMarkdown } = await import('./paste-html.ts');
    return pastedHtmlToMarkdown(pasted);
  }
  return runOffThread<string>(WORKER, { html: pasted }, { field: 'html', markup: pasted });
}
