import { Errors } from '../errors.ts';
import { collapseWhitespace } from './text.ts';

/** One word of a query; `isPrefix` when the reader typed `word*`. */
export interface QueryTerm {
  text: string;
  isPrefix: boolean;
}

/**
 * A reader's query reduced to words and quoted phrases. Storage builds FTS5 or tsquery
 * text from this structure only, so nothing a reader types reaches MATCH or to_tsquery.
 */
export interface SearchQuery {
  terms: QueryTerm[];
  /** Each phrase is its words in order. */
  phrases: string[][];
}

export const MAX_QUERY_LENGTH = 500;
const MAX_WORDS = 24;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const ASCII = /^\p{ASCII}*$/u;
/** Snippets are cut from the start of a text: matches past this many characters are not looked for. */
export const SNIPPET_SCAN_LIMIT = 20_000;

/** Lower-cases and strips accents from Latin and Greek letters, so "Café" and "cafe" meet. */
export function foldText(text: string): string {
  // Most words are plain ASCII, which has nothing to fold but case.
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase();
}

/** The words of a text as search sees them (letters, digits and combining marks), folded. */
export function searchWords(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

/**
 * Parses what a reader typed: `"exact phrase"`, `prefix*`, plain words (all must match).
 * Operators and punctuation are treated as spaces. Throws SEARCH_QUERY_INVALID when the
 * input is too long; returns an empty query when nothing searchable is left.
 *
 * @example parseSearchQuery('"water ledger" basin*') // phrases [['water','ledger']], terms [{basin, prefix}]
 */
export function parseSearchQuery(input: string): SearchQuery {
  if (input.length > MAX_QUERY_LENGTH) {
    throw Errors.SEARCH_QUERY_INVALID({ limit: MAX_QUERY_LENGTH, length: input.length });
  }
  const query: SearchQuery = { terms: [], phrases: [] };
  let budget = MAX_WORDS;
  const parts = input.split('"');
  parts.forEach((part, index) => {
    // Odd parts sit between quotes; an unbalanced last quote leaves plain words.
    const isQuoted = index % 2 === 1 && index < parts.length - 1;
    if (isQuoted) {
      const words = searchWords(part).slice(0, budget);
      budget -= words.length;
      if (words.length > 1) query.phrases.push(words);
      else if (words[0]) query.terms.push({ text: words[0], isPrefix: false });
      return;
    }
    for (const match of foldText(part).matchAll(/([\p{L}\p{N}\p{M}]+)(\*?)/gu)) {
      if (budget <= 0) break;
      const text = match[1] ?? '';
      const isPrefix = match[2] === '*';
      if (query.terms.some((t) => t.text === text && t.isPrefix === isPrefix)) continue;
      query.terms.push({ text, isPrefix });
      budget -= 1;
    }
  });
  return query;
}

export function isEmptyQuery(query: SearchQuery): boolean {
  return query.terms.length === 0 && query.phrases.length === 0;
}

/** Every folded word a query names, for highlighting. */
export function queryWords(query: SearchQuery): QueryTerm[] {
  return [...query.terms, ...query.phrases.flat().map((text) => ({ text, isPrefix: false }))];
}

/** A piece of a snippet; matched words are marked so views can wrap them in <mark>. */
export interface SnippetPart {
  text: string;
  isMatch: boolean;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Whether a word of the text answers a query word. Stemming happens in the database; this
 * approximates it (river/rivers, ledger/ledgers) well enough to highlight.
 */
export function isHighlightMatch(word: string, term: QueryTerm): boolean {
  const folded = foldText(word);
  if (folded === term.text) return true;
  if (term.isPrefix) return folded.startsWith(term.text);
  if (term.text.length < 4) return false;
  const shared = commonPrefixLength(folded, term.text);
  return shared >= Math.max(4, term.text.length - 2) && folded.length <= term.text.length + 3;
}

/**
 * Whether a word of a text answers one of the query's words, as isHighlightMatch says, but cheap
 * for the many words that cannot: every match shares the query word's first letter, and a word
 * that starts with an ASCII character folds to that character lower-cased, so most words are
 * turned away before they are folded.
 */
export function highlighter(terms: QueryTerm[]): (word: string) => boolean {
  const firsts = new Set(terms.map((t) => t.text.charAt(0)));
  const isOpen = firsts.has('');
  return (word) => {
    const code = word.charCodeAt(0);
    if (!isOpen && code < 0x80) {
      const lower = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
      if (!firsts.has(String.fromCharCode(lower))) return false;
    }
    return terms.some((t) => isHighlightMatch(word, t));
  };
}

/**
 * A pattern finding the words of a text that highlighter() may accept: those starting with a
 * query word's first ASCII character in either case, or with any other character. The engine
 * then skips the many words that cannot match instead of handing each one back.
 */
function candidateWords(terms: QueryTerm[]): RegExp {
  const firsts = new Set(terms.map((t) => t.text.charAt(0)));
  if (firsts.has('')) return /[\p{L}\p{N}\p{M}]+/gu;
  let ascii = '';
  for (const first of firsts) {
    if (/^[a-z0-9]$/.test(first)) {
      ascii += first === first.toUpperCase() ? first : first + first.toUpperCase();
    }
  }
  const start = ascii === '' ? '' : `[${ascii}]|`;
  return new RegExp(
    `(?<![\\p{L}\\p{N}\\p{M}])(?:${start}(?=[^\\0-\\x7F])[\\p{L}\\p{N}\\p{M}])[\\p{L}\\p{N}\\p{M}]*`,
    'gu',
  );
}

/**
 * Cuts a window of about `maxLength` characters around the densest run of matches in a
 * text and marks the matched words.
 */
export function buildSnippet(text: string, query: SearchQuery, maxLength = 240): SnippetPart[] {
  const clean = collapseWhitespace(text.slice(0, SNIPPET_SCAN_LIMIT)).trim();
  if (clean === '') return [];
  const terms = queryWords(query);
  const isMatch = highlighter(terms);
  const hits: number[] = [];
  const word = candidateWords(terms);
  for (let match = word.exec(clean); match !== null; match = word.exec(clean)) {
    if (isMatch(match[0])) hits.push(match.index);
  }
  let start = 0;
  if (hits.length > 0) {
    // The window starting at each hit, counted with a second pointer that only moves forward:
    // linear in the hits (counting each window afresh was quadratic, and a text of 10,000
    // matching words took a second per result).
    let best = hits[0] ?? 0;
    let bestCount = 0;
    let last = 0;
    for (let first = 0; first < hits.length; first++) {
      const hit = hits[first] ?? 0;
      if (last < first) last = first;
      while (last < hits.length && (hits[last] ?? 0) < hit + maxLength * 0.8) last++;
      if (last - first > bestCount) {
        best = hit;
        bestCount = last - first;
      }
    }
    start = Math.max(0, best - Math.floor(maxLength / 4));
    const space = clean.lastIndexOf(' ', start);
    start = start === 0 ? 0 : space < 0 ? 0 : space + 1;
  }
  let end = Math.min(clean.length, start + maxLength);
  if (end < clean.length) {
    const space = clean.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const window = clean.slice(start, end);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '… ', isMatch: false });
  let cursor = 0;
  for (const match of window.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    if (!isMatch(match[0])) continue;
    const at = match.index ?? 0;
    if (at > cursor) parts.push({ text: window.slice(cursor, at), isMatch: false });
    parts.push({ text: match[0], isMatch: true });
    cursor = at + match[0].length;
  }
  if (cursor < window.length) parts.push({ text: window.slice(cursor), isMatch: false });
  if (end < clean.length) parts.push({ text: ' …', isMatch: false });
  return parts;
}

/** Maps a BCP 47 language tag to a PostgreSQL text search configuration. */
export function textSearchConfig(language: string): string {
  const primary = language.toLowerCase().split('-')[0] ?? '';
  return PG_CONFIGS[primary] ?? 'simple';
}

const PG_CONFIGS: Record<string, string> = {
  ar: 'arabic',
  ca: 'catalan',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  eu: 'basque',
  fi: 'finnish',
  fr: 'french',
  ga: 'irish',
  hi: 'hindi',
  hu: 'hungarian',
  hy: 'armenian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  nb: 'norwegian',
  ne: 'nepali',
  nl: 'dutch',
  nn: 'norwegian',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
  yi: 'yiddish',
};
