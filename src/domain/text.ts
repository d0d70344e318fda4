import { tooLong } from './limits.ts';

/**
 * Characters XML 1.0 does not allow anywhere in a document (C0 controls other than tab, line feed
 * and carriage return; lone surrogates; U+FFFE and U+FFFF). One of them in a title makes a whole
 * feed or sitemap unreadable, so they are stripped on the way in and again on the way out.
 */
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN.source, 'gu');

/** The text without the characters XML 1.0 forbids. */
export function stripXmlForbidden(text: string): string {
  return XML_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN_ALL, '') : text;
}

/** Whether the text holds a character XML 1.0 forbids. */
export function hasXmlForbidden(text: string): boolean {
  return XML_FORBIDDEN.test(text);
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
