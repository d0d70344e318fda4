/**
 * Renders Ghost's structured bodies (mobiledoc before Ghost 5, lexical after) to HTML, for posts
 * exported without their `html`. Covers the sections and cards Ghost's editor writes; cards with
 * no readable content (signup) render as nothing; the paywall card as Ghost's own marker comment.
 */
import { decodeHTML } from 'entities';
import { type AppError, Errors } from '../../errors.ts';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type Json = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A card's HTML text as a block: Ghost stores some as bare inline text, others with paragraphs. */
function block(html: string): string {
  if (!html.trim()) return '';
  return /^\s*<(p|div|h[1-6]|ul|ol|blockquote|pre|figure|table)[\s>]/i.test(html) ? html : `<p>${html}</p>`;
}

function card(name: string, payload: Json): string {
  switch (name) {
    case 'image': {
      const src = str(payload.src);
      if (!src) return '';
      const caption = str(payload.caption);
      return `<figure><img src="${escapeHtml(src)}" alt="${escapeHtml(str(payload.alt))}">${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    }
    case 'gallery': {
      const images = Array.isArray(payload.images) ? (payload.images as Json[]) : [];
      const figures = images.map((image) => card('image', image)).join('');
      const caption = str(payload.caption);
      if (!figures && !caption) return '';
      // The gallery's own caption, under all of its images, as Ghost shows it.
      return `<figure class="kg-card kg-gallery-card">${figures}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    }
    case 'markdown':
    case 'card-markdown':
      return `<div data-markdown="true">${escapeHtml(str(payload.markdown))}</div>`;
    case 'html':
      return str(payload.html);
    case 'hr':
    case 'horizontalrule':
      return '<hr>';
    // Where the free part of a post ends: written as Ghost's html writes it, for the import to
    // keep as the preview marker.
    case 'paywall':
      return '<!--members-only-->';
    case 'code':
    case 'codeblock': {
      const language = str(payload.language).trim();
      const attribute = /^[\w#+.-]{1,40}$/.test(language) ? ` class="language-${language}"` : '';
      return `<pre><code${attribute}>${escapeHtml(str(payload.code))}</code></pre>`;
    }
    // Cards whose text is HTML: kept as the text they show, without the card's styling.
    case 'toggle':
      return `<p><strong>${str(payload.heading)}</strong></p>${block(str(payload.content))}`;
    case 'header':
      return `${str(payload.header) ? `<h2>${str(payload.header)}</h2>` : ''}${block(str(payload.subheader))}${card('button', payload)}`;
    case 'product':
      return `${str(payload.productTitle) ? `<h3>${str(payload.productTitle)}</h3>` : ''}${block(str(payload.productDescription))}${card('button', { buttonText: payload.productButton, buttonUrl: payload.productUrl })}`;
    case 'call-to-action':
      return `${block(str(payload.textValue))}${card('button', payload)}`;
    case 'button': {
      if (payload.buttonEnabled === false || payload.showButton === false) return '';
      const url = str(payload.buttonUrl);
      const label = str(payload.buttonText) || url;
      return url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>` : '';
    }
    case 'embed': {
      // Kept as the player it was; the converter turns it into a link to the provider's page.
      // The card holds the player's markup (what Ghost put in the post's html) beside the
      // address the author pasted: that markup, when it has a player, is what the html of the
      // same post gives, so a post converts the same from html, mobiledoc or lexical.
      const player = playerOf(str(payload.html));
      const url = player?.src ?? str(payload.url);
      const title = player ? player.title : str((payload.metadata as Json | undefined)?.title);
      const caption = str(payload.caption);
      // Markup with no player (a tweet's blockquote, say) is what the html export holds in the
      // card's figure: the converter keeps its text, without the provider's script.
      if (!player && /<blockquote\b/i.test(str(payload.html)))
        return `<figure class="kg-card kg-embed-card">${str(payload.html)}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
      if (!url) return '';
      return `<figure><iframe src="${escapeHtml(url)}" title="${escapeHtml(title)}"></iframe>${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    }
    case 'bookmark': {
      // Ghost's own markup for the card, which the converter makes a link card of, as it does
      // of the card in an exported post's html.
      const url = str(payload.url);
      if (!url) return '';
      const metadata = (payload.metadata as Json | undefined) ?? {};
      const part = (name: string, value: unknown) =>
        str(value) ? `<div class="kg-bookmark-${name}">${escapeHtml(str(value))}</div>` : '';
      const source = ['publisher', 'author']
        .map((name) =>
          str(metadata[name])
            ? `<span class="kg-bookmark-${name}">${escapeHtml(str(metadata[name]))}</span>`
            : '',
        )
        .join('');
      const caption = str(payload.caption);
      return `<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" href="${escapeHtml(url)}"><div class="kg-bookmark-content">${part('title', metadata.title || url)}${part('description', metadata.description)}${source ? `<div class="kg-bookmark-metadata">${source}</div>` : ''}</div></a>${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    }
    case 'callout':
      return `<blockquote>${block(`${str(payload.calloutEmoji)} ${str(payload.calloutText)}`.trim())}</blockquote>`;
    // Media cards: a link to the file (readers' browsers load nothing until they follow it).
    case 'video':
    case 'audio':
    case 'file': {
      const src = str(payload.src);
      if (!src) {
        droppedCards?.push(name);
        return '';
      }
      const label =
        str(payload.title) || str(payload.fileTitle) || str(payload.fileName) || fileNameOf(src) || src;
      const caption = str(payload.caption) || str(payload.fileCaption);
      return `<p><a href="${escapeHtml(src)}">${escapeHtml(label)}</a> (${name})</p>${block(caption)}`;
    }
    default:
      // Cards that show readers nothing of the post (signup forms, newsletter calls) are
      // counted for the report's summary; any other is named on its post's line.
      if (SILENT_CARDS.has(name)) silentCards?.push(name);
      else droppedCards?.push(name);
      return '';
  }
}

/** The first player (iframe) of an embed card's markup: its address and title, decoded. */
function playerOf(html: string): { src: string; title: string } | null {
  const tag = /<iframe\b[^>]*>/i.exec(html)?.[0];
  if (!tag) return null;
  const attribute = (name: string) => {
    const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    return decodeHTML(match?.[1] ?? match?.[2] ?? match?.[3] ?? '').trim();
  };
  const src = attribute('src');
  return src ? { src, title: attribute('title') } : null;
}

/** The file name at the end of an address, decoded where it can be. */
function fileNameOf(src: string): string {
  const last = src.split(/[?#]/, 1)[0]?.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Cards with no content of the post's own. */
const SILENT_CARDS = new Set(['signup', 'email-cta', 'email', 'transistor', 'preview']);

/** Names of the cards the body being rendered lost, while lexicalToHtml or mobiledocToHtml runs. */
let droppedCards: string[] | null = null;

/** Names of the cards of SILENT_CARDS the body being rendered had, likewise. */
let silentCards: string[] | null = null;

/** What the body being rendered refers to but does not hold (a card, an atom), for its report line. */
let brokenReferences: string[] | null = null;

/** A rendered structured body, with what of it could not be kept. */
export interface RenderedGhostBody {
  html: string;
  /** Names of the cards left out. */
  droppedCards: string[];
  /** Names of the cards with nothing of the post's own (signup, newsletter calls…), left out too. */
  silentCards: string[];
  /** Sections or text referring to cards or atoms the document does not hold. */
  brokenReferences: string[];
}

/** Runs a render, collecting the names of the cards it could not keep. */
function collectingDropped(render: () => string): RenderedGhostBody {
  droppedCards = [];
  silentCards = [];
  brokenReferences = [];
  try {
    const html = render();
    return { html, droppedCards, silentCards, brokenReferences };
  } finally {
    droppedCards = null;
    silentCards = null;
    brokenReferences = null;
  }
}

/** Renders a mobiledoc document (versions 0.3.x). */
export function mobiledocToHtml(source: string): string {
  const doc = parseBody(source, 'mobiledoc');
  if (!Array.isArray(doc.sections)) throw unreadable('the mobiledoc body has no list of sections');
  const markups = (Array.isArray(doc.markups) ? doc.markups : []) as [string, string[]?][];
  const cards = (Array.isArray(doc.cards) ? doc.cards : []) as [string, Json][];
  const atoms = (Array.isArray(doc.atoms) ? doc.atoms : []) as [string, string, Json][];
  const markers = (list: unknown[]): string => {
    const open: string[] = [];
    let out = '';
    for (const marker of list as [number, number[], number, unknown][]) {
      const [type, opens, closes, value] = marker;
      for (const index of opens ?? []) {
        const markup = markups[index];
        if (!markup) continue;
        const [tag, attributes = []] = markup;
        let attrs = '';
        for (let i = 0; i + 1 < attributes.length; i += 2)
          attrs += ` ${attributes[i]}="${escapeHtml(String(attributes[i + 1]))}"`;
        out += `<${tag}${attrs}>`;
        open.push(tag);
      }
      if (type === 0) out += escapeHtml(str(value));
      else if (type === 1) {
        const atom = atoms[Number(value)];
        if (!atom)
          brokenReferences?.push(`text refers to atom ${String(value)}, which the mobiledoc does not hold`);
        out += escapeHtml(str(atom?.[1]));
      }
      for (let i = 0; i < closes; i += 1) out += `</${open.pop() ?? 'span'}>`;
    }
    while (open.length > 0) out += `</${open.pop()}>`;
    return out;
  };
  const sections = (Array.isArray(doc.sections) ? doc.sections : []) as unknown[][];
  return sections
    .map((section, index) => {
      const kind = section[0];
      if (kind === 1) {
        const tag = str(section[1]).toLowerCase() || 'p';
        const safeTag = /^(p|h[1-6]|blockquote|aside|pull-quote)$/.test(tag)
          ? tag === 'pull-quote' || tag === 'aside'
            ? 'blockquote'
            : tag
          : 'p';
        return `<${safeTag}>${markers((section[2] as unknown[]) ?? [])}</${safeTag}>`;
      }
      if (kind === 3) {
        const tag = section[1] === 'ol' ? 'ol' : 'ul';
        const items = (section[2] as unknown[][]) ?? [];
        return `<${tag}>${items.map((item) => `<li>${markers(item)}</li>`).join('')}</${tag}>`;
      }
      if (kind === 2) return card('image', { src: section[1] });
      if (kind === 10) {
        const entry = cards[Number(section[1])];
        if (entry) return card(entry[0], entry[1] ?? {});
        brokenReferences?.push(
          `section ${index + 1} refers to card ${String(section[1])}, which the mobiledoc does not hold (${cards.length} card${cards.length === 1 ? '' : 's'}); it was left out`,
        );
        return '';
      }
      brokenReferences?.push(
        `section ${index + 1} is of a kind (${JSON.stringify(kind)}) mobiledoc does not define; it was left out`,
      );
      return '';
    })
    .join('\n');
}

const FORMAT_TAGS: [number, string][] = [
  [1, 'strong'],
  [2, 'em'],
  [4, 's'],
  [8, 'u'],
  [16, 'code'],
  [32, 'sub'],
  [64, 'sup'],
];

function lexicalNode(node: Json): string {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw unreadable(`the lexical body holds ${JSON.stringify(node)} where a node belongs`);
  if (node.children !== undefined && !Array.isArray(node.children))
    throw unreadable(`the lexical body's ${str(node.type) || 'node'} has children that are not a list`);
  const children = Array.isArray(node.children) ? (node.children as Json[]).map(lexicalNode).join('') : '';
  switch (node.type) {
    case 'root':
      return children;
    case 'text':
    case 'extended-text': {
      let text = escapeHtml(str(node.text));
      const format = typeof node.format === 'number' ? node.format : 0;
      for (const [bit, tag] of FORMAT_TAGS) if (format & bit) text = `<${tag}>${text}</${tag}>`;
      return text;
    }
    case 'linebreak':
      return '<br>';
    case 'tab':
      return ' ';
    case 'paragraph':
      return `<p>${children}</p>`;
    case 'heading':
    case 'extended-heading': {
      const tag = /^h[1-6]$/.test(str(node.tag)) ? str(node.tag) : 'h2';
      return `<${tag}>${children}</${tag}>`;
    }
    case 'quote':
    case 'extended-quote':
    case 'aside':
      return `<blockquote>${children}</blockquote>`;
    case 'list': {
      const tag = node.listType === 'number' ? 'ol' : 'ul';
      return `<${tag}>${children}</${tag}>`;
    }
    case 'listitem':
      return `<li>${children}</li>`;
    case 'link':
    case 'autolink':
      return `<a href="${escapeHtml(str(node.url))}">${children}</a>`;
    default: {
      if (typeof node.type !== 'string') return children;
      // A node with children is structure the text is in; one without is a card.
      if (Array.isArray(node.children)) return card(node.type, node) || children;
      return card(node.type, node);
    }
  }
}

/** Renders a lexical document (Ghost 5's editor state). */
export function lexicalToHtml(source: string): string {
  const doc = parseBody(source, 'lexical');
  if (typeof doc.root !== 'object' || doc.root === null)
    throw unreadable('the lexical body has no root node');
  return lexicalNode(doc.root as Json);
}

/** lexicalToHtml, with the names of the cards it could not keep. */
export function lexicalToHtmlNoting(source: string): RenderedGhostBody {
  return collectingDropped(() => lexicalToHtml(source));
}

/** mobiledocToHtml, with the names of the cards it could not keep. */
export function mobiledocToHtmlNoting(source: string): RenderedGhostBody {
  return collectingDropped(() => mobiledocToHtml(source));
}

/** A structured body the import cannot read: the post fails with this reason. */
function unreadable(reason: string): AppError {
  return Errors.IMPORT_FAILED({ reason });
}

/**
 * A structured body as JSON. One that cannot be read fails the post (with the reason in the
 * report) rather than importing it as a published, empty article.
 */
function parseBody(source: string, kind: 'lexical' | 'mobiledoc'): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (error) {
    throw unreadable(
      `the ${kind} body is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw unreadable(`the ${kind} body is not a ${kind} document`);
  return doc as Json;
}
