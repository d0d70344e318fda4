// The conversion itself, with the HTML-to-Markdown converter and its DOM: loaded at the first
// paste (or in a worker), not when the server starts.
import sanitizeHtml from 'sanitize-html';
import { htmlToMarkdown } from '../import/html-to-markdown.ts';
import {
  listItemLevel,
  listItemsUnwrapped,
  listsNestedByLevel,
  tablesWithHeadings,
  wordListsToHtml,
} from './word-html.ts';

const MAX_PASTE = 2_000_000;

function styleOf(attribs: Record<string, string>): string {
  return (attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
}

/** One declaration of a style, not Word's look-alikes: `mso-bidi-font-weight:normal` on a <b> is still bold. */
function hasStyle(style: string, property: string, values: RegExp): boolean {
  for (const declaration of style.split(';')) {
    const [name, value = ''] = declaration.split(':', 2);
    if (name === property && values.test(value)) return true;
  }
  return false;
}

/** The tags a span's styles stand for: bold, italic, struck through, superscript, subscript. */
function spanMarks(style: string): string[] {
  const marks: string[] = [];
  if (hasStyle(style, 'font-weight', /^(?:bold|bolder|[6-9]00)$/)) marks.push('strong');
  if (hasStyle(style, 'font-style', /^(?:italic|oblique)$/)) marks.push('em');
  if (
    hasStyle(style, 'text-decoration', /line-through/) ||
    hasStyle(style, 'text-decoration-line', /line-through/)
  )
    marks.push('s');
  if (hasStyle(style, 'vertical-align', /^super$/)) marks.push('sup');
  else if (hasStyle(style, 'vertical-align', /^sub$/)) marks.push('sub');
  return marks;
}

/** Sanitized spans as the tags their styles stood for (spanMarks), or as nothing. */
function spansAsMarks(html: string): string {
  const closings: string[] = [];
  // The sanitizer's output is well formed: every </span> closes the last span opened.
  return html.replace(/<span(?: data-marks="([a-z ]+)")?>|<\/span>/g, (tag, marks?: string) => {
    if (tag === '</span>') return closings.pop() ?? '';
    const tags = (marks ?? '').split(' ').filter(Boolean);
    closings.push(
      tags
        .map((name) => `</${name}>`)
        .reverse()
        .join(''),
    );
    return tags.map((name) => `<${name}>`).join('');
  });
}

/**
 * Turns HTML pasted from a word processor (Word, Google Docs, LibreOffice) or a web page into
 * clean Markdown: keeps headings, emphasis, links, lists, quotes and tables; drops styles,
 * classes, Office markup, scripts and images that point nowhere useful.
 */
export function pastedHtmlToMarkdown(pasted: string): string {
  const source = pasted.length > MAX_PASTE ? pasted.slice(0, MAX_PASTE) : pasted;
  const cleaned = sanitizeHtml(wordListsToHtml(source), {
    allowedTags: [
      'p',
      'br',
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'strong',
      'b',
      'em',
      'i',
      'a',
      'ul',
      'ol',
      'li',
      'blockquote',
      'pre',
      'code',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'img',
      'hr',
      'sup',
      'sub',
      's',
      'strike',
      'del',
      'span',
    ],
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      li: ['data-level'],
      span: ['data-marks'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
    transformTags: {
      li: (tagName, attribs) => {
        const level = listItemLevel(attribs);
        const kept: Record<string, string> = level === undefined ? {} : { 'data-level': String(level) };
        return { tagName, attribs: kept };
      },
      // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold at all.
      b: (tagName, attribs) =>
        hasStyle(styleOf(attribs), 'font-weight', /^(?:normal|[1-4]00)$/)
          ? { tagName: 'span', attribs: {} }
          : { tagName, attribs },
      // Word processors (Google Docs above all) mark emphasis, strikethrough and superscript with
      // styles on spans rather than tags, often several on one span: spansAsMarks makes them tags.
      span: (_tagName, attribs) => {
        const marks = spanMarks(styleOf(attribs));
        const kept: Record<string, string> = marks.length > 0 ? { 'data-marks': marks.join(' ') } : {};
        return { tagName: 'span', attribs: kept };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href && !frame.text.trim(),
  });
  const withoutSpans = tablesWithHeadings(
    listItemsUnwrapped(listsNestedByLevel(spansAsMarks(cleaned).replace(/&nbsp;/g, ' '))),
  );
  return htmlToMarkdown(withoutSpans).markdown;
}
