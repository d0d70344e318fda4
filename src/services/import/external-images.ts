/**
 * Images at other sites' addresses in imported bodies (an HTML card's tracking pixel, an image
 * card or a featured image hotlinked from elsewhere). Reader pages make no request to a third
 * party, and there is no copy of such an image to serve (an import does not download): each
 * becomes a link to the image, which a reader may follow, and is listed in the report. Images of
 * the old site itself are the importer's to place (the uploads or images folder, or the old
 * address kept, as its options say), and paths on this site are left alone.
 */

/** An image found at another site's address and made a link. */
export interface ExternalImage {
  url: string;
  host: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ALT = String.raw`((?:\\.|[^\]\\])*)`;
const TARGET = String.raw`\(\s*<?([^\s)>]+)>?(?:\s+"(?:\\.|[^"\\])*")?\s*\)`;
/** `![alt](url "title")`. */
const MARKDOWN_IMAGE = new RegExp(String.raw`!\[${ALT}\]${TARGET}`, 'g');
/** An image that is a link's text: `[![alt](url)](href)`. */
const LINKED_IMAGE = new RegExp(String.raw`\[!\[${ALT}\]${TARGET}\]${TARGET}`, 'g');
const HTML_IMAGE = /<img\b[^>]*>/gi;

/** The host of an address, lower case and without "www.", or "" when it has none. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** The file name at the end of an address, decoded where it can be. */
function fileNameOf(url: string): string {
  const last = url.split(/[?#]/, 1)[0]?.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * What a link to an image elsewhere says: "Image: <alt or file name>, on <host>".
 * @example externalImageLabel('https://cdn.example/a/chart.png', '') // 'Image: chart.png, on cdn.example'
 */
export function externalImageLabel(url: string, alt: string): string {
  const name = alt.replace(/\s+/g, ' ').trim() || fileNameOf(url) || 'image';
  return `Image: ${name}, on ${hostOf(url)}`;
}

/**
 * Whether two addresses are one image: the same file at the same origin, but for a query or
 * fragment (WordPress.com's ?w=1024) or WordPress's size suffix (-300x200) on the first.
 * @example isSameImage('https://a.example/x-300x200.jpg?w=2', 'https://a.example/x.jpg') // true
 */
function isSameImage(image: string, file: string): boolean {
  let shown: URL;
  let linked: URL;
  try {
    shown = new URL(image);
    linked = new URL(file);
  } catch {
    return false;
  }
  if (shown.origin !== linked.origin) return false;
  const path = shown.pathname;
  return path === linked.pathname || path.replace(/-\d+x\d+(?=\.\w+$)/, '') === linked.pathname;
}

function escapeMarkdownText(text: string): string {
  return text.replace(/([\\[\]*_`<>])/g, '\\$1');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeMarkdown(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function attributeOf(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!match) return null;
  return (match[1] ?? match[2] ?? match[3] ?? '')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Replaces each image of `markdown` at an http(s) address whose host is not one of `ownHosts`
 * (hosts without "www.") with a link to it (see externalImageLabel); an image that was a link's
 * text keeps that link after its own. Code blocks and code spans are left as written.
 */
export function linkExternalImages(
  markdown: string,
  ownHosts: ReadonlySet<string>,
): { markdown: string; images: ExternalImage[] } {
  if (!/!\[|<img\b/i.test(markdown)) return { markdown, images: [] };
  const images: ExternalImage[] = [];
  const isExternal = (url: string) => {
    const host = hostOf(url);
    return host !== '' && /^https?:\/\//i.test(url) && !ownHosts.has(host);
  };
  const found = (url: string) => images.push({ url, host: hostOf(url) });
  const replaceIn = (text: string) =>
    text
      .replace(LINKED_IMAGE, (whole, alt: string, url: string, href: string) => {
        if (!isExternal(url)) return whole;
        found(url);
        const link = `[${escapeMarkdownText(externalImageLabel(url, unescapeMarkdown(alt)))}](${url})`;
        if (href === url) return link;
        // A thumbnail linked to its own file (WordPress's "link to media file"): one link, to the file.
        if (isSameImage(url, href))
          return `[${escapeMarkdownText(externalImageLabel(href, unescapeMarkdown(alt)))}](${href})`;
        return `${link} ([link](${href}))`;
      })
      .replace(MARKDOWN_IMAGE, (whole, alt: string, url: string) => {
        if (!isExternal(url)) return whole;
        found(url);
        return `[${escapeMarkdownText(externalImageLabel(url, unescapeMarkdown(alt)))}](${url})`;
      })
      .replace(HTML_IMAGE, (tag) => {
        const url = attributeOf(tag, 'src') ?? '';
        if (!isExternal(url)) return tag;
        found(url);
        return `<a href="${escapeHtml(url)}">${escapeHtml(externalImageLabel(url, attributeOf(tag, 'alt') ?? ''))}</a>`;
      });
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]?.[0] === fence[0] && (fenceMatch[1]?.length ?? 0) >= fence.length)
        fence = null;
      out.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1] ?? '```';
      out.push(line);
      continue;
    }
    // Indented code (four spaces, outside a list) is left too.
    if (/^( {4}|\t)/.test(line) && !/^\s*([-*+]|\d+[.)])\s/.test(line) && out.at(-1)?.trim() === '') {
      out.push(line);
      continue;
    }
    out.push(
      line
        .split(/(`+[^`]*`+)/)
        .map((part, index) => (index % 2 === 1 ? part : replaceIn(part)))
        .join(''),
    );
  }
  return { markdown: out.join('\n'), images };
}

/**
 * A single image (a featured image) at `url` as the link linkExternalImages makes of it, or null
 * when it is no other site's.
 */
export function linkToExternalImage(
  url: string,
  alt: string,
  ownHosts: ReadonlySet<string>,
): { markdown: string; images: ExternalImage[] } | null {
  const host = hostOf(url);
  if (host === '' || !/^https?:\/\//i.test(url) || ownHosts.has(host)) return null;
  const target = url.replace(/[()\s]/g, encodeURIComponent);
  return {
    markdown: `[${escapeMarkdownText(externalImageLabel(url, alt))}](${target})`,
    images: [{ url, host }],
  };
}

/** What an item's report line says of the images it linked to instead of showing. */
export function externalImagesNote(images: ExternalImage[]): string {
  const urls = [...new Set(images.map((image) => image.url))];
  return `${urls.length === 1 ? 'external image kept as a link' : `${urls.length} external images kept as links`} (readers' browsers load nothing from other sites): ${urls.join(', ')}`;
}

/** The images an import linked to instead of showing, by host, for the report's summary. */
export class ExternalImageTally {
  private readonly byHost = new Map<string, number>();
  private total = 0;

  add(images: ExternalImage[]): void {
    for (const image of images) {
      this.byHost.set(image.host, (this.byHost.get(image.host) ?? 0) + 1);
      this.total += 1;
    }
  }

  /** The summary line, or null when there were none. */
  summary(): string | null {
    if (this.total === 0) return null;
    const hosts = [...this.byHost].map(([host, n]) => `${host} ×${n}`).join(', ');
    return `${this.total} external image${this.total === 1 ? ' was' : 's were'} kept as ${this.total === 1 ? 'a link' : 'links'} to ${this.total === 1 ? 'itself' : 'themselves'} (each named on its item's line), so that readers' browsers load nothing from other sites (${hosts})`;
  }
}
