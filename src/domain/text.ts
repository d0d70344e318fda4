import { tooLong } from './limits.ts';

/**
 * Characters XML 1.0 does not allow anywhere in a document (C0 controls other than tab, line feed
 * and carriage return; lone surrogates; U+FFFE and U+FFFF). One of them in a title makes a whole
 * feed or sitemap unreadable, so they are stripped on the way in and again on the way out.
 */
const XML_FORBIDDEN_ALL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// The test that runs on every feed and sitemap value, a whole article body included: a class
// over UTF-16 code units (surrogates allowed) is several times faster than the code-point class
// above, and the engine's own well-formedness check finds a lone surrogate.
const XML_FORBIDDEN_UNIT = /[^\t\n\r\u0020-\uFFFD]/;

/** The text without the characters XML 1.0 forbids. */
export function stripXmlForbidden(text: string): string {
  return hasXmlForbidden(text) ? text.replace(XML_FORBIDDEN_ALL, '') : text;
}

// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
// direction marks (U+200E, U+200F, U+061C). Left in a title or a name, one reorders the text
// after it on the page ("By <name>, <publication>" read backwards, "gpj.exe" shown as "exe.jpg");
// a one-line field never needs them (the page sets direction).
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'gu');

/** What a field that holds a bidirectional control is told. */
export const BIDI_MESSAGE =
  'must not contain invisible text-direction characters (U+202A–202E, U+2066–2069, U+200E/F, U+061C)';

/** Whether the text holds a bidirectional control or direction mark. */
export function hasBidiControls(text: string): boolean {
  return BIDI_CONTROL.test(text);
}

/**
 * A one-line text (a title, a name) without the characters XML forbids and without bidirectional
 * controls, which would reorder the page's text after it.
 * @example cleanLine('Report \u202Eevil') // 'Report evil'
 */
export function cleanLine(text: string): string {
  const stripped = stripXmlForbidden(text);
  return BIDI_CONTROL.test(stripped) ? stripped.replace(BIDI_CONTROLS, '') : stripped;
}

/**
 * The text without the characters of `chars` it ends with. In linear time: a pattern such as
 * /\/+$/ is tried from every character of a run, and a request for a path of 16,000 slashes held
 * the event loop for half a second.
 * @example trimEndOf('/news//', '/') // '/news'
 */
export function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text.charAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Whether the text holds a character XML 1.0 forbids. */
export function hasXmlForbidden(text: string): boolean {
  return XML_FORBIDDEN_UNIT.test(text) || !text.isWellFormed();
}

/**
 * The text cut to at most `limit` characters (code points, as the databases count them), ending
 * in "…" when it was cut: for a value an import may shorten rather than refuse (a title, a name).
 */
export function clipText(text: string, limit: number): string {
  if (tooLong(text, limit) === undefined) return text;
  let cut = '';
  let n = 0;
  for (const character of text) {
    if (++n >= limit) break;
    cut += character;
  }
  return `${cut.trimEnd()}…`;
}

// A run of two or more white-space characters, or one that is not a plain space: what
// collapsing changes. Matching every run instead (/\s+/) replaces each single space between
// words with itself, one replacement per word.
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;

/**
 * The text with every run of white space as one space, as `text.replace(/\s+/g, ' ')` gives it,
 * but several times faster on text whose words are already separated by single spaces.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_COLLAPSE, ' ');
}

/** The character references the sanitizer writes in text, and what each stands for. */
const SANITIZER_REFERENCE = /&(?:nbsp|lt|gt|quot|#39|amp);/g;
const SANITIZER_REFERENCES: Record<string, string> = {
  '&nbsp;': ' ',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};

/**
 * Text of sanitized HTML with its tags already taken out: the references decoded in one pass, so
 * an article that shows "&lt;" (written "&amp;lt;") still reads "&lt;", not "<".
 * @example decodeSanitizerReferences('Tea &amp; toast, &amp;lt;b&amp;gt;') // 'Tea & toast, &lt;b&gt;'
 */
export function decodeSanitizerReferences(text: string): string {
  return text.includes('&') ? text.replace(SANITIZER_REFERENCE, (r) => SANITIZER_REFERENCES[r] ?? r) : text;
}
