/**
 * Opening and closing tags paired in linear time, for the markup imported bodies carry:
 * shortcodes (`[code]…[/code]`) and HTML blocks read whole (`<pre>…</pre>`).
 *
 * A lazy regular expression such as `\[b\]([\s\S]*?)\[\/b\]` looks for the closing tag all the
 * way to the end of the text from every opening tag that has none, so a body of unclosed tags
 * costs the square of its length: 80,000 stray "[b]" in one post took 8 s, and an import of
 * a few such posts stalled for minutes. Here each kind of closing tag is found once, and every
 * opening tag takes the first one after it, as the lazy expression would.
 */

export interface Enclosed {
  /** The text between the opening and the closing tag. */
  inner: string;
  /** Where the closing tag ends. */
  end: number;
}

export interface Replacement {
  text: string;
  /** Where the replaced text ends: the opening tag's end, the closing tag's, or a little further. */
  end: number;
}

/** Start and end of every match of a closing-tag pattern, in order. */
type Positions = { starts: number[]; ends: number[] };

function positionsOf(text: string, pattern: RegExp): Positions {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  const starts: number[] = [];
  const ends: number[] = [];
  for (const match of text.matchAll(new RegExp(pattern.source, flags))) {
    starts.push(match.index);
    ends.push(match.index + match[0].length);
  }
  return { starts, ends };
}

/** The first closing tag that starts at or after `from`, by binary search. */
function firstAfter(positions: Positions, from: number): number {
  let low = 0;
  let high = positions.starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((positions.starts[middle] ?? 0) < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Replaces every opening tag `open` finds, with what follows it up to the first closing tag
 * `closing(match)` names (null: this opening tag takes none). `replace` gets the match and the
 * enclosed text (null when no closing tag follows) and returns the new text and where the
 * replaced part ends; returning null keeps the opening tag as it is and reads on after it.
 * Closing patterns must not depend on where they are found (no lookbehind across tags).
 */
export function replaceEnclosed(
  text: string,
  open: RegExp,
  closing: (match: RegExpExecArray) => RegExp | null,
  replace: (match: RegExpExecArray, enclosed: Enclosed | null) => Replacement | null,
): string {
  const opener = new RegExp(open.source, open.flags.includes('g') ? open.flags : `${open.flags}g`);
  const closers = new Map<string, Positions>();
  let out = '';
  let copied = 0;
  let match = opener.exec(text);
  while (match) {
    const openEnd = match.index + match[0].length;
    const close = closing(match);
    let enclosed: Enclosed | null = null;
    if (close) {
      const key = `${close.flags}/${close.source}`;
      let positions = closers.get(key);
      if (!positions) {
        positions = positionsOf(text, close);
        closers.set(key, positions);
      }
      const at = firstAfter(positions, openEnd);
      const start = positions.starts[at];
      const end = positions.ends[at];
      if (start !== undefined && end !== undefined) enclosed = { inner: text.slice(openEnd, start), end };
    }
    const replacement = replace(match, enclosed);
    if (replacement) {
      out += text.slice(copied, match.index) + replacement.text;
      copied = replacement.end;
      opener.lastIndex = Math.max(replacement.end, match.index + 1);
    } else {
      opener.lastIndex = Math.max(openEnd, match.index + 1);
    }
    match = opener.exec(text);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Escapes text for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
