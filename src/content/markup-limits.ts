/**
 * Limits checked before any markup is parsed or sanitized. sanitize-html (and the HTML parser
 * under it) slows down faster than the input grows on deeply nested unclosed tags: 200,000
 * `<span>`s held one request for 38 seconds. No real article nests anywhere near this deep.
 */
export const MAX_MARKUP_DEPTH = 100;

const VOID_ELEMENTS = new Set([
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
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

/**
 * How deeply the HTML tags in a text would nest, counted in one pass (linear in the length:
 * a tag's end is searched once, and scanning resumes after it). Stops counting past `limit`.
 */
export function markupDepth(text: string, limit = MAX_MARKUP_DEPTH): number {
  const stack: string[] = [];
  let deepest = 0;
  let at = text.indexOf('<');
  while (at !== -1 && at < text.length) {
    const end = text.indexOf('>', at + 1);
    if (end === -1) break;
    const inner = text.slice(at + 1, end);
    const match = /^(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
    if (match) {
      const name = (match[2] ?? '').toLowerCase();
      if (match[1] === '/') {
        const open = stack.lastIndexOf(name);
        if (open !== -1) stack.length = open;
      } else if (!VOID_ELEMENTS.has(name) && !inner.endsWith('/')) {
        if (SELF_CLOSING_SIBLINGS.has(name) && stack[stack.length - 1] === name) stack.pop();
        stack.push(name);
        if (stack.length > deepest) deepest = stack.length;
        if (deepest > limit) return deepest;
      }
    }
    at = text.indexOf('<', end + 1);
  }
  return deepest;
}

/** What is wrong with the markup's shape, as a field message, or undefined when it may be rendered. */
export function markupProblem(text: string): string | undefined {
  if (markupDepth(text) > MAX_MARKUP_DEPTH) {
    return `has HTML nested more than ${MAX_MARKUP_DEPTH} levels deep (often tags left unclosed); close or remove them`;
  }
  return undefined;
}
