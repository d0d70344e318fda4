import { decodeHTML } from 'entities';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { collapseWhitespace, decodeSanitizerReferences } from '../domain/text.ts';
import { Errors } from '../errors.ts';
import { parseLinkLabel } from './link-label.ts';
import { type MarkupParser, markupProblem, mayHoldTable } from './markup-limits.ts';
import { INLINE_RENDER_CHARS, RENDER_WORKER, runOffThread } from './render-pool.ts';

// Raw HTML is allowed in the source (imports bring plenty) because everything goes through
// the sanitizer below; the sanitizer, not the parser, is what keeps pages safe.
const parser = new MarkdownIt({ html: true, linkify: true, typographer: true });
/** The parser renderMarkdownNow uses, for tests that count its work. */
export const markdownParser = parser;
// markdown-it's own scans each unclosed `[` to the end of its paragraph: quadratic (link-label.ts).
parser.helpers.parseLinkLabel = parseLinkLabel;

/**
 * An image alone on its line with an emphasized line under it, in one paragraph, is a figure
 * and its caption (what the newsroom inserts for a library image that has one):
 *
 *     ![A tide gauge](/media/gauge.png)
 *     *The gauge at Aveiro, 2026*
 *
 * becomes `<figure><img …><figcaption>The gauge at Aveiro, 2026</figcaption></figure>`. Any
 * other paragraph, with more text around either, stays a paragraph.
 */
parser.core.ruler.push('figure_caption', (state) => {
  const { tokens } = state;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [open, inline, close] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (open?.type !== 'paragraph_open' || inline?.type !== 'inline' || close?.type !== 'paragraph_close') {
      continue;
    }
    const children = inline.children ?? [];
    const [image, lineBreak, emphasis] = children;
    const last = children.at(-1);
    const isCaptioned =
      image?.type === 'image' &&
      lineBreak?.type === 'softbreak' &&
      emphasis?.type === 'em_open' &&
      last?.type === 'em_close' &&
      // One emphasis from the line's start to its end, nothing after it.
      children
        .slice(3, -1)
        .every((c) => c.type !== 'em_open' && c.type !== 'softbreak' && c.type !== 'hardbreak');
    if (!isCaptioned || !last) continue;
    open.tag = 'figure';
    close.tag = 'figure';
    emphasis.type = 'figcaption_open';
    emphasis.tag = 'figcaption';
    emphasis.markup = '';
    last.type = 'figcaption_close';
    last.tag = 'figcaption';
    last.markup = '';
    inline.children = [image, ...children.slice(2)];
  }
});

/**
 * Ids a body may carry: footnote anchors only (`fn1`, `fnref1`), so that a body can link its
 * notes without taking an id the page itself uses.
 */
export const FOOTNOTE_ID = /^(?:fn|fnref|footnote|footnote-ref)[\w:.-]{0,60}$/i;

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    'b',
    'i',
    'u',
    's',
    'del',
    'ins',
    'mark',
    'small',
    'sub',
    'sup',
    'a',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'figure',
    'figcaption',
    'img',
    'abbr',
    'cite',
    'q',
    'span',
    'time',
    'kbd',
    'aside',
    'details',
    'summary',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'hreflang'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    abbr: ['title'],
    time: ['datetime'],
    th: ['scope', 'colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start', 'reversed'],
    code: ['class'],
    q: ['cite'],
    blockquote: ['cite'],
    span: ['id'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    // h1 belongs to the page title; demote headings inside bodies so the outline stays valid.
    h1: 'h2',
    span: (tagName, attribs) => {
      const { id, ...rest } = attribs;
      return { tagName, attribs: id && FOOTNOTE_ID.test(id) ? { ...rest, id } : rest };
    },
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const isExternal = /^https?:\/\//i.test(href);
      return { tagName, attribs: isExternal ? { ...attribs, rel: 'noopener' } : attribs };
    },
  },
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object'],
};

/**
 * Renders Markdown (which may contain raw HTML) to sanitized HTML safe to embed in a page, on
 * this thread and without limits: for the render worker, and for text already within limits.
 */
export function renderMarkdownNow(markdown: string): string {
  return sanitizeHtml(parser.render(markdown), SANITIZE_OPTIONS).trim();
}

/**
 * Renders Markdown to sanitized HTML, refusing (as an error on `field`) markup nested too deeply
 * to sanitize in reasonable time. A long text is checked and rendered in a worker thread with a
 * time limit, so the event loop never scans it.
 */
export async function renderMarkdown(
  markdown: string,
  options: { field?: string; timeoutMs?: number } = {},
): Promise<string> {
  const field = options.field ?? 'body';
  // Tables render far larger than their text, so any text with one goes to the worker too.
  if (markdown.length < INLINE_RENDER_CHARS && options.timeoutMs === undefined && !mayHoldTable(markdown)) {
    assertRenderable(markdown, field);
    return renderMarkdownNow(markdown);
  }
  return runOffThread<string>(
    RENDER_WORKER,
    { source: markdown },
    { field, markup: markdown, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
  );
}

/**
 * Refuses, as renderMarkdown would, markup that could never be rendered, without rendering it:
 * for text kept unrendered (an autosave). A long text is checked in a worker thread.
 */
export async function checkRenderable(markdown: string, field: string): Promise<void> {
  if (markdown.length < INLINE_RENDER_CHARS) return assertRenderable(markdown, field);
  await runOffThread<string>(
    RENDER_WORKER,
    { source: markdown, isCheckOnly: true },
    { field, markup: markdown },
  );
}

/**
 * Throws a field error when the markup is nested too deeply to render safely: as the sanitizer's
 * parser nests it, or (`parser` 'browser') as an HTML5 parser such as the importers' does.
 */
export function assertRenderable(markup: string, field: string, parser: MarkupParser = 'sanitizer'): void {
  const problem = markupProblem(markup, parser);
  if (problem) throw Errors.VALIDATION_FAILED({ details: [{ field, message: problem }] });
}

/** Renders one line of Markdown without the surrounding paragraph, for titles and short texts. */
export function renderInlineMarkdown(markdown: string): string {
  return sanitizeHtml(parser.renderInline(markdown), SANITIZE_OPTIONS).trim();
}

/**
 * The spans of plain text that rendering turns into links by itself (bare URLs and email
 * addresses), found by the renderer's own matcher: what a converter must not escape.
 */
export function bareLinksIn(text: string): { index: number; lastIndex: number; raw: string }[] {
  if (!parser.linkify.test(text)) return [];
  return (parser.linkify.match(text) ?? []).map((m) => ({
    index: m.index,
    lastIndex: m.lastIndex,
    raw: m.raw,
  }));
}

/** An address of this site written from its root ("/media/a.jpg"), made absolute; any other left as it is. */
function absoluteFrom(siteUrl: string, address: string | undefined): string | undefined {
  return address?.startsWith('/') && !address.startsWith('//') ? `${siteUrl}${address}` : address;
}

/**
 * A rendered body as another site may paste it: sanitized again by the same rules, with the
 * site's own addresses (links, uploads) made absolute so they work from anywhere, and every
 * image left out unless `includeImages` (a figure keeps its caption, where the credit is).
 */
export function republishableHtml(
  bodyHtml: string,
  options: { siteUrl: string; includeImages: boolean },
): string {
  const { siteUrl, includeImages } = options;
  const transforms = SANITIZE_OPTIONS.transformTags ?? {};
  const html = sanitizeHtml(bodyHtml, {
    ...SANITIZE_OPTIONS,
    allowedTags: includeImages
      ? SANITIZE_OPTIONS.allowedTags
      : (SANITIZE_OPTIONS.allowedTags || []).filter((tag) => tag !== 'img'),
    transformTags: {
      ...transforms,
      a: (tagName, attribs) => {
        const href = absoluteFrom(siteUrl, attribs.href);
        if (href === undefined) return { tagName, attribs };
        const isExternal = /^https?:\/\//i.test(href);
        return { tagName, attribs: { ...attribs, href, ...(isExternal ? { rel: 'noopener' } : {}) } };
      },
      img: (tagName, attribs) => {
        const src = absoluteFrom(siteUrl, attribs.src);
        return { tagName, attribs: { ...attribs, ...(src === undefined ? {} : { src }) } };
      },
    },
  });
  // A paragraph that held only an image left out is left empty.
  return (includeImages ? html : html.replace(/<p>\s*<\/p>\n?/g, '')).trim();
}

/**
 * Plain text of sanitized HTML that keeps its paragraphs (a blank line between blocks, a line
 * per list item): for copy-ready text, where toPlainText's single line would not do.
 */
export function plainTextWithParagraphs(html: string): string {
  const marked = html
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/\s*<li>/g, '\n- ')
    .replace(
      /<\/(?:p|h[1-6]|blockquote|pre|ul|ol|figure|figcaption|table|tr|dl|dd|details|aside)>/g,
      '$&\n\n',
    );
  const text = decodeHTML(sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {} }));
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Strips all markup, leaving plain text (for descriptions, feeds and search). */
export function toPlainText(html: string): string {
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} });
  return collapseWhitespace(decodeSanitizerReferences(text)).trim();
}

/**
 * The plain text of HTML that renderMarkdown made, as toPlainText would give it, without parsing
 * it again. The sanitizer writes only allowed tags with escaped attributes and text escaped as
 * &amp;, &lt; and &gt;, so a tag cannot hold a ">" and text cannot hold a "<": removing the tags
 * leaves exactly the text a second sanitizing pass would. Not for HTML from anywhere else.
 */
export function renderedPlainText(html: string): string {
  return collapseWhitespace(decodeSanitizerReferences(html.replace(/<[^>]*>/g, ''))).trim();
}

/**
 * The plain text of the start of HTML that renderMarkdown made, enough for an excerpt of
 * `chars` characters: it reads a prefix of the HTML (markup takes room too), never the whole
 * of a long article, so a feed of twenty articles without summaries stays cheap.
 */
export function renderedPlainTextStart(html: string, chars: number): string {
  const room = chars * 8;
  if (html.length <= room) return renderedPlainText(html);
  let prefix = html.slice(0, room);
  // A tag or an entity cut in two is left out.
  const tagStart = prefix.lastIndexOf('<');
  if (tagStart > prefix.lastIndexOf('>')) prefix = prefix.slice(0, tagStart);
  prefix = prefix.replace(/&[a-z0-9#]*$/i, '');
  return renderedPlainText(prefix);
}

/** The first sentences of a text, cut at a word boundary, at most `maxLength` characters. */
export function excerpt(text: string, maxLength = 200): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
