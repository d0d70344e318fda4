/**
 * Footnotes as WordPress's block editor keeps them (WordPress 6.3 and later): the body holds
 * only the references, `<sup data-fn="ID" class="fn"><a href="#ID" id="ID-link">1</a></sup>`,
 * and a `<!-- wp:footnotes /-->` block where the list is drawn; the notes' text is in the
 * post's `footnotes` meta, as JSON (`[{"content":"A <em>note</em>.","id":"ID"}]`). The references
 * are lifted out before the body is converted and come back as Markdown footnotes, numbered in
 * the order the text refers to them, with the notes at the end of the whole body.
 */

import { decodeHTML } from 'entities';
import { clipText } from '../../domain/text.ts';
import { footnotesToAnchors } from './markdown-footnotes.ts';

const MARK = '\uE016';
/**
 * A reference, its note's id in either kind of quotes (the other kind may be part of the id, as
 * may an entity such as &quot;: the meta holds the id as text, the attribute as HTML).
 */
const REFERENCE =
  /<sup\b(?:[^>"']|"[^"]*"|'[^']*')*?\bdata-fn\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)<\/sup>/gi;

/** A note of the post's footnotes meta, its text as HTML. */
export interface BlockNote {
  id: string;
  html: string;
}

/** The notes of a post's `footnotes` meta, or why they cannot be read. */
export function readFootnotesMeta(value: string | null | undefined): {
  notes: BlockNote[];
  problem?: string;
} {
  if (value == null || value.trim() === '') return { notes: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { notes: [], problem: 'its footnotes meta is not JSON, so the notes could not be read' };
  }
  if (!Array.isArray(parsed))
    return {
      notes: [],
      problem: 'its footnotes meta is not a list of notes, so the notes could not be read',
    };
  const notes: BlockNote[] = [];
  for (const entry of parsed) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { id, content } = entry as { id?: unknown; content?: unknown };
    if (typeof id === 'string' && id !== '')
      notes.push({ id, html: typeof content === 'string' ? content : '' });
  }
  return { notes };
}

/** A body with its block-editor footnote references lifted out (see restoreBlockFootnotes). */
export interface LiftedBlockFootnotes {
  html: string;
  /** The notes, in the order the body first refers to them, then those it never refers to. */
  notes: BlockNote[];
  /** What the report should say: references whose note is missing, a meta that cannot be read. */
  problems: string[];
}

/**
 * Replaces each footnote reference with a mark for its note's number; a reference whose note is
 * not in the meta keeps its number as plain text, and is reported.
 */
export function liftBlockFootnotes(content: string, meta: string | null | undefined): LiftedBlockFootnotes {
  const read = readFootnotesMeta(meta);
  const problems = read.problem ? [read.problem] : [];
  if (!/\bdata-fn\s*=/i.test(content))
    return { html: content, notes: read.notes, problems: read.notes.length > 0 ? problems : [] };
  const byId = new Map(read.notes.map((note) => [note.id, note]));
  const order = new Map<string, number>();
  const notes: BlockNote[] = [];
  const missing: string[] = [];
  const html = content.replace(REFERENCE, (...match: (string | undefined)[]) => {
    const id = decodeHTML(match[1] ?? match[2] ?? match[3] ?? '');
    const inner = match[4] ?? '';
    const known = order.get(id);
    if (known !== undefined) return `${MARK}${known}${MARK}`;
    const note = byId.get(id);
    const shown = inner.replace(/<[^>]*>/g, '').trim();
    if (!note) {
      // Named by its id, which the post's markup and meta share; the number is only where it stood.
      const name = `"${clipText(id, 40)}"${shown ? ` (shown as ${clipText(shown, 10)})` : ''}`;
      if (!missing.includes(name)) missing.push(name);
      return shown ? `<sup>${shown}</sup>` : '';
    }
    notes.push(note);
    order.set(id, notes.length - 1);
    return `${MARK}${notes.length - 1}${MARK}`;
  });
  for (const note of read.notes) if (!order.has(note.id)) notes.push(note);
  if (missing.length > 0)
    problems.push(
      `footnote reference${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no note in the post's footnotes; its number is kept as text`,
    );
  return { html, notes, problems };
}

/** Text with the marks of liftBlockFootnotes taken out (a teaser, say). */
export function withoutBlockFootnoteMarks(text: string): string {
  return text.replace(new RegExp(`${MARK}\\d+${MARK}`, 'g'), '');
}

/**
 * Puts lifted notes back into the converted body: each mark as a reference, each note (converted
 * by `toMarkdown`) at the end, numbered after the footnotes the body already has.
 */
export function restoreBlockFootnotes(
  markdown: string,
  notes: BlockNote[],
  toMarkdown: (html: string) => string,
): string {
  if (notes.length === 0) return markdown;
  const label = (index: number) => `wpfn${index + 1}`;
  const body = markdown.replace(
    new RegExp(`${MARK}(\\d+)${MARK}`, 'g'),
    (_m, index: string) => `[^${label(Number(index))}]`,
  );
  const definitions = notes.map(
    (note, index) =>
      `[^${label(index)}]: ${toMarkdown(note.html)
        .replace(/\s*\n\s*/g, ' ')
        .trim()}`,
  );
  let last = 0;
  for (const match of markdown.matchAll(/id="fn(\d+)"/g)) last = Math.max(last, Number(match[1]));
  return footnotesToAnchors(`${body.trimEnd()}\n\n${definitions.join('\n')}`, { next: last + 1 });
}
