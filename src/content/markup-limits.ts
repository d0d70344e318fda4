import { lengthProblem, MAX_BODY_CHARS } from '../domain/article.ts';

/**
 * Limits checked before any markup is parsed or sanitized. sanitize-html (and the HTML parser
 * under it) slows down faster than the input grows on deeply nested unclosed tags: 200,000
 * `<span>`s held one request for 38 seconds. No real article nests anywhere near this deep.
 */
export const MAX_MARKUP_DEPTH = 100;

/** The longest text rendered at all: the longest article body. */
export const MAX_MARKUP_CHARS = MAX_BODY_CHARS;

const SLASH = 0x2f;

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isTagNameChar(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
}

/**
 * A number standing for a tag name, case-insensitively (FNV-1a over the lower-cased ASCII
 * codes). Comparing numbers instead of sliced strings keeps the scan below allocation-free; two
 * names sharing a number would at worst miscount one level, which a depth limit can afford.
 */
function nameKey(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ (text.charCodeAt(i) | 0x20), 0x01000193);
  return hash >>> 0;
}

function keysOf(names: string[]): Set<number> {
  return new Set(names.map((name) => nameKey(name, 0, name.length)));
}

const VOID_ELEMENTS = keysOf([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
// Elements a parser closes when a sibling of the same kind opens (<li> after <li>).
const SELF_CLOSING_SIBLINGS = keysOf(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

const TABLE = nameKey('table', 0, 5);
const TR = nameKey('tr', 0, 2);
const TD = nameKey('td', 0, 2);
const TH = nameKey('th', 0, 2);
const SECTIONS = keysOf(['thead', 'tbody', 'tfoot']);
const CELLS = keysOf(['td', 'th']);
const ROW_BOUNDARY = new Set([TABLE]);
const CELL_BOUNDARY = new Set([TR, TABLE]);

/**
 * Table parts that may be left open: which open elements a start tag closes, searched down to
 * the nearest boundary (its table, or its row). `<tr><td>a<td>b<tr><td>c` is a table of two
 * rows, as a parser builds it, not a level deeper per row.
 */
const IMPLIED_ENDS = new Map<number, { closes: Set<number>; boundary: Set<number> }>([
  [TR, { closes: new Set([TR]), boundary: ROW_BOUNDARY }],
  [TD, { closes: CELLS, boundary: CELL_BOUNDARY }],
  [TH, { closes: CELLS, boundary: CELL_BOUNDARY }],
  ...[...SECTIONS].map((name) => [name, { closes: SECTIONS, boundary: ROW_BOUNDARY }] as const),
]);

/**
 * Start tags before which a browser (an HTML5 parser) closes an open paragraph, with everything
 * left open inside it, unless a table, cell or button stands between: legacy HTML that opens
 * `<p><font>` on every line nests one level deep there, not a level per line.
 */
const CLOSES_PARAGRAPH = keysOf([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'listing',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'search',
  'section',
  'summary',
  'table',
  'ul',
]);
const P = nameKey('p', 0, 1);
const LI = nameKey('li', 0, 2);
const DEFINITIONS = keysOf(['dd', 'dt']);
const PARAGRAPH_SCOPE = keysOf([
  'applet',
  'button',
  'caption',
  'html',
  'marquee',
  'object',
  'table',
  'td',
  'template',
  'th',
]);
/** Where a browser stops looking for an open list item (or term, or definition) to close. */
const LIST_SCOPE = keysOf([
  'applet',
  'article',
  'aside',
  'blockquote',
  'button',
  'caption',
  'details',
  'dl',
  'fieldset',
  'figure',
  'footer',
  'form',
  'header',
  'html',
  'main',
  'marquee',
  'menu',
  'nav',
  'object',
  'ol',
  'section',
  'table',
  'td',
  'template',
  'th',
  'ul',
]);

/** Whose nesting markupShape counts: the sanitizer's parser (htmlparser2) or a browser's. */
export type MarkupParser = 'sanitizer' | 'browser';

/** The place in the stack of the nearest open `names`, searching down to a `boundary`; -1 if none. */
function openBelow(stack: Uint32Array, size: number, names: Set<number>, boundary: Set<number>): number {
  for (let open = size - 1; open >= 0; open--) {
    const name = stack[open] as number;
    if (names.has(name)) return open;
    if (boundary.has(name)) return -1;
  }
  return -1;
}

/** What markupShape finds: how deeply the tags nest, and how many HTML table cells open. */
export interface MarkupShape {
  depth: number;
  htmlCells: number;
}

/**
 * How deeply the HTML tags in a text would nest, and how many table cells (`<td>`, `<th>`) it
 * opens, counted in one pass (linear in the length: a tag's end is searched once, and scanning
 * resumes after it). Stops past `limit` levels. It allocates nothing per tag: a 4 MB body costs
 * milliseconds here.
 */
export function markupShape(
  text: string,
  limit = MAX_MARKUP_DEPTH,
  parser: MarkupParser = 'sanitizer',
): MarkupShape {
  const isBrowser = parser === 'browser';
  const paragraphs = new Set([P]);
  const items = new Set([LI]);
  const stack = new Uint32Array(limit + 1);
  let size = 0;
  let deepest = 0;
  let htmlCells = 0;
  let at = text.indexOf('<');
  while (at !== -1) {
    const end = text.indexOf('>', at + 1);
    if (end === -1) break;
    const isClosing = text.charCodeAt(at + 1) === SLASH;
    const nameStart = isClosing ? at + 2 : at + 1;
    let nameEnd = nameStart;
    if (nameEnd < end && isAsciiLetter(text.charCodeAt(nameEnd))) {
      nameEnd++;
      while (nameEnd < end && isTagNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    }
    // A name must end the tag or be followed by whitespace or "/", as Markdown reads a tag:
    // `<https://example.org>` and `<ana@example.org>` are autolinks, not open elements, and a
    // body of 101 paragraphs with one each was refused as nested 101 deep.
    const after = text.charCodeAt(nameEnd);
    const isTag = nameEnd === end || after === SLASH || after === 0x20 || (after >= 0x09 && after <= 0x0d);
    if (nameEnd > nameStart && isTag) {
      const name = nameKey(text, nameStart, nameEnd);
      if (isClosing) {
        let open = size - 1;
        while (open >= 0 && stack[open] !== name) open--;
        if (open !== -1) size = open;
      } else if (!VOID_ELEMENTS.has(name)) {
        if (CELLS.has(name)) htmlCells++;
        const implied = IMPLIED_ENDS.get(name);
        if (implied) {
          // The stack holds at most `limit` names, so this search is bounded too.
          let open = size - 1;
          while (open >= 0 && !implied.closes.has(stack[open]!) && !implied.boundary.has(stack[open]!))
            open--;
          if (open >= 0 && implied.closes.has(stack[open]!)) size = open;
        } else if (isBrowser && (name === LI || DEFINITIONS.has(name))) {
          // A browser closes the list item before, and whatever was left open in it.
          const open = openBelow(stack, size, name === LI ? items : DEFINITIONS, LIST_SCOPE);
          if (open >= 0) size = open;
        } else if (SELF_CLOSING_SIBLINGS.has(name) && size > 0 && stack[size - 1] === name) {
          // "<b/>" opens a <b> all the same: HTML ignores the slash on elements that are not void.
          size--;
        }
        if (isBrowser && CLOSES_PARAGRAPH.has(name)) {
          // Formatting elements left open are opened again in the next paragraph, at most three
          // of a kind (HTML's "Noah's Ark" rule): a bounded few levels this count leaves out.
          const open = openBelow(stack, size, paragraphs, PARAGRAPH_SCOPE);
          if (open >= 0) size = open;
        }
        stack[size++] = name;
        if (size > deepest) deepest = size;
        if (deepest > limit) return { depth: deepest, htmlCells };
      }
    }
    at = text.indexOf('<', end + 1);
  }
  return { depth: deepest, htmlCells };
}

/** How deeply the HTML tags in a text would nest (see markupShape). Stops counting past `limit`. */
export function markupDepth(text: string, limit = MAX_MARKUP_DEPTH): number {
  return markupShape(text, limit).depth;
}

/**
 * The most table cells, Markdown and HTML together, a text may make. Rendering and sanitizing
 * cost time with every cell (a Markdown cell about 20 µs, an HTML one about 9 µs, on a 2-core
 * machine): a 400 × 400 table took 1.5 to 2.5 seconds with the machine to itself, and more than
 * the render time limit on a busy one. 50,000 cells stay near a second; real tables (the
 * importer converts those of up to 2,000 cells to Markdown) are far smaller.
 */
export const MAX_TABLE_CELLS = 50_000;

// A Markdown table's delimiter row ("| --- | :-: |"), which fixes the table's width. Spaces and
// tabs only, never "\s": a class that matches line ends lets each line's attempt read on through
// every blank line after it, and 40,000 blank lines then took 1.5 s to test.
const DELIMITER_ROW = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** Whether the text may hold a Markdown table (its rendering can be far larger than the text). */
export function mayHoldTable(text: string): boolean {
  return /^ {0,3}\|?[ \t]*:?-+:?[ \t]*\|/m.test(text);
}

/**
 * How many cells the Markdown tables in a text would make: each table's width (its delimiter
 * row's columns) times its rows. A narrow row still makes a full row of cells, so 30 KB of
 * one-cell rows under a 200-column header render to megabytes.
 */
export function tableCells(text: string): number {
  if (!mayHoldTable(text)) return 0;
  // As the renderer reads lines: a browser sends a textarea's line ends as CRLF.
  const lines = text.split(/\r\n?|\n/);
  let cells = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.includes('-') || !DELIMITER_ROW.test(line)) continue;
    const width = line.split('|').filter((cell) => cell.trim() !== '').length;
    let rows = 1;
    while (i + rows < lines.length && (lines[i + rows] ?? '').trim() !== '') rows++;
    cells += width * rows;
    i += rows - 1;
  }
  return cells;
}

/** What is wrong with the markup's shape, as a field message, or undefined when it may be rendered. */
export function markupProblem(text: string, parser: MarkupParser = 'sanitizer'): string | undefined {
  const tooLong = lengthProblem(text, MAX_MARKUP_CHARS);
  if (tooLong) return tooLong;
  const shape = markupShape(text, MAX_MARKUP_DEPTH, parser);
  if (shape.depth > MAX_MARKUP_DEPTH) {
    return `has HTML nested more than ${MAX_MARKUP_DEPTH} levels deep (often tags left unclosed); close or remove them`;
  }
  const cells = shape.htmlCells + tableCells(text);
  if (cells > MAX_TABLE_CELLS) {
    return `has tables of ${cells.toLocaleString('en')} cells in all, more than the ${MAX_TABLE_CELLS.toLocaleString('en')} a text may have (every row of a Markdown table is as wide as its header); split them`;
  }
  return undefined;
}
