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

/**
 * How deeply the HTML tags in a text would nest, counted in one pass (linear in the length:
 * a tag's end is searched once, and scanning resumes after it). Stops counting past `limit`.
 * It runs on the event loop before any worker sees the text, so it allocates nothing per tag:
 * a 4 MB body costs milliseconds here.
 */
export function markupDepth(text: string, limit = MAX_MARKUP_DEPTH): number {
  const stack = new Uint32Array(limit + 1);
  let size = 0;
  let deepest = 0;
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
    if (nameEnd > nameStart) {
      const name = nameKey(text, nameStart, nameEnd);
      if (isClosing) {
        let open = size - 1;
        while (open >= 0 && stack[open] !== name) open--;
        if (open !== -1) size = open;
      } else if (!VOID_ELEMENTS.has(name)) {
        // "<b/>" opens a <b> all the same: HTML ignores the slash on elements that are not void.
        if (SELF_CLOSING_SIBLINGS.has(name) && size > 0 && stack[size - 1] === name) size--;
        stack[size++] = name;
        if (size > deepest) deepest = size;
        if (deepest > limit) return deepest;
      }
    }
    at = text.indexOf('<', end + 1);
  }
  return deepest;
}

/** The most table cells a text may make: Markdown pads every row of a table to its header's width. */
export const MAX_TABLE_CELLS = 100_000;

// A Markdown table's delimiter row ("| --- | :-: |"), which fixes the table's width.
const DELIMITER_ROW = /^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** Whether the text may hold a Markdown table (its rendering can be far larger than the text). */
export function mayHoldTable(text: string): boolean {
  return /^ {0,3}\|?\s*:?-+:?\s*\|/m.test(text);
}

/**
 * How many cells the Markdown tables in a text would make: each table's width (its delimiter
 * row's columns) times its rows. A narrow row still makes a full row of cells, so 30 KB of
 * one-cell rows under a 200-column header render to megabytes.
 */
export function tableCells(text: string): number {
  if (!mayHoldTable(text)) return 0;
  const lines = text.split('\n');
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
export function markupProblem(text: string): string | undefined {
  const tooLong = lengthProblem(text, MAX_MARKUP_CHARS);
  if (tooLong) return tooLong;
  if (tableCells(text) > MAX_TABLE_CELLS) {
    return `has tables of more than ${MAX_TABLE_CELLS.toLocaleString('en')} cells in all (every row is as wide as its header); split them`;
  }
  if (markupDepth(text) > MAX_MARKUP_DEPTH) {
    return `has HTML nested more than ${MAX_MARKUP_DEPTH} levels deep (often tags left unclosed); close or remove them`;
  }
  return undefined;
}
