import TurndownService from 'turndown';
import { gfm } from 'turndown-plugin-gfm';

/** What happened to one shortcode found in a body. */
export interface ShortcodeNote {
  name: string;
  /** converted: turned into Markdown; skipped: dropped; kept: left as text. */
  outcome: 'converted' | 'skipped' | 'kept';
}

export interface ConvertedBody {
  markdown: string;
  shortcodes: ShortcodeNote[];
}

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '*',
  hr: '---',
});
turndown.use(gfm);
turndown.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'form']);
// Ghost's Markdown cards arrive already in Markdown; they pass through untouched.
turndown.addRule('markdownCard', {
  filter: (node) => node.nodeName === 'DIV' && node.getAttribute('data-markdown') === 'true',
  replacement: (_content, node) => `\n\n${(node as HTMLElement).textContent ?? ''}\n\n`,
});
turndown.addRule('figure', {
  filter: 'figure',
  replacement: (_content, node) => {
    const element = node as HTMLElement;
    const image = element.querySelector('img');
    const caption = element.querySelector('figcaption')?.textContent?.trim() ?? '';
    if (!image) return `\n\n${turndown.turndown(element.innerHTML)}\n\n`;
    const alt = (image.getAttribute('alt') ?? '').replace(/[[\]]/g, '');
    const src = image.getAttribute('src') ?? '';
    const link = image.parentElement?.tagName === 'A' ? image.parentElement.getAttribute('href') : null;
    const picture = `![${alt}](${src})`;
    const body = link ? `[${picture}](${link})` : picture;
    return `\n\n${body}${caption ? `\n\n*${caption.replace(/\*/g, '\\*')}*` : ''}\n\n`;
  },
});

const BLOCK_START =
  /^<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|pre|table|thead|tbody|tr|figure|hr|section|article|aside|header|footer|address|!--|\/)/i;

/**
 * WordPress stores classic posts without paragraphs and adds them when it renders (wpautop):
 * a blank line is a paragraph break, a single newline a line break. Does the same, leaving
 * <pre> blocks alone.
 */
export function autoParagraph(html: string): string {
  if (!html.includes('\n')) return BLOCK_START.test(html.trim()) ? html : `<p>${html}</p>`;
  const preserved: string[] = [];
  const text = html
    .replace(/\r\n?/g, '\n')
    .replace(/<pre[\s>][\s\S]*?<\/pre>/gi, (block) => `\uE000${preserved.push(block) - 1}\uE000`);
  const blocks = text.split(/\n\s*\n/);
  const out = blocks.map((block) => {
    const trimmed = block.trim();
    if (!trimmed) return '';
    if (/^\uE000\d+\uE000$/.test(trimmed) || BLOCK_START.test(trimmed)) return trimmed;
    return `<p>${trimmed.replace(/\n/g, '<br />\n')}</p>`;
  });
  return out
    .filter(Boolean)
    .join('\n\n')
    .replace(/\uE000(\d+)\uE000/g, (_m, index: string) => preserved[Number(index)] ?? '');
}

const SHORTCODE = /\[(\[?)([a-zA-Z][\w-]*)(\s[^\]]*)?\](?:([\s\S]*?)\[\/\2\])?(\]?)/g;
const LINKED = new Set(['embed', 'video', 'audio', 'youtube', 'vimeo', 'soundcloud', 'playlist']);
const DROPPED = new Set(['gallery', 'contact-form-7', 'contact-form', 'ninja_form', 'gravityform']);

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))/g)) {
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
  }
  return attributes;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Replaces WordPress shortcodes with HTML: [caption] becomes a figure, [embed], [video] and
 * [audio] a link, [gallery] is dropped; anything else that looks like a shortcode is kept as
 * text. Every one found is noted so the import report can say what happened.
 */
export function expandShortcodes(html: string, notes: ShortcodeNote[]): string {
  return html.replace(
    SHORTCODE,
    (
      whole,
      open: string,
      rawName: string,
      rawAttributes: string | undefined,
      inner: string | undefined,
      close: string,
    ) => {
      // [[name]] is WordPress's escape for a literal shortcode.
      if (open && close) return whole.slice(1, -1);
      const name = rawName.toLowerCase();
      const attributes = attributesOf(rawAttributes ?? '');
      if (name === 'caption' || name === 'wp_caption') {
        notes.push({ name, outcome: 'converted' });
        const body = inner ?? '';
        const media = /^\s*((?:<a [^>]*>\s*)?<img [^>]*>(?:\s*<\/a>)?)([\s\S]*)$/i.exec(body);
        const caption = (media?.[2] ?? attributes.caption ?? '').trim();
        return `<figure>${media?.[1] ?? body}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
      }
      if (LINKED.has(name)) {
        const url =
          inner?.trim() ||
          attributes.src ||
          attributes.url ||
          attributes.mp4 ||
          attributes.m4v ||
          attributes.webm ||
          attributes.ogv ||
          attributes.mp3 ||
          attributes.ogg ||
          attributes.wav ||
          attributes.m4a ||
          (rawAttributes ?? '').trim().split(/\s+/)[0] ||
          '';
        if (/^https?:\/\//i.test(url)) {
          notes.push({ name, outcome: 'converted' });
          return `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`;
        }
        notes.push({ name, outcome: 'skipped' });
        return '';
      }
      if (DROPPED.has(name)) {
        notes.push({ name, outcome: 'skipped' });
        return '';
      }
      // Text in square brackets is common in prose; only shortcode-looking text is reported.
      if (inner !== undefined || /=/.test(rawAttributes ?? '')) notes.push({ name, outcome: 'kept' });
      return whole;
    },
  );
}

/** Replaces characters no database should store: lone surrogates and C0 controls other than tab and newlines. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

/** Converts a post body (WordPress or Ghost HTML) to clean Markdown, reporting shortcodes. */
export function htmlToMarkdown(html: string, options: { isWordPress?: boolean } = {}): ConvertedBody {
  const shortcodes: ShortcodeNote[] = [];
  let source = cleanText(html);
  if (options.isWordPress) source = expandShortcodes(source, shortcodes);
  if (!source.trim()) return { markdown: '', shortcodes };
  // Text without markup (most comments, many old posts) needs no HTML parser, which costs
  // more than the rest of the import of a short comment.
  if (!/[<&]/.test(source)) {
    const paragraphs = source
      .replace(/\r\n?/g, '\n')
      .split(/\n\s*\n/)
      .map((p) =>
        turndown
          .escape(p.trim().replace(/[ \t]+/g, ' '))
          .replace(/ ?\n ?/g, options.isWordPress ? '  \n' : ' '),
      );
    return { markdown: cleanText(paragraphs.filter(Boolean).join('\n\n')), shortcodes };
  }
  if (options.isWordPress) source = autoParagraph(source);
  const markdown = turndown
    .turndown(source)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { markdown: cleanText(markdown), shortcodes };
}
