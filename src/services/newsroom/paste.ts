import { assertRenderable } from '../../content/markdown.ts';
import { INLINE_RENDER_CHARS, runOffThread } from '../../content/render-pool.ts';

const WORKER = new URL('./paste-worker.ts', import.meta.url);

/**
 * pastedHtmlToMarkdown for a request: refuses markup nested too deeply to sanitize in reasonable
 * time, and converts a long paste in a worker thread, with a time limit.
 */
export async function convertPastedHtml(pasted: string): Promise<string> {
  if (pasted.length < INLINE_RENDER_CHARS) {
    assertRenderable(pasted, 'html');
    const { pastedHtmlToMarkdown } = await import('./paste-html.ts');
    return pastedHtmlToMarkdown(pasted);
  }
  return runOffThread<string>(WORKER, { html: pasted }, { field: 'html', markup: pasted });
}
