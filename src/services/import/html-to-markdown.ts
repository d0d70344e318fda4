import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';
import { gfm } from 'turndown-plugin-gfm';
import { assertRenderable, bareLinksIn, FOOTNOTE_ID } from '../../content/markdown.ts';
import { MAX_MARKUP_DEPTH, markupShape } from '../../content/markup-limits.ts';
import { clipText } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import { type CodeBlock, liftCode, restoreCode, restoreCodeText, type ShortcodeNote } from './code-blocks.ts';
import { escapeRegExp, replaceEnclosed } from './enclosed.ts';
import { liftFootnotes, restoreFootnotes } from './html-footnotes.ts';
import { type FootnoteCounter, footnotesToAnchors } from './markdown-footnotes.ts';
import { restorePrivateUse, setAsidePrivateUse } from './private-use.ts';
import { type Galleries, galleryHtml, galleryProblem } from './wordpress-gallery.ts';

export type { ShortcodeNote };

export interface ConvertedBody {
  markdown: string;
  shortcodes: ShortcodeNote[];
  /** Providers of the embedded players kept as links ("YouTube", "Spotify", …), one per embed. */
  embeds: string[];
  /** Links that could not be kept (a javascript: address, say), which became their text. */
  droppedLinks: DroppedLink[];
  /** Audio, video and file cards with no file that could be linked, kept as their text. */
  mediaLeftOut?: string[];
  /** Broken markup mended so that nothing after it is lost (a <pre> left open), for the report. */
  repairs: string[];
}

/** A link whose address no reader page may carry, kept as its text only. */
export interface DroppedLink {
  /** The address's scheme, as written: "javascript", "data", "vbscript" … */
  scheme: string;
  /** The link's text, as the reader sees it (an image's alt text). */
  text: string;
  /** An image whose address no page may show: it is left out, its alt text kept. */
  isImage?: boolean;
}

/** Schemes a link on a reader page may have (as the renderer's sanitizer allows), or none. */
const KEPT_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
/** Schemes an image on a reader page may have. */
const IMAGE_SCHEMES = new Set(['http', 'https']);
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * The scheme of an address no reader page may link to (javascript:, data:, vbscript: …), or
 * undefined for one it may (http(s), mailto, tel, or a relative address). Browsers ignore
 * whitespace and control characters inside a scheme ("java\tscript:"), so they are too.
 */
export function refusedScheme(href: string, options: { isImage?: boolean } = {}): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip these in a scheme
  const scheme = SCHEME.exec(href.replace(/[\u0000-\u0020]/g, ''))?.[1]?.toLowerCase();
  const kept = options.isImage ? IMAGE_SCHEMES : KEPT_SCHEMES;
  return scheme === undefined || kept.has(scheme) ? undefined : scheme;
}

/**
 * Why an image may not be kept: the scheme of an address no page may show (data:, javascript:),
 * or "relative address" for one relative to the page it stood on ("x", "images/a.png"), which
 * would lead to a path of this site that has nothing to do with it. Absolute addresses and paths
 * (from "/") are kept, to be pointed at the media library or the old site by the importer.
 */
function refusedImageReason(src: string): string | undefined {
  const scheme = refusedScheme(src, { isImage: true });
  if (scheme) return scheme;
  const address = src.trim();
  return address !== '' && !SCHEME.test(address) && !address.startsWith('/') ? 'relative address' : undefined;
}

/** An image no page may show (a data: or javascript: address, or a relative one): its alt text, noted. */
function refusedImageText(image: Element): string | undefined {
  const src = image.getAttribute('src') ?? '';
  const scheme = refusedImageReason(src);
  if (!scheme) return undefined;
  const alt = (image.getAttribute('alt') ?? '').trim();
  // A relative address says which image it was when there is no alt text; a script's would not.
  const text = alt || (scheme === 'relative address' ? clipText(src.trim(), 60) : '');
  droppedLinksFound.push({ scheme, text, isImage: true });
  return escapeMarkdown(alt);
}

/**
 * What a report says of links kept as their text only.
 * @example droppedLinksNote([{ scheme: 'javascript', text: 'Vote' }]) // 'a javascript: link became its text ("Vote")'
 */
export function droppedLinksNote(links: DroppedLink[]): string {
  const notes: string[] = [];
  const images = links.filter((link) => link.isImage);
  const anchors = links.filter((link) => !link.isImage);
  const list = (found: DroppedLink[]) =>
    found
      .slice(0, 5)
      .map((link) => `${link.scheme}: "${clipText(link.text, 60)}"`)
      .join(', ') + (found.length > 5 ? ` and ${found.length - 5} more` : '');
  if (anchors.length === 1)
    notes.push(`a ${anchors[0]?.scheme}: link became its text ("${clipText(anchors[0]?.text ?? '', 60)}")`);
  else if (anchors.length > 1)
    notes.push(`${anchors.length} links no page may carry became their text (${list(anchors)})`);
  if (images.length > 0)
    notes.push(
      `${images.length === 1 ? 'an image' : `${images.length} images`} with an address no page may show (${list(images)}) left out, alt text kept`,
    );
  return notes.join('; ');
}

// Links dropped from the body being converted, for the report.
let droppedLinksFound: DroppedLink[] = [];
// Audio, video and file cards with no file to link to, in the body being converted, for the report.
let mediaLeftOutFound: string[] = [];

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '*',
  hr: '---',
});
turndown.use(gfm);
// The plugin writes ~text~, which Markdown (and our renderer) does not read as struck through.
turndown.addRule('strikethrough', {
  filter: (node) => node.nodeName === 'DEL' || node.nodeName === 'S' || node.nodeName === 'STRIKE',
  replacement: (content) => (content.trim() ? `~~${content}~~` : content),
});
// Markdown has no superscript or subscript; the renderer keeps these tags as they are written.
turndown.addRule('superscript', {
  filter: ['sup', 'sub'],
  replacement: (content, node) => {
    const tag = node.nodeName.toLowerCase();
    return content.trim() ? `<${tag}>${content}</${tag}>` : content;
  },
});
turndown.remove(['script', 'style', 'noscript', 'template', 'object', 'embed', 'form']);

const escapeTurndown = turndown.escape.bind(turndown);

/**
 * Turndown's escaping of text, which knows nothing of links, and of "<" and entities: text that
 * read "<not tag>" or "&lt;" in the HTML would otherwise be markup again in the Markdown (a tag
 * the renderer drops, an entity it decodes) and vanish from the article.
 */
function escapeMarkdown(text: string): string {
  return escapeTurndown(text)
    .replace(/</g, '\\<')
    .replace(/&(?=#?[a-zA-Z0-9]+;)/g, '\\&');
}

// CommonMark autolinks: inside <…> nothing is escaped or parsed, so the URL stays as written.
// biome-ignore lint/suspicious/noControlCharactersInRegex: CommonMark's own rule excludes them
const AUTOLINK = /^[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\u0000-\u0020]*$/;
const EMAIL_AUTOLINK =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/**
 * Escapes text for Markdown except the bare URLs and email addresses in it, which `place`
 * writes. Rendering links them from the Markdown source, escapes included: an escaped
 * `watch?v=O\_Hy` would become a link to `O%5C_Hy` showing a backslash.
 */
function escapeProse(text: string, place: (raw: string) => string): string {
  const links = bareLinksIn(text).filter((link) => AUTOLINK.test(link.raw) || EMAIL_AUTOLINK.test(link.raw));
  if (links.length === 0) return escapeMarkdown(text);
  let out = '';
  let at = 0;
  for (const link of links) {
    out += escapeMarkdown(text.slice(at, link.index)) + place(link.raw);
    at = link.lastIndex;
  }
  return out + escapeMarkdown(text.slice(at));
}

// Bare links in the body being converted. Text gets a marker for each; a link's own text puts
// it back escaped (nothing inside a link is linked again), and the rest becomes an autolink.
let bareLinks: string[] = [];
const BARE_LINK = '\uE014';

turndown.escape = (text: string) =>
  escapeProse(text, (raw) => `${BARE_LINK}${bareLinks.push(raw) - 1}${BARE_LINK}`);

turndown.addRule('link', {
  filter: (node) => node.nodeName === 'A' && Boolean(node.getAttribute('href')),
  replacement: (content, node) => {
    const element = node as HTMLElement;
    const text = content.replace(/\uE014(\d+)\uE014/g, (_m, index: string) =>
      escapeMarkdown(bareLinks[Number(index)] ?? ''),
    );
    // A link the rendered page could not keep would stay as literal Markdown: its text stays.
    const refused = refusedScheme(element.getAttribute('href') ?? '');
    if (refused) {
      droppedLinksFound.push({ scheme: refused, text: element.textContent?.trim() ?? '' });
      return text;
    }
    // As turndown's own rule writes a link.
    const rawHref = (element.getAttribute('href') ?? '').replace(/([<>()])/g, '\\$1');
    const href = rawHref.includes(' ') ? `<${rawHref}>` : rawHref;
    const title = (element.getAttribute('title') ?? '').replace(/(\n+\s*)+/g, '\n').replace(/"/g, '\\"');
    return `[${text}](${href}${title ? ` "${title}"` : ''})`;
  },
});

// Embedded players found in the body being converted, for the report.
let embedsFound: string[] = [];

/** What a bookmark card is counted as among a body's embeds. */
export const BOOKMARK_CARD = 'bookmark card';

const PLAYERS: { pattern: RegExp; page: (m: RegExpExecArray) => string; provider: string; verb: string }[] = [
  {
    pattern:
      /^https:\/\/(?:www\.|m\.)?youtube(?:-nocookie)?\.com\/(?:embed\/|watch\?(?:.*&)?v=)([\w-]{6,20})/,
    page: (m) => `https://www.youtube.com/watch?v=${m[1]}`,
    provider: 'YouTube',
    verb: 'Watch',
  },
  {
    // Shorts, live streams and the mobile site: addresses authors paste into an embed card.
    pattern: /^https:\/\/(?:www\.|m\.)?youtube\.com\/(?:shorts|live)\/([\w-]{6,20})/,
    page: (m) => `https://www.youtube.com/watch?v=${m[1]}`,
    provider: 'YouTube',
    verb: 'Watch',
  },
  {
    pattern: /^https:\/\/youtu\.be\/([\w-]{6,20})/,
    page: (m) => `https://www.youtube.com/watch?v=${m[1]}`,
    provider: 'YouTube',
    verb: 'Watch',
  },
  {
    pattern: /^https:\/\/(?:player\.)?vimeo\.com\/(?:video\/)?(\d+)/,
    page: (m) => `https://vimeo.com/${m[1]}`,
    provider: 'Vimeo',
    verb: 'Watch',
  },
  {
    // The player (embed/, embed-podcast/) and the page, in any locale (intl-de/): one page.
    pattern:
      /^https:\/\/open\.spotify\.com\/(?:embed(?:-podcast)?\/)?(?:intl-[\w-]+\/)?(track|album|playlist|episode|show|artist)\/(\w+)/,
    page: (m) => `https://open.spotify.com/${m[1]}/${m[2]}`,
    provider: 'Spotify',
    verb: 'Listen',
  },
  {
    // The player before 2018 named what it played by its Spotify URI: ?uri=spotify:episode:<id>.
    pattern:
      /^https:\/\/(?:embed|open)\.spotify\.com\/(?:embed\/?)?\?(?:.*&)?uri=spotify(?::|%3A)(track|album|playlist|episode|show|artist)(?::|%3A)(\w+)/i,
    page: (m) => `https://open.spotify.com/${m[1]}/${m[2]}`,
    provider: 'Spotify',
    verb: 'Listen',
  },
  {
    pattern: /^https:\/\/(?:videopress\.com|video\.wordpress\.com)\/(?:v|embed)\/(\w{4,20})/,
    page: (m) => `https://videopress.com/v/${m[1]}`,
    provider: 'VideoPress',
    verb: 'Watch',
  },
  {
    pattern: /^https:\/\/(?:www\.|mobile\.)?(twitter|x)\.com\/(\w{1,15})\/status(?:es)?\/(\d+)/i,
    page: (m) => `https://${(m[1] ?? 'x').toLowerCase()}.com/${m[2]}/status/${m[3]}`,
    provider: 'Twitter/X',
    verb: 'View',
  },
  {
    // The player's own address carries the track's page (or API address) as its url parameter.
    pattern: /^https:\/\/w\.soundcloud\.com\/player\/?\?(?:.*&)?url=([^&#]+)/,
    page: (m) => soundCloudPage(m[1] ?? ''),
    provider: 'SoundCloud',
    verb: 'Listen',
  },
  {
    pattern: /^https:\/\/(?:www\.|m\.|api\.)?soundcloud\.com\/[\w-]+(?:\/[\w-]+)*/,
    page: (m) => m[0].replace('://m.', '://'),
    provider: 'SoundCloud',
    verb: 'Listen',
  },
];

/** A SoundCloud player's url parameter as an address a reader can open. */
function soundCloudPage(encoded: string): string {
  let url: string;
  try {
    url = decodeURIComponent(encoded);
  } catch {
    url = encoded;
  }
  url = url.replace(/^http:/i, 'https:');
  return /^https:\/\/(?:api\.)?soundcloud\.com\//.test(url) ? url : 'https://soundcloud.com/';
}

/**
 * An embedded player as a link to the provider's own page: the reader's browser asks nothing of
 * the provider until the reader follows it (and no frame needs the site's CSP loosened).
 */
export function embedLink(
  src: string,
  title: string | null,
): { url: string; label: string; provider: string } | null {
  const url = src.trim().startsWith('//') ? `https:${src.trim()}` : src.trim().replace(/^http:/i, 'https:');
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return null;
  }
  if (!/^https:\/\//i.test(url)) return null;
  for (const player of PLAYERS) {
    const match = player.pattern.exec(url);
    if (match) {
      // Players name themselves in their title ("Spotify Embed: <title>"): the label says whose it is.
      const own = title?.trim().replace(new RegExp(`^${escapeRegExp(player.provider)} Embed:\\s*`, 'i'), '');
      const label = `${player.verb} on ${player.provider}${own ? `: ${own}` : ''}`;
      return { url: player.page(match), label, provider: player.provider };
    }
  }
  return {
    url,
    label: `Open the embedded content from ${host}${title?.trim() ? `: ${title.trim()}` : ''}`,
    provider: host,
  };
}

turndown.addRule('embeddedPlayer', {
  filter: 'iframe',
  replacement: (_content, node) => {
    const element = node as HTMLElement;
    const link = embedLink(element.getAttribute('src') ?? '', element.getAttribute('title'));
    if (!link) return '';
    embedsFound.push(link.provider);
    return `\n\n${embedMarkdown(link)}\n\n`;
  },
});
/** The Markdown of an embed kept as a link: the same for a player, a block or a shortcode. */
function embedMarkdown(link: { url: string; label: string }): string {
  return `[▶ ${escapeMarkdown(link.label)}](${link.url.replace(/[()\s]/g, encodeURIComponent)})`;
}

function hasClass(node: Node, name: string): boolean {
  return ` ${(node as HTMLElement).getAttribute?.('class') ?? ''} `
    .replace(/\s+/g, ' ')
    .includes(` ${name} `);
}

// Ghost's signup card is a form for the old site's members (with its heading and fine print):
// nothing of the post's own; the Ghost import counts it among what it left out.
turndown.addRule('ghostSignupCard', {
  filter: (node) => node.nodeName === 'DIV' && hasClass(node, 'kg-signup-card'),
  replacement: () => '',
});

turndown.addRule('refusedImage', {
  filter: (node) =>
    node.nodeName === 'IMG' &&
    refusedImageReason((node as HTMLElement).getAttribute('src') ?? '') !== undefined,
  replacement: (_content, node) => refusedImageText(node as HTMLElement) ?? '',
});
/** The file an audio or video element plays: its src, or its first source's. */
function mediaSource(element: HTMLElement): string {
  const own = element.getAttribute('src')?.trim();
  if (own) return own;
  return element.querySelector('source[src]')?.getAttribute('src')?.trim() ?? '';
}

// An audio or video element (WordPress's audio and video blocks, a player written by hand) plays
// a file: it becomes a link to the file, as the [audio] and [video] shortcodes do, so an
// importer can copy the file and point the link at the copy. One with no file leaves nothing.
turndown.addRule('mediaFile', {
  filter: ['audio', 'video'],
  replacement: (_content, node) => {
    const src = mediaSource(node as HTMLElement);
    if (!src || refusedScheme(src)) return '';
    const href = src.replace(/[()\s]/g, encodeURIComponent);
    return `\n\n[${escapeMarkdown(src)}](${href})\n\n`;
  },
});
// A figure holds whatever its block holds: one image, a gallery of image figures (or a list of
// them), a table, a pullquote. Each child is converted in its place, so nothing after the first
// image is lost; the caption follows what it captions. (Embed and bookmark figures have rules
// of their own, added after this one.)
turndown.addRule('figure', {
  filter: 'figure',
  replacement: (content) => `\n\n${content.trim()}\n\n`,
});
turndown.addRule('figureCaption', {
  filter: 'figcaption',
  replacement: (_content, node) => {
    const caption = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
    return caption ? `\n\n*${caption.replace(/\*/g, '\\*')}*\n\n` : '';
  },
});
// WordPress's older gallery markup is a list of figures: its items are the gallery's pictures,
// not a bulleted list.
turndown.addRule('galleryGrid', {
  filter: (node) =>
    ((node.nodeName === 'UL' || node.nodeName === 'OL') && hasClass(node, 'blocks-gallery-grid')) ||
    (node.nodeName === 'LI' && hasClass(node, 'blocks-gallery-item')),
  replacement: (content) => `\n\n${content.trim()}\n\n`,
});
// A quote's citation (the quote and pullquote blocks write it as <cite> after the paragraphs)
// stays in the quote, on a line of its own.
turndown.addRule('quoteCitation', {
  filter: (node) => node.nodeName === 'CITE' && node.parentNode?.nodeName === 'BLOCKQUOTE',
  replacement: (content) => (content.trim() ? `\n\n— ${content.trim()}\n\n` : ''),
});

/** Whether an element is one of Ghost's bookmark cards (its figure, or the link that is the card). */
function isBookmarkCard(node: HTMLElement): boolean {
  const classes = ` ${node.getAttribute('class') ?? ''} `;
  if (/\skg-bookmark-card\s/.test(classes)) return true;
  // A bare container link: one inside a card figure is converted with the figure.
  if (node.nodeName !== 'A' || !/\skg-bookmark-container\s/.test(classes)) return false;
  for (let up = node.parentElement; up; up = up.parentElement)
    if (/(^|\s)kg-bookmark-card(\s|$)/.test(up.getAttribute('class') ?? '')) return false;
  return true;
}

/**
 * Ghost's bookmark card as a link card (added after the figure rule, which it overrides): its title linking to the page, its description below,
 * its caption after. The favicon and thumbnail, images on the other site, are left out: a
 * reader's browser asks nothing of that site until the reader follows the link.
 */
turndown.addRule('bookmarkCard', {
  filter: (node) => isBookmarkCard(node as HTMLElement),
  replacement: (_content, node) => {
    const card = node as HTMLElement;
    const link = card.nodeName === 'A' ? card : card.querySelector('a.kg-bookmark-container, a[href]');
    const url = link?.getAttribute('href')?.trim() ?? '';
    const part = (name: string) =>
      (card.querySelector(`.kg-bookmark-${name}`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const caption = (card.querySelector('figcaption')?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const title = part('title') || url;
    if (!url || refusedScheme(url)) {
      if (url) droppedLinksFound.push({ scheme: refusedScheme(url) ?? '', text: title });
      const text = [title, part('description'), caption].filter(Boolean).map(escapeMarkdown);
      return text.length > 0 ? `\n\n${text.join('\n\n')}\n\n` : '';
    }
    embedsFound.push(BOOKMARK_CARD);
    const source = [part('publisher'), part('author')].filter(Boolean).join(' · ');
    const lines = [
      `**[${escapeMarkdown(title)}](${url.replace(/[()\s]/g, encodeURIComponent)})**`,
      ...(part('description') ? [escapeMarkdown(part('description'))] : []),
      ...(source ? [`*${escapeMarkdown(source)}*`] : []),
    ];
    return `\n\n${lines.join('  \n')}${caption ? `\n\n*${escapeMarkdown(caption)}*` : ''}\n\n`;
  },
});
// Added after the figure rule, which it overrides for these figures.
/**
 * WordPress's embed block (an address in a figure, which WordPress turns into a player when it
 * renders the page) as the same link an embedded player becomes, its caption after it.
 */
turndown.addRule('wordPressEmbedBlock', {
  filter: (node) =>
    node.nodeName === 'FIGURE' &&
    (hasClass(node, 'wp-block-embed') ||
      /(^|\s)wp-block-embed-[\w-]+/.test((node as HTMLElement).getAttribute('class') ?? '')) &&
    !(node as HTMLElement).querySelector('iframe'),
  replacement: (content, node) => {
    const figure = node as HTMLElement;
    const caption = (figure.querySelector('figcaption')?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const wrapper = figure.querySelector('.wp-block-embed__wrapper') ?? figure;
    const address = Array.from(wrapper.childNodes)
      .filter((child) => child.nodeName !== 'FIGCAPTION')
      .map((child) => child.textContent ?? '')
      .join(' ')
      .trim()
      .split(/\s+/)[0];
    const link = address && /^https?:\/\//i.test(address) ? embedLink(address, null) : null;
    if (!link) return `\n\n${content}\n\n`;
    embedsFound.push(link.provider);
    return `\n\n${embedMarkdown(link)}${caption ? `\n\n*${escapeMarkdown(caption)}*` : ''}\n\n`;
  },
});

/** The file name at the end of an address, decoded where it can be. */
function fileNameOf(src: string): string {
  const last = src.split(/[?#]/, 1)[0]?.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

const GHOST_MEDIA_CARDS: [string, 'audio' | 'video' | 'file'][] = [
  ['kg-audio-card', 'audio'],
  ['kg-video-card', 'video'],
  ['kg-file-card', 'file'],
];

/**
 * Ghost's audio, video and file cards as its html holds them: a player's buttons, times and
 * sliders around the file, which would come across as clutter ("0:00", "1×"). Each becomes what
 * the same card in a lexical or mobiledoc body becomes: a link to the file with its title, the
 * kind of file after it, the caption below. A card with no file it can link to keeps its text
 * and is named among what the body lost.
 */
turndown.addRule('ghostMediaCard', {
  filter: (node) =>
    (node.nodeName === 'DIV' || node.nodeName === 'FIGURE') &&
    GHOST_MEDIA_CARDS.some(([name]) => hasClass(node, name)),
  replacement: (_content, node) => {
    const card = node as HTMLElement;
    const kind = GHOST_MEDIA_CARDS.find(([name]) => hasClass(card, name))?.[1] ?? 'file';
    const part = (selector: string) =>
      (card.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const player = kind === 'file' ? null : card.querySelector(kind);
    const src = (
      player
        ? mediaSource(player as HTMLElement)
        : (card.querySelector('a[href]')?.getAttribute('href') ?? '')
    ).trim();
    const title =
      kind === 'audio'
        ? part('.kg-audio-title')
        : kind === 'file'
          ? part('.kg-file-card-title') || part('.kg-file-card-filename')
          : '';
    const caption = kind === 'file' ? part('.kg-file-card-caption') : part('figcaption');
    const label = title || fileNameOf(src) || kind;
    const after = caption ? `\n\n${escapeMarkdown(caption)}` : '';
    const refused = src ? refusedScheme(src) : undefined;
    if (!src || refused) {
      mediaLeftOutFound.push(`the ${kind} card "${label}" (${src ? `a ${refused}: address` : 'no file'})`);
      return `\n\n${escapeMarkdown(label)} (${kind})${after}\n\n`;
    }
    const href = src.replace(/[()\s]/g, encodeURIComponent);
    return `\n\n[${escapeMarkdown(label)}](${href}) (${kind})${after}\n\n`;
  },
});

/**
 * A tweet as Twitter's embed code gives it (a blockquote the widget script would replace): its
 * text as a quote, then its author and a link to it. The script is dropped, so readers'
 * browsers ask nothing of Twitter/X until they follow the link.
 */
turndown.addRule('tweet', {
  filter: (node) => node.nodeName === 'BLOCKQUOTE' && hasClass(node, 'twitter-tweet'),
  replacement: (content, node) => {
    const quote = node as HTMLElement;
    const status = Array.from(quote.querySelectorAll('a[href]'))
      .reverse()
      .map((a) => ({ a, link: embedLink(a.getAttribute('href') ?? '', a.textContent) }))
      .find((found) => found.link?.provider === 'Twitter/X');
    if (!status?.link) return `\n\n${content.trim().replace(/^/gm, '> ')}\n\n`;
    const paragraphs = elementChildren(quote)
      .filter((child) => child.nodeName === 'P')
      .map((p) => turndown.turndown(p.cloneNode(true) as HTMLElement).trim())
      .filter(Boolean);
    // The author is the text between the tweet's paragraphs and the link to it: "— Name (@handle)".
    const author = Array.from(quote.childNodes)
      .filter((child) => child.nodeName !== 'P' && child !== status.a)
      .map((child) => child.textContent ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .replace(/^[\s\u2014\u2013-]+/, '')
      .trim();
    embedsFound.push(status.link.provider);
    const byline = `— ${author ? `${escapeMarkdown(author)} · ` : ''}${embedMarkdown(status.link)}`;
    const lines = [...paragraphs, byline].map((line) => line.replace(/^/gm, '> '));
    return `\n\n${lines.join('\n>\n')}\n\n`;
  },
});
// Code lifted out of the body being converted, for the table rule to put back as HTML.
let liftedCode: CodeBlock[] = [];

const BLOCK_IN_CELL = 'br, p, div, ul, ol, dl, pre, table, blockquote, h1, h2, h3, h4, h5, h6, hr, figure';

function elementChildren(node: Node): HTMLElement[] {
  return Array.prototype.filter.call(node.childNodes, (child: Node) => child.nodeType === 1) as HTMLElement[];
}

/** Whether a table fits GFM: a heading row, equal rows, no spans and nothing but inline content in cells. */
function isPipeTable(table: HTMLElement): boolean {
  const rows = Array.from(table.querySelectorAll('tr')).filter((row) => row.closest('table') === table);
  const first = rows[0];
  if (!first) return false;
  const cellsOf = (row: Element) =>
    elementChildren(row).filter((c) => c.nodeName === 'TH' || c.nodeName === 'TD');
  const width = cellsOf(first).length;
  if (width === 0 || !cellsOf(first).every((c) => c.nodeName === 'TH')) return false;
  return rows.every((row) => {
    const cells = cellsOf(row);
    return (
      cells.length === width &&
      cells.every(
        (cell) =>
          !cell.querySelector(BLOCK_IN_CELL) &&
          !/\S/.test((cell.getAttribute('colspan') ?? '1').replace(/^1$/, '')) &&
          !/\S/.test((cell.getAttribute('rowspan') ?? '1').replace(/^1$/, '')),
      )
    );
  });
}

const TABLE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'table',
    'caption',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'br',
    'p',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'pre',
    'code',
    'blockquote',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'del',
    'sub',
    'sup',
    'a',
    'img',
    'span',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'figure',
    'figcaption',
    'kbd',
    'mark',
    'small',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['scope', 'colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    span: ['id'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  disallowedTagsMode: 'discard',
};

/**
 * A table Markdown cannot express, as HTML on lines without blank ones between them (a blank line
 * would end the HTML block); code lifted out of it goes back in as <pre>.
 */
function tableAsHtml(table: HTMLElement): string {
  return tableHtmlAsHtml(table.outerHTML);
}

function tableHtmlAsHtml(tableHtml: string): string {
  const withCode = tableHtml.replace(
    /<p>\uE010(\d+)\uE010<\/p>|\uE010(\d+)\uE010/g,
    (_m, block?: string, inline?: string) => {
      const code = liftedCode[Number(block ?? inline)];
      if (!code) return '';
      const text = escapeHtml(code.code).replace(/\n/g, '&#10;');
      return block !== undefined ? `<pre><code>${text}</code></pre>` : `<code>${text}</code>`;
    },
  );
  return sanitizeHtml(withCode, TABLE_HTML)
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

turndown.addRule('table', {
  filter: 'table',
  replacement: (content, node) =>
    isPipeTable(node as HTMLElement)
      ? `\n\n${content.replace(/\n{2,}/g, '\n').trim()}\n\n`
      : `\n\n${tableAsHtml(node as HTMLElement)}\n\n`,
});
// A "|" in a cell ends the cell in a pipe table: "1,204 | pending" made a row with one column
// too many and lost the text after it. Escaped as "\|", which pipe tables read as a "|" of the
// cell, in code spans and link addresses too.
turndown.addRule('tableCell', {
  filter: ['th', 'td'],
  replacement: (content, node) => {
    const first = node.parentNode?.firstChild === node;
    return `${first ? '| ' : ' '}${content.replace(/\|/g, '\\|')} |`;
  },
});
// turndown-plugin-gfm reads an attribute of every child of a heading row, text and comments
// included, and throws on them (WordPress bodies have whitespace and <?php ?> there).
turndown.addRule('tableRow', {
  filter: 'tr',
  replacement: (content, node) => {
    const parent = node.parentNode;
    const cells = elementChildren(node);
    const isHeading =
      parent?.nodeName === 'THEAD' ||
      (parent?.firstChild === node && cells.length > 0 && cells.every((c) => c.nodeName === 'TH'));
    if (!isHeading) return `\n${content}`;
    const border = cells
      .map((cell, index) => {
        const align = (cell.getAttribute('align') ?? '').toLowerCase();
        const rule =
          align === 'left' ? ':--' : align === 'right' ? '--:' : align === 'center' ? ':-:' : '---';
        return index === 0 ? `| ${rule} |` : ` ${rule} |`;
      })
      .join('');
    return `\n${content}\n${border}`;
  },
});

// Emphasis an author left open (<i>italic</b> …, <em>text<p>…) is carried by the HTML parser over
// every paragraph after it, as browsers do: Markdown cannot wrap blocks in *…*, and the
// delimiters were left alone on lines of their own ("*", a list with an empty item when
// rendered). Each run of the element's inline text keeps it; the blocks inside come across plain.
const FORMATTING = new Set(['EM', 'I', 'STRONG', 'B', 'S', 'DEL', 'STRIKE', 'U']);
const BLOCKS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'DETAILS',
  'DIV',
  'DL',
  'FIELDSET',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'UL',
]);
// Elements already split: the rule's filter runs once a node, but must never split one twice.
const splitFormatting = new WeakSet<Node>();
// Whether the body being converted had emphasis left open around blocks, for the report.
let formattingRepaired = false;

/** Whether a node is a block, or emphasis holding one (which is split in its turn). */
function isBlockish(node: Node): boolean {
  if (node.nodeType !== 1) return false;
  if (BLOCKS.has(node.nodeName)) return true;
  return FORMATTING.has(node.nodeName) && Array.prototype.some.call(node.childNodes, isBlockish);
}

turndown.addRule('formattingAroundBlocks', {
  filter: (node) => {
    if (splitFormatting.has(node)) return true;
    if (!FORMATTING.has(node.nodeName) || !Array.prototype.some.call(node.childNodes, isBlockish))
      return false;
    splitFormatting.add(node);
    let run: Node[] = [];
    const wrapRun = (before: Node | null) => {
      if (run.length === 0) return;
      const wrap = node.cloneNode(false);
      node.insertBefore(wrap, before);
      for (const child of run) wrap.appendChild(child);
      run = [];
    };
    for (const child of Array.from(node.childNodes)) {
      if (isBlockish(child)) wrapRun(child);
      else run.push(child);
    }
    wrapRun(null);
    formattingRepaired = true;
    return true;
  },
  replacement: (content) => content,
});

/**
 * The converter builds a DOM of the whole body, and its table rules look at every cell's
 * siblings: a 400 × 400 table (1.9 MB) took more than a gigabyte. Tables with more cells than
 * this skip it and are kept as sanitized HTML, as tables Markdown cannot hold are.
 */
export const MAX_CONVERTED_TABLE_CELLS = 2_000;
/**
 * The most elements a body may have left for the converter once large tables are set aside:
 * its DOM costs about a kilobyte an element. Real articles have a few thousand at most.
 */
export const MAX_CONVERTED_ELEMENTS = 20_000;

const LARGE_TABLE = '\uE015';

/** How many times `pattern` (global) matches in text. */
function countOf(text: string, pattern: RegExp): number {
  let count = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text)) count++;
  return count;
}

/**
 * Takes the tables with more than MAX_CONVERTED_TABLE_CELLS cells out of the body as sanitized
 * HTML, leaving a marker where each goes back. One linear scan of the tags; a table inside a
 * table goes with the outer one.
 */
function liftLargeTables(html: string, tables: string[]): string {
  if (!/<table/i.test(html)) return html;
  const tag = /<(\/?)table\b[^>]*>/gi;
  let out = '';
  let copied = 0;
  let depth = 0;
  let start = 0;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    if (!match[1]) {
      if (depth++ === 0) start = match.index;
      continue;
    }
    if (depth === 0) continue;
    if (--depth > 0) continue;
    const end = match.index + match[0].length;
    const table = html.slice(start, end);
    if (countOf(table, /<t[dh][\s>/]/gi) <= MAX_CONVERTED_TABLE_CELLS) continue;
    // The sanitizer reads it as written: tags left open nest there as browsers do not nest them.
    // Such a table is left to the converter, which sanitizes it as its parser wrote it out.
    if (markupShape(table).depth > MAX_MARKUP_DEPTH) continue;
    out += `${html.slice(copied, start)}<p>${LARGE_TABLE}${tables.push(tableHtmlAsHtml(table)) - 1}${LARGE_TABLE}</p>`;
    copied = end;
  }
  return copied === 0 ? html : out + html.slice(copied);
}

function restoreLargeTables(markdown: string, tables: string[]): string {
  if (tables.length === 0) return markdown;
  return markdown.replace(/\uE015(\d+)\uE015/g, (_m, index: string) => tables[Number(index)] ?? '');
}

/**
 * How many start tags the HTML has, as a parser reads them: a tag runs from "<" and a letter to
 * the next ">", so "<pre <pre …" without one is text, not thousands of elements.
 */
function startTags(html: string): number {
  let count = 0;
  let at = html.indexOf('<');
  while (at !== -1) {
    const end = html.indexOf('>', at + 1);
    if (end === -1) break;
    if (/[a-zA-Z]/.test(html.charAt(at + 1))) count++;
    at = html.indexOf('<', end + 1);
  }
  return count;
}

/** Refuses a body with more elements than the converter may build a DOM of. */
function assertConvertible(html: string): void {
  const elements = startTags(html);
  if (elements <= MAX_CONVERTED_ELEMENTS) return;
  throw Errors.VALIDATION_FAILED({
    details: [
      {
        field: 'body',
        message: `has ${elements.toLocaleString('en')} HTML elements, more than the ${MAX_CONVERTED_ELEMENTS.toLocaleString('en')} an imported body may have; split it`,
      },
    ],
  });
}

const ANCHOR = '\uE011';
const MARKDOWN_CARD = '\uE012';

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Takes out Ghost's Markdown cards (rendered by ghost-body as `<div data-markdown="true">` with
 * the Markdown escaped) before the HTML converter sees them: it would fold their lines into one
 * paragraph. Each comes back as written, its footnotes anchored as those in HTML bodies are.
 */
function liftMarkdownCards(html: string, cards: string[], droppedLinks: DroppedLink[]): string {
  if (!html.includes('data-markdown')) return html;
  const counter: FootnoteCounter = { next: 1 };
  return html.replace(/<div data-markdown="true">([^<]*)<\/div>/g, (_whole, escaped: string) => {
    const markdown = footnotesToAnchors(
      withoutRefusedLinks(unescapeHtml(escaped).trim(), droppedLinks),
      counter,
    );
    return `<p>${MARKDOWN_CARD}${cards.push(markdown) - 1}${MARKDOWN_CARD}</p>`;
  });
}

// An inline Markdown link: its text, and an address that may hold one level of parentheses.
const MARKDOWN_LINK =
  /(!?)\[((?:[^[\]\\]|\\.)*)\]\(\s*<?((?:[^()\s\\]|\\.|\([^()\s]*\))*)>?(?:\s+"[^"]*")?\s*\)/g;
const FENCE = /^(`{3,}|~{3,})/;

/**
 * Markdown written as such (a Ghost Markdown card, a 0.x post) with its links and images to
 * addresses no reader page may carry (javascript:, data: …) turned into their text (an image's
 * alt text), outside code; each is noted.
 */
export function withoutRefusedLinks(markdown: string, dropped: DroppedLink[]): string {
  if (!/\]\(/.test(markdown)) return markdown;
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const opening = FENCE.exec(line.trimStart())?.[1];
      if (fence !== null) {
        if (opening && opening[0] === fence[0] && opening.length >= fence.length) fence = null;
        return line;
      }
      if (opening) {
        fence = opening;
        return line;
      }
      // Code spans keep what they show.
      return line
        .split(/(`+[^`]*`+)/)
        .map((part, index) =>
          index % 2 === 1
            ? part
            : part.replace(MARKDOWN_LINK, (whole, bang: string, text: string, href: string) => {
                const isImage = bang === '!';
                const refused = refusedScheme(href, { isImage });
                if (!refused) return whole;
                dropped.push({
                  scheme: refused,
                  text: text.replace(/\\(.)/g, '$1'),
                  ...(isImage ? { isImage } : {}),
                });
                return text;
              }),
        )
        .join('');
    })
    .join('\n');
}

function restoreMarkdownCards(markdown: string, cards: string[]): string {
  if (cards.length === 0) return markdown;
  return markdown.replace(/\uE012(\d+)\uE012/g, (_m, index: string) => cards[Number(index)] ?? '');
}

/** Takes footnote ids off their elements and leaves a marker where an anchor span goes back. */
function liftAnchors(html: string, ids: string[]): string {
  return html.replace(
    /<([a-zA-Z][\w-]*)([^<>]*?)\sid\s*=\s*(?:"([^"]*)"|'([^']*)')([^<>]*)>/g,
    (whole, tag: string, before: string, double?: string, single?: string, after?: string) => {
      const id = (double ?? single ?? '').trim();
      if (!FOOTNOTE_ID.test(id)) return whole;
      return `<${tag}${before}${after ?? ''}>${ANCHOR}${ids.push(id) - 1}${ANCHOR}`;
    },
  );
}

function restoreAnchors(markdown: string, ids: string[]): string {
  if (ids.length === 0) return markdown;
  return markdown.replace(/\uE011(\d+)\uE011/g, (_m, index: string) => {
    const id = ids[Number(index)];
    return id ? `<span id="${escapeHtml(id)}"></span>` : '';
  });
}

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
  const text = replaceEnclosed(
    html.replace(/\r\n?/g, '\n'),
    /<pre[\s>]/gi,
    () => /<\/pre>/i,
    (match, enclosed) => {
      if (!enclosed) return null;
      const block = match.input.slice(match.index, enclosed.end);
      return { text: `\uE000${preserved.push(block) - 1}\uE000`, end: enclosed.end };
    },
  );
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

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// An opening shortcode; its closing tag, when it has one, is paired by replaceEnclosed.
// Attributes hold no brackets (as in WordPress's own pattern), so a stray "[b " ends at the next one.
// WordPress.com's own players also take their address after "=": [youtube=https://…].
const SHORTCODE_OPEN = /\[(\[?)([a-zA-Z][\w-]*)((?:\s|=)[^\][]*)?\]/g;
const LINKED = new Set([
  'embed',
  'video',
  'audio',
  'youtube',
  'vimeo',
  'soundcloud',
  'playlist',
  'tweet',
  'spotify',
  'wpvideo',
  'videopress',
]);
/** Shortcodes WordPress (or Jetpack) renders as a third party's player: they become its link, as a player does. */
const PLAYER_SHORTCODES = new Set([
  'embed',
  'youtube',
  'vimeo',
  'soundcloud',
  'tweet',
  'spotify',
  'wpvideo',
  'videopress',
]);
const DROPPED = new Set(['contact-form-7', 'contact-form', 'ninja_form', 'gravityform']);

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))/g)) {
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
  }
  return attributes;
}

/**
 * A player's address alone on its line (or alone in a paragraph), which WordPress shows as the
 * player itself, becomes that player's frame, and so the same labelled link every embed becomes.
 * Only the players the converter knows are embedded so; any other address stays as it is.
 */
export function autoEmbed(html: string): string {
  const embed = (whole: string, before: string, url: string, after: string) => {
    const address = url.replace(/&amp;/g, '&');
    const link = embedLink(address, null);
    if (!link || link.provider === hostOf(link.url)) return whole;
    return `${before}<iframe src="${escapeHtml(address)}"></iframe>${after}`;
  };
  // An embed block's address is the block's own, converted with its caption.
  return html
    .split(/(<figure\b[^>]*\bwp-block-embed[\s\S]*?<\/figure>)/i)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/^([ \t]*)(https?:\/\/[^\s<>"]+)([ \t]*)$/gim, embed)
            .replace(/(<p(?: [^>]*)?>\s*)(https?:\/\/[^\s<>"]+)(\s*<\/p>)/gi, embed),
    )
    .join('');
}

/**
 * The address of the player a WordPress.com shortcode names by its address after "="
 * ([youtube=https://…], [vimeo=…]) or by its provider's id alone ([vimeo 76979871],
 * [youtube dQw4w9WgXcQ], [tweet 20], [spotify id="spotify:track:…"]), or '' when it names
 * none that way.
 */
function playerAddress(
  name: string,
  rawAttributes: string,
  attributes: Record<string, string>,
  inner: string | undefined,
): string {
  const raw = rawAttributes.trim();
  if (raw.startsWith('=')) return raw.slice(1).trim().replace(/&amp;/g, '&');
  const first = (inner?.trim() || attributes.id || attributes.tweet || raw.split(/\s+/)[0] || '').trim();
  if (/^https?:\/\//i.test(first)) return '';
  if (name === 'vimeo' && /^\d+$/.test(first)) return `https://vimeo.com/${first}`;
  if (name === 'youtube' && /^[\w-]{6,20}$/.test(first)) return `https://www.youtube.com/watch?v=${first}`;
  if (name === 'tweet' && /^\d+$/.test(first)) return `https://twitter.com/i/status/${first}`;
  // VideoPress (Jetpack, WordPress.com) names a video by its guid: [wpvideo bd2G0c0g].
  if ((name === 'wpvideo' || name === 'videopress') && /^\w{4,20}$/.test(first))
    return `https://videopress.com/v/${first}`;
  const spotify = /^spotify:(track|album|playlist|episode|show|artist):(\w+)$/.exec(first);
  if (name === 'spotify' && spotify) return `https://open.spotify.com/${spotify[1]}/${spotify[2]}`;
  return '';
}

/**
 * Replaces WordPress shortcodes with HTML: [caption] becomes a figure, [embed], [video] and
 * [audio] a link, [gallery] the images of `galleries` (resolved against the export's
 * attachments; dropped without them); anything else that looks like a shortcode is kept as
 * text. Every one found is noted so the import report can say what happened.
 */
export function expandShortcodes(
  html: string,
  notes: ShortcodeNote[],
  options: { galleries?: Galleries | null } = {},
): string {
  return replaceEnclosed(
    html,
    SHORTCODE_OPEN,
    (match) => new RegExp(`\\[\\/${escapeRegExp(match[2] ?? '')}\\]`),
    (match, enclosed) => {
      // "[[name]]" and "[[name]…[/name]]": the bracket after the shortcode belongs to it.
      let end = enclosed?.end ?? match.index + match[0].length;
      const close = html[end] === ']' ? ']' : '';
      end += close.length;
      const text = expandShortcode(
        html.slice(match.index, end),
        match[1] ?? '',
        match[2] ?? '',
        match[3],
        enclosed?.inner,
        close,
        { notes, galleries: options.galleries ?? null },
      );
      return { text, end };
    },
  );
}

function expandShortcode(
  whole: string,
  open: string,
  rawName: string,
  rawAttributes: string | undefined,
  inner: string | undefined,
  close: string,
  { notes, galleries }: { notes: ShortcodeNote[]; galleries: Galleries | null },
): string {
  // [[name]] is WordPress's escape for a literal shortcode.
  if (open && close) return whole.slice(1, -1);
  const name = rawName.toLowerCase();
  // "[name=…]" is WordPress.com's form for its players only; elsewhere it is text.
  const isEqualsForm = (rawAttributes ?? '').startsWith('=');
  if (isEqualsForm && !PLAYER_SHORTCODES.has(name)) return whole;
  const attributes = isEqualsForm ? {} : attributesOf(rawAttributes ?? '');
  if (name === 'caption' || name === 'wp_caption') {
    notes.push({ name, outcome: 'converted' });
    const body = inner ?? '';
    const media = /^\s*((?:<a [^>]*>\s*)?<img [^>]*>(?:\s*<\/a>)?)([\s\S]*)$/i.exec(body);
    const caption = (media?.[2] ?? attributes.caption ?? '').trim();
    return `<figure>${media?.[1] ?? body}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
  }
  if (LINKED.has(name)) {
    const url =
      playerAddress(name, rawAttributes ?? '', attributes, inner) ||
      inner?.trim() ||
      attributes.src ||
      attributes.url ||
      // [spotify id="https://open.spotify.com/…"]: an address where an id belongs.
      (/^https?:\/\//i.test(attributes.id ?? '') ? attributes.id : '') ||
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
      // The converter makes a player's frame the link every embed becomes, labelled and counted.
      if (PLAYER_SHORTCODES.has(name) || embedLink(url, null)?.provider !== hostOf(url))
        return `<iframe src="${escapeHtml(url)}"></iframe>`;
      return `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`;
    }
    notes.push({ name, outcome: 'skipped' });
    return '';
  }
  if (name === 'gallery') {
    const gallery = galleries?.[(rawAttributes ?? '').trim()];
    const problem = galleries ? galleryProblem(gallery) : undefined;
    if (!gallery || gallery.images.length === 0) {
      notes.push({ name, outcome: 'skipped', ...(problem ? { detail: problem } : {}) });
      return '';
    }
    notes.push({ name, outcome: 'converted', ...(problem ? { detail: problem } : {}) });
    return galleryHtml(gallery);
  }
  if (DROPPED.has(name)) {
    notes.push({ name, outcome: 'skipped' });
    return '';
  }
  // Text in square brackets is common in prose; only shortcode-looking text is reported.
  // A name no prose uses ([members_only], [contact-form]) or one with attributes is a shortcode too.
  if (inner !== undefined || /=/.test(rawAttributes ?? '') || /[_-]/.test(name))
    notes.push({ name, outcome: 'kept' });
  return whole;
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

const PHP_BLOCK = /<\?(?:php\b|=)[\s\S]*?(?:\?>|$)/gi;

/**
 * Converts a post body (WordPress or Ghost HTML) to clean Markdown, reporting shortcodes. The
 * author's own private-use characters come across as written (see private-use.ts).
 */
export function htmlToMarkdown(
  html: string,
  options: { isWordPress?: boolean; galleries?: Galleries | null } = {},
): ConvertedBody {
  const converted = convertHtml(setAsidePrivateUse(html), options);
  return {
    ...converted,
    markdown: restorePrivateUse(converted.markdown),
    droppedLinks: converted.droppedLinks.map((link) => ({ ...link, text: restorePrivateUse(link.text) })),
  };
}

function convertHtml(
  html: string,
  options: { isWordPress?: boolean; galleries?: Galleries | null },
): ConvertedBody {
  // The converter's HTML parser, like the sanitizer, slows down badly on deeply nested tags. It
  // builds the tree as browsers do, so tags a browser closes by itself (legacy `<p><font>` on
  // every line) are no nesting.
  assertRenderable(html, 'body', 'browser');
  const shortcodes: ShortcodeNote[] = [];
  const cards: string[] = [];
  const droppedLinks: DroppedLink[] = [];
  const lifted = liftCode(liftMarkdownCards(cleanText(html), cards, droppedLinks), {
    isWordPress: options.isWordPress,
    notes: shortcodes,
  });
  let source = lifted.html;
  if (options.isWordPress)
    source = autoEmbed(expandShortcodes(source, shortcodes, { galleries: options.galleries ?? null }));
  // PHP left in a body (a table's heading cell is a common place) is text the post shows, but an
  // HTML parser reads it as a processing instruction and drops it: it is kept as code.
  if (options.isWordPress) source = source.replace(PHP_BLOCK, (php) => `<code>${escapeHtml(php)}</code>`);
  const footnotes = options.isWordPress ? liftFootnotes(source) : { html: source, notes: [] };
  source = footnotes.html;
  const withNotes = (markdown: string) =>
    footnotes.notes.length === 0
      ? markdown
      : footnotesToAnchors(
          restoreFootnotes(markdown, footnotes.notes, (note) => {
            const converted = htmlToMarkdown(note);
            droppedLinks.push(...converted.droppedLinks);
            return converted.markdown;
          }),
          { next: 1 },
        );
  const repairs = [...lifted.repairs];
  if (!source.trim()) return { markdown: '', shortcodes, embeds: [], droppedLinks, repairs };
  // Text without markup (most comments, many old posts) needs no HTML parser, which costs
  // more than the rest of the import of a short comment.
  if (!/[<&]/.test(source)) {
    const paragraphs = source
      .replace(/\r\n?/g, '\n')
      .split(/\n\s*\n/)
      .map((p) =>
        escapeProse(p.trim().replace(/[ \t]+/g, ' '), (raw) => `<${raw}>`).replace(
          / ?\n ?/g,
          options.isWordPress ? '  \n' : ' ',
        ),
      );
    return {
      markdown: cleanText(withNotes(paragraphs.filter(Boolean).join('\n\n'))),
      shortcodes,
      embeds: [],
      droppedLinks,
      repairs,
    };
  }
  if (options.isWordPress) source = autoParagraph(source);
  const anchors: string[] = [];
  source = liftAnchors(source, anchors);
  liftedCode = lifted.blocks;
  embedsFound = [];
  droppedLinksFound = [];
  mediaLeftOutFound = [];
  bareLinks = [];
  let converted: string;
  let embeds: string[];
  let mediaLeftOut: string[];
  formattingRepaired = false;
  try {
    const largeTables: string[] = [];
    source = liftLargeTables(source, largeTables);
    assertConvertible(source);
    converted = restoreLargeTables(
      turndown
        .turndown(source)
        .replace(/\uE014(\d+)\uE014/g, (_m, index: string) => `<${bareLinks[Number(index)] ?? ''}>`),
      largeTables,
    );
  } finally {
    bareLinks = [];
    liftedCode = [];
    embeds = embedsFound;
    embedsFound = [];
    mediaLeftOut = mediaLeftOutFound;
    mediaLeftOutFound = [];
    // Their text is the DOM's, where lifted code is still a placeholder.
    droppedLinks.push(
      ...droppedLinksFound.map((link) => ({ ...link, text: restoreCodeText(link.text, lifted.blocks) })),
    );
    droppedLinksFound = [];
  }
  if (formattingRepaired) {
    formattingRepaired = false;
    repairs.push(
      'markup repaired: emphasis (<i>, <b>…) left open around paragraphs was closed where its words end',
    );
  }
  const markdown = restoreMarkdownCards(
    restoreCode(
      restoreAnchors(
        converted
          .replace(/^[ \t]+$/gm, '')
          .replace(/\n{3,}/g, '\n\n')
          .trim(),
        anchors,
      ),
      lifted.blocks,
    ),
    cards,
  );
  return {
    markdown: cleanText(withNotes(markdown)),
    shortcodes,
    embeds,
    droppedLinks,
    mediaLeftOut,
    repairs,
  };
}
