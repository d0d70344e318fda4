import { escapeUTF8 } from 'entities';
import { type ArticleDraft, countWords } from '../domain/article.ts';
import { isGated, markdownBeforeMarker } from '../domain/article-access.ts';
import { excerpt, renderedPlainText, renderedPlainTextStart, renderMarkdown } from './markdown.ts';

/** A preview without a marker stops adding opening paragraphs once it has this many words. */
const PREVIEW_WORDS = 40;
/** ...and never takes a paragraph that would bring it past this many. */
const PREVIEW_MAX_WORDS = 150;
/** ...nor more than this many blocks. */
const PREVIEW_MAX_BLOCKS = 3;
/** Characters of the cut-off text when not even the first paragraph fits. */
const PREVIEW_EXCERPT_CHARS = 600;

/** A paragraph or a heading at the start of rendered HTML (neither can hold another). */
const OPENING_BLOCK = /^<(p|h[2-6])>[\s\S]*?<\/\1>\n*/;

/**
 * The preview of a gated article, rendered and sanitized as the body is: the Markdown before
 * the preview marker when there is one, else the body's opening paragraphs (or, when the first
 * is too long, the start of its text). Null for a public article, which needs none.
 * `bodyHtml` is the body as just rendered from `bodyMarkdown`.
 */
export async function renderPreview(
  draft: Pick<ArticleDraft, 'visibility' | 'bodyMarkdown'>,
  bodyHtml: string,
): Promise<string | null> {
  if (!isGated(draft)) return null;
  const marked = markdownBeforeMarker(draft.bodyMarkdown);
  if (marked !== undefined) return renderMarkdown(marked, { field: 'body' });
  return openingParagraphs(bodyHtml);
}

/** The opening paragraphs (and headings) of rendered HTML, within the preview's word limits. */
export function openingParagraphs(bodyHtml: string): string {
  let rest = bodyHtml.trimStart();
  let taken = '';
  let words = 0;
  for (let blocks = 0; blocks < PREVIEW_MAX_BLOCKS && words < PREVIEW_WORDS; blocks++) {
    const block = OPENING_BLOCK.exec(rest)?.[0];
    if (block === undefined) break;
    const blockWords = countWords(renderedPlainText(block));
    if (words + blockWords > PREVIEW_MAX_WORDS) break;
    taken += block;
    words += blockWords;
    rest = rest.slice(block.length);
  }
  if (words > 0) return taken.trim();
  const text = excerpt(renderedPlainTextStart(bodyHtml, PREVIEW_EXCERPT_CHARS), PREVIEW_EXCERPT_CHARS);
  return text ? `<p>${escapeUTF8(text)}</p>` : '';
}
