import { domainToUnicode } from 'node:url';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Comments take a little Markdown: paragraphs and line breaks, emphasis, code, quotes, lists
// and links (bare addresses become links). No raw HTML, no images, no headings or tables: a
// comment is a reader's note, and every one of those is a way to make it shout or to track.
const parser = new MarkdownIt('zero', { html: false, linkify: true, breaks: true }).enable([
  'paragraph',
  'newline',
  'emphasis',
  'backticks',
  'link',
  'linkify',
  'blockquote',
  'list',
  'escape',
]);

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'b', 'i', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    // Links in comments are the readers', not the publication's: search engines are told so
    // (ugc) and given no endorsement (nofollow), which takes away much of the reason to spam.
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...(attribs.href ? { href: attribs.href } : {}),
        rel: 'nofollow ugc noopener',
      },
    }),
  },
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object'],
};

/**
 * The host of every link a comment's text makes, as a browser shows it (lower case, percent
 * escapes and wide dots undone, punycode as its letters, no trailing dot); a mail link's is its
 * domain. Taken
 * from the parser's own links, not from the text: `http&#58;//` or `%73pam.example` reads as
 * no link to a pattern, yet renders as one.
 */
export function commentLinkHosts(text: string): string[] {
  const hosts: string[] = [];
  const visit = (tokens: ReturnType<typeof parser.parse>) => {
    for (const token of tokens) {
      if (token.children) visit(token.children);
      if (token.type !== 'link_open') continue;
      hosts.push(hostOf(String(token.attrGet('href') ?? '')));
    }
  };
  visit(parser.parse(text, {}));
  return hosts;
}

function hostOf(href: string): string {
  try {
    const url = new URL(href);
    const host =
      url.protocol === 'mailto:' ? url.pathname.slice(url.pathname.lastIndexOf('@') + 1) : url.hostname;
    const decoded = decodeURIComponent(host).toLowerCase().replace(/\.+$/, '');
    // Punycode read back as the letters a reader sees, so look-alike hosts can be matched.
    return domainToUnicode(decoded) || decoded;
  } catch {
    // Still a link to count, though one no browser would follow.
    return '';
  }
}

/** A member's comment text (Markdown-lite) as sanitized HTML; links carry rel="nofollow ugc". */
export function renderCommentText(text: string): string {
  return sanitizeHtml(parser.render(text), SANITIZE_OPTIONS).trim();
}

/**
 * An imported comment's body (WordPress keeps comments as HTML with bare line breaks) as
 * sanitized HTML with the same few tags as members' comments.
 */
export function renderImportedComment(body: string): string {
  const paragraphs = body
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('');
  // A paragraph of nothing but removed markup leaves an empty one behind.
  return sanitizeHtml(paragraphs, SANITIZE_OPTIONS).replaceAll('<p></p>', '').trim();
}
