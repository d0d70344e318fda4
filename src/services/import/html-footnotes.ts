/**
 * Footnotes as WordPress posts hold them in HTML: a `<sup>` reference linking to a note in a list
 * at the end (`<sup id="fnref1"><a href="#fn1">1</a></sup>` … `<li id="fn1">`, the form of
 * Markdown plugins, Jetpack and pasted Word or Google Docs text), or a note written inline beside
 * its reference (Modern Footnotes). They are lifted out before the HTML is converted, and put back
 * as Markdown footnotes (`[^1]` … `[^1]: The note.`), which markdown-footnotes.ts then turns into
 * the anchored notes our bodies keep.
 */

import { escapeRegExp } from './enclosed.ts';

const MARK = '\uE015';

/** A footnote lifted out of a body: its label and the note's HTML. */
export interface LiftedNote {
  label: string;
  html: string;
}

const SUP_LINK =
  /<sup\b[^>]*>\s*<a\b([^>]*)>\s*\[?\s*([\p{L}\p{N}*†‡]{1,8})\s*\]?\s*<\/a>\s*<\/sup>|<a\b([^>]*)>\s*<sup\b[^>]*>\s*\[?\s*([\p{L}\p{N}*†‡]{1,8})\s*\]?\s*<\/sup>\s*<\/a>/giu;
const HREF = /\bhref\s*=\s*["']#([^"']+)["']/i;
const INLINE_NOTE =
  /<sup\b[^>]*class\s*=\s*["'][^"']*modern-footnotes-footnote\b[^"']*["'][^>]*>[\s\S]*?<\/sup>\s*<span\b[^>]*class\s*=\s*["'][^"']*modern-footnotes-footnote__note[^"']*["'][^>]*>([\s\S]*?)<\/span>/gi;
/** A link back from a note to its reference: an arrow, a caret or a word such as "return". */
const BACK_LINK =
  /<a\b[^>]*href\s*=\s*["']#[^"']*["'][^>]*>\s*(?:↩︎?|&#8617;(?:&#65038;)?|↑|&uarr;|\^|return|back)?\s*<\/a>/gi;

/**
 * Takes the footnotes out of a body: each reference becomes a mark, each note is removed from the
 * list it stood in (and the list, once empty). A reference whose note is not in the body stays.
 */
export function liftFootnotes(html: string): { html: string; notes: LiftedNote[] } {
  const notes: LiftedNote[] = [];
  let out = html.replace(INLINE_NOTE, (_whole, note: string) => {
    notes.push({ label: String(notes.length + 1), html: note });
    return `${MARK}${notes.length - 1}${MARK}`;
  });
  if (!/<sup\b/i.test(out)) return { html: out, notes };
  const taken = new Map<string, number>();
  out = out.replace(
    SUP_LINK,
    (whole, supAttributes?: string, supLabel?: string, aAttributes?: string, aLabel?: string) => {
      const target = HREF.exec(supAttributes ?? aAttributes ?? '')?.[1];
      const label = supLabel ?? aLabel ?? '';
      if (!target) return whole;
      const known = taken.get(target);
      if (known !== undefined) return `${MARK}${known}${MARK}`;
      const item = new RegExp(
        `<li\\b[^>]*\\bid\\s*=\\s*["']${escapeRegExp(target)}["'][^>]*>([\\s\\S]*?)<\\/li>`,
        'i',
      );
      const note = item.exec(html);
      if (!note) return whole;
      notes.push({ label, html: (note[1] ?? '').replace(BACK_LINK, '').trim() });
      taken.set(target, notes.length - 1);
      return `${MARK}${notes.length - 1}${MARK}`;
    },
  );
  for (const target of taken.keys())
    out = out.replace(
      new RegExp(`<li\\b[^>]*\\bid\\s*=\\s*["']${escapeRegExp(target)}["'][^>]*>[\\s\\S]*?<\\/li>`, 'i'),
      '',
    );
  out = out
    .replace(/<ol\b[^>]*>\s*<\/ol>/gi, '')
    .replace(/<div\b[^>]*class\s*=\s*["'][^"']*footnotes[^"']*["'][^>]*>\s*(?:<hr\b[^>]*>)?\s*<\/div>/gi, '');
  return { html: out, notes };
}

/**
 * Puts lifted footnotes back into converted Markdown: each mark as a reference `[^label]`, each
 * note (converted by `toMarkdown`) as a definition at the end. Labels repeated in one body (two
 * lists both starting at 1) are told apart.
 */
export function restoreFootnotes(
  markdown: string,
  notes: LiftedNote[],
  toMarkdown: (html: string) => string,
): string {
  if (notes.length === 0) return markdown;
  const labels: string[] = [];
  const used = new Set<string>();
  for (const note of notes) {
    let label = note.label.replace(/[^\p{L}\p{N}]/gu, '') || String(labels.length + 1);
    while (used.has(label)) label = `${label}-${labels.length + 1}`;
    used.add(label);
    labels.push(label);
  }
  const body = markdown.replace(
    new RegExp(`${MARK}(\\d+)${MARK}`, 'g'),
    (_m, index: string) => `[^${labels[Number(index)] ?? ''}]`,
  );
  const definitions = notes.map(
    (note, index) =>
      `[^${labels[index]}]: ${toMarkdown(note.html)
        .replace(/\s*\n\s*/g, ' ')
        .trim()}`,
  );
  return `${body}\n\n${definitions.join('\n')}`;
}
