// Runs in a worker thread of the render pool: converting a large paste is heavy, synchronous work.
import { pastedHtmlToMarkdown } from './paste.ts';

export default function convert(task: { html: string }): string {
  return pastedHtmlToMarkdown(task.html);
}
