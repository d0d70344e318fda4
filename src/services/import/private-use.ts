/**
 * The converters mark places in a body while they work with private-use characters (U+E000 to
 * U+F8FF: lifted code, footnotes, links, a missing image). An author may use those characters
 * too (icon fonts such as Font Awesome put their glyphs there), and one of them where a marker
 * is looked for would be taken for it: removed, or replaced by something else. So each of the
 * author's is set aside first, written as KEPT, its code point in decimal and KEPT again, a form
 * no converter looks for; the converted text gets them back. Setting aside is stateless: text
 * set aside twice comes back once restored twice, in any nesting. The converters' own markers
 * are chosen in U+E000 to U+E0FF (see withoutPlaceholders).
 */

const KEPT = '\uE0FF';
const PRIVATE_USE = /[\uE000-\uF8FF]/;
const PRIVATE_USE_ALL = /[\uE000-\uF8FF]/g;
const SET_ASIDE = /\uE0FF(\d{5})\uE0FF/g;

/** Text with each private-use character set aside (see restorePrivateUse). */
export function setAsidePrivateUse(text: string): string {
  if (!PRIVATE_USE.test(text)) return text;
  return text.replace(PRIVATE_USE_ALL, (character) => `${KEPT}${character.charCodeAt(0)}${KEPT}`);
}

/** Text with the private-use characters setAsidePrivateUse set aside put back. */
export function restorePrivateUse(text: string): string {
  if (!text.includes(KEPT)) return text;
  return text.replace(SET_ASIDE, (whole, code: string) => {
    const value = Number(code);
    return value >= 0xe000 && value <= 0xf8ff ? String.fromCharCode(value) : whole;
  });
}
