/**
 * Footnotes written in Markdown (`note[^1]` … `[^1]: The note.`, as in Ghost's Markdown cards)
 * in the form our bodies keep them: the Markdown renderer knows no footnote syntax, so a
 * reference becomes a link to an anchored note, as the importers make of footnotes in HTML.
 */

/** Numbers notes across one body, so that two cards' `[^1]` do not share an anchor. */
export interface FootnoteCounter {
  next: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const DEFINITION = /^ {0,3}\[\^([^\]\s]+)\]:[ \t]?(.*)$/;
const REFERENCE = /\[\^([^\]\s]+)\](?!:)/g;

/** The id of the `times`th reference to note `n`: ids on a page are unique. */
function referenceId(n: number, times: number): string {
  return times === 1 ? `fnref${n}` : `fnref${n}-${times}`;
}

/** Replaces references outside inline code spans. */
function replaceReferences(line: string, replace: (label: string, whole: string) => string): string {
  return line
    .split(/(`+[^`]*`+)/)
    .map((part, index) =>
      index % 2 === 1 ? part : part.replace(REFERENCE, (whole, label: string) => replace(label, whole)),
    )
    .join('');
}

/**
 * Turns Markdown footnotes into anchored links and a numbered list of notes at the end,
 * leaving code blocks and code spans alone. A reference without a note stays as written.
 *
 * @example footnotesToAnchors('A note[^a].\n\n[^a]: Said.', { next: 1 })
 * // 'A note[<span id="fnref1"></span>\\[1\\]](#fn1).\n\n1. <span id="fn1"></span>Said. [↩︎](#fnref1)'
 */
export function footnotesToAnchors(markdown: string, counter: FootnoteCounter): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const notes = new Map<string, string[]>();
  const body: string[] = [];
  let fence: string | null = null;
  let current: string[] | null = null;
  for (const line of lines) {
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]?.[0] === fence[0] && (fenceMatch[1]?.length ?? 0) >= fence.length)
        fence = null;
      body.push(line);
      continue;
    }
    const definition = DEFINITION.exec(line);
    if (definition) {
      current = [definition[2] ?? ''];
      if (!notes.has(definition[1] as string)) notes.set(definition[1] as string, current);
      continue;
    }
    // A note goes on over indented lines (and blank lines between them).
    if (current && (/^( {4}|\t)/.test(line) || (line.trim() === '' && current.length > 0))) {
      current.push(line.replace(/^( {4}|\t)/, ''));
      continue;
    }
    current = null;
    if (fenceMatch) fence = fenceMatch[1] ?? '```';
    body.push(line);
  }
  if (notes.size === 0) return markdown;
  const numbers = new Map<string, number>();
  /** How many times each note is referred to: the second reference to note 1 is `fnref1-2`. */
  const referred = new Map<string, number>();
  fence = null;
  const linked = body.map((line) => {
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]?.[0] === fence[0] && (fenceMatch[1]?.length ?? 0) >= fence.length)
        fence = null;
      return line;
    }
    if (fenceMatch) {
      fence = fenceMatch[1] ?? '```';
      return line;
    }
    return replaceReferences(line, (label, whole) => {
      if (!notes.has(label)) return whole;
      let n = numbers.get(label);
      if (n === undefined) {
        n = counter.next;
        counter.next += 1;
        numbers.set(label, n);
      }
      const times = (referred.get(label) ?? 0) + 1;
      referred.set(label, times);
      return `[<span id="${referenceId(n, times)}"></span>\\[${n}\\]](#fn${n})`;
    });
  });
  // Notes never referred to are kept too, after the others.
  for (const label of notes.keys())
    if (!numbers.has(label)) {
      numbers.set(label, counter.next);
      counter.next += 1;
    }
  const list = [...numbers].map(([label, n]) => {
    const text = (notes.get(label) ?? [])
      .join('\n')
      .trim()
      .replace(/\n/g, `\n${' '.repeat(String(n).length + 2)}`);
    // A link back to each reference; a note never referred to has nowhere to lead back to.
    const times = referred.get(label) ?? 0;
    const back = Array.from({ length: times }, (_, index) =>
      index === 0 ? ` [↩︎](#fnref${n})` : ` [↩︎ ${index + 1}](#${referenceId(n, index + 1)})`,
    );
    return `${n}. <span id="fn${n}"></span>${text}${back.join('')}`;
  });
  return `${linked.join('\n').trimEnd()}\n\n${list.join('\n')}`;
}
