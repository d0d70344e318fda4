// The conversion itself, with the HTML-to-Markdown converter and its DOM: loaded at the first
// paste (or in a worker), not when the server starts.
import sanitizeHtml from 'sanitize-html';
import { htmlToMarkdown } from '../import/html-to-markdown.ts';

const MAX_PASTE = 2_000_000;

function styleOf(attribs: Record<string, string>): string {
  return (attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
}

/**
 * Turns HTML pasted from a word processor (Word, Google Docs, LibreOffice) or a web page into
 * clean Markdown: keeps headings, emphasis, links, lists, quotes and tables; drops styles,
 * classes, Office markup, scripts and images that point nowhere useful.
 */
export function pastedHtmlToMarkdown(pasted: string): string {
  const source = pasted.length > MAX_PASTE ? pasted.slice(0, MAX_PASTE) : pasted;
  const cleaned = sanitizeHtml(source.replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, ''), {
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
      'span',
    ],
    allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
    transformTags: {
      // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold at all.
      b: (tagName, attribs) =>
        /font-weight:(normal|400)/.test(styleOf(attribs))
          ? { tagName: 'span', attribs: {} }
          : { tagName, attribs },
      // Word processors mark emphasis with styles on spans rather than tags.
      span: (_tagName, attribs) => {
        const style = styleOf(attribs);
        if (/font-weight:(bold|[6-9]00)/.test(style)) return { tagName: 'strong', attribs: {} };
        if (/font-style:italic/.test(style)) return { tagName: 'em', attribs: {} };
        return { tagName: 'span', attribs: {} };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href && !frame.text.trim(),
  });
  const withoutSpans = cleaned.replace(/<\/?span>/g, '').replace(/&nbsp;/g, ' ');
  return htmlToMarkdown(withoutSpans).markdown;
}
