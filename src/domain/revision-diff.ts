import { diffArrays, diffWordsWithSpace } from 'diff';

/** A run of words within a changed line: the same on both sides, or only on this side. */
export interface DiffSegment {
  text: string;
  isChanged: boolean;
}

/**
 * One row of a side-by-side comparison: the old line on the left, the new on the right. A line
 * facing its replacement carries its words as segments, so the few that changed stand out.
 */
export interface DiffRow {
  left: {
    text: string;
    kind: 'same' | 'removed' | 'moved';
    segments?: DiffSegment[];
    omittedChars?: number;
  } | null;
  right: {
    text: string;
    kind: 'same' | 'added' | 'moved';
    segments?: DiffSegment[];
    omittedChars?: number;
  } | null;
  /** A row standing for this many lines not shown (both sides null): unchanged ones, or past the limit. */
  omitted?: { lines: number; isUnchanged: boolean };
}

/** Unchanged lines shown around each change; longer unchanged stretches are folded. */
const CONTEXT_LINES = 3;
/**
 * The most rows a comparison shows: past it the rest is summed up in one row. Two versions of a
 * long body that differ everywhere made a page of 60 MB that took seconds to build.
 */
export const MAX_DIFF_ROWS = 2_000;

/** Past this many edits a line counts as rewritten: marking every other word helps no one. */
const MAX_WORD_EDITS = 200;
/**
 * Past this many lines removed and added, the changed stretch is shown as its old lines facing
 * its new ones. The line diff costs time in proportion to the lines times the edits: two
 * rewrites of a 900 KB body took 88 seconds, on the event loop, to compare in full.
 */
const MAX_LINE_EDITS = 400;
/**
 * How much text, in all, the word diff may read for one field: each line pair costs time with
 * its words, and ten thousand rewritten paragraphs took half a second. Past it (or for a line
 * longer than this), lines are shown whole.
 */
const MAX_WORD_DIFF_CHARS = 100_000;

/** The words of a line and its replacement, marked where they differ; null when too different to help. */
export function wordSegments(
  before: string,
  after: string,
): { left: DiffSegment[]; right: DiffSegment[] } | null {
  if (before.length > MAX_WORD_DIFF_CHARS || after.length > MAX_WORD_DIFF_CHARS) return null;
  const parts = diffWordsWithSpace(before, after, { maxEditLength: MAX_WORD_EDITS });
  if (!parts) return null;
  const left: DiffSegment[] = [];
  const right: DiffSegment[] = [];
  let same = 0;
  for (const part of parts) {
    if (!part.added) left.push({ text: part.value, isChanged: Boolean(part.removed) });
    if (!part.removed) right.push({ text: part.value, isChanged: Boolean(part.added) });
    if (!part.added && !part.removed) same += part.value.trim().length;
  }
  // Nothing in common but spaces: the whole line changed, which the row already says.
  return same === 0 ? null : { left, right };
}

/** A field whose value differs between two versions, compared line by line. */
export interface FieldDiff {
  field: string;
  rows: DiffRow[];
  /**
   * Set when the field was too large to compare line by line: its one row holds the two
   * versions whole (each cut at MAX_WHOLE_CHARS, with the characters left out counted).
   */
  isWhole?: boolean;
}

/** The most characters of each version a field shown whole holds: the page stays one a browser opens. */
export const MAX_WHOLE_CHARS = 200_000;

function splitLines(value: string): string[] {
  if (value === '') return [];
  const lines = value.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Side-by-side rows for two texts: unchanged lines face each other, removed lines face added
 * ones where they replace them, and the shorter side of a change is padded with gaps. Takes time
 * in proportion to the texts' length (see MAX_LINE_EDITS).
 */
export function sideBySide(before: string, after: string): DiffRow[] {
  const old = splitLines(before);
  const next = splitLines(after);
  // The lines both start and end with are set aside first: an edit usually touches a few lines
  // of a long text, and the diff below then looks only at the stretch between.
  let head = 0;
  while (head < old.length && head < next.length && old[head] === next[head]) head++;
  let tail = 0;
  while (
    tail < old.length - head &&
    tail < next.length - head &&
    old[old.length - 1 - tail] === next[next.length - 1 - tail]
  )
    tail++;
  const rows: DiffRow[] = [];
  let removed: string[] = [];
  let wordBudget = MAX_WORD_DIFF_CHARS;
  const flush = (added: string[]) => {
    const count = Math.max(removed.length, added.length);
    for (let i = 0; i < count; i++) {
      const left = removed[i];
      const right = added[i];
      let words: ReturnType<typeof wordSegments> = null;
      if (left !== undefined && right !== undefined && left.length + right.length <= wordBudget) {
        wordBudget -= left.length + right.length;
        words = wordSegments(left, right);
      }
      rows.push({
        left:
          left === undefined
            ? null
            : { text: left, kind: 'removed', ...(words ? { segments: words.left } : {}) },
        right:
          right === undefined
            ? null
            : { text: right, kind: 'added', ...(words ? { segments: words.right } : {}) },
      });
    }
    removed = [];
  };
  const same = (lines: string[]) => {
    for (const line of lines)
      rows.push({ left: { text: line, kind: 'same' }, right: { text: line, kind: 'same' } });
  };
  same(old.slice(0, head));
  const oldMiddle = old.slice(head, old.length - tail);
  const nextMiddle = next.slice(head, next.length - tail);
  const parts = diffArrays(oldMiddle, nextMiddle, { maxEditLength: MAX_LINE_EDITS }) ?? [
    { value: oldMiddle, removed: true, added: false, count: oldMiddle.length },
    { value: nextMiddle, removed: false, added: true, count: nextMiddle.length },
  ];
  for (const part of parts) {
    if (part.removed) {
      // A loop, not push(...lines): a spread of a hundred thousand lines overflows the stack.
      for (const line of part.value) removed.push(line);
    } else if (part.added) {
      flush(part.value);
    } else {
      flush([]);
      same(part.value);
    }
  }
  flush([]);
  same(old.slice(old.length - tail));
  return folded(rows);
}

/** The rows with long unchanged stretches folded to their context, and at most MAX_DIFF_ROWS of them. */
function folded(rows: DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  const isSame = (row: DiffRow | undefined) => row?.left?.kind === 'same';
  let at = 0;
  while (at < rows.length && out.length < MAX_DIFF_ROWS) {
    if (!isSame(rows[at])) {
      out.push(rows[at] as DiffRow);
      at++;
      continue;
    }
    let end = at;
    while (end < rows.length && isSame(rows[end])) end++;
    const keepBefore = at === 0 ? 0 : CONTEXT_LINES;
    const keepAfter = end === rows.length ? 0 : CONTEXT_LINES;
    if (end - at > keepBefore + keepAfter + 1) {
      for (let i = at; i < at + keepBefore; i++) out.push(rows[i] as DiffRow);
      out.push({
        left: null,
        right: null,
        omitted: { lines: end - at - keepBefore - keepAfter, isUnchanged: true },
      });
      for (let i = end - keepAfter; i < end; i++) out.push(rows[i] as DiffRow);
    } else {
      for (let i = at; i < end; i++) out.push(rows[i] as DiffRow);
    }
    at = end;
  }
  if (at < rows.length)
    out.push({ left: null, right: null, omitted: { lines: rows.length - at, isUnchanged: false } });
  return out;
}

/** The fields that differ between two flat records of text, each as side-by-side rows. */
export function diffFields(before: Record<string, string>, after: Record<string, string>): FieldDiff[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => (before[field] ?? '') !== (after[field] ?? ''))
    .map((field) => ({ field, rows: withMoves(sideBySide(before[field] ?? '', after[field] ?? '')) }));
}

/**
 * The rows with each line that left one place and came back unchanged at another (a co-author
 * moved down the byline, a paragraph moved) marked as moved on both sides, not as removed there
 * and added here.
 */
function withMoves(rows: DiffRow[]): DiffRow[] {
  const removed = new Map<string, number>();
  for (const row of rows)
    if (row.left?.kind === 'removed' && row.left.text.trim())
      removed.set(row.left.text, (removed.get(row.left.text) ?? 0) + 1);
  const moved = new Map<string, number>();
  for (const row of rows) {
    const text = row.right?.kind === 'added' ? row.right.text : undefined;
    if (text === undefined || (moved.get(text) ?? 0) >= (removed.get(text) ?? 0)) continue;
    moved.set(text, (moved.get(text) ?? 0) + 1);
  }
  if (moved.size === 0) return rows;
  const left = new Map(moved);
  const right = new Map(moved);
  const take = (counts: Map<string, number>, text: string) => {
    const n = counts.get(text) ?? 0;
    if (n > 0) counts.set(text, n - 1);
    return n > 0;
  };
  return rows.map((row) => {
    const l = row.left?.kind === 'removed' && take(left, row.left.text);
    const r = row.right?.kind === 'added' && take(right, row.right.text);
    if (!l && !r) return row;
    return {
      ...row,
      left: l && row.left ? { text: row.left.text, kind: 'moved' } : row.left,
      right: r && row.right ? { text: row.right.text, kind: 'moved' } : row.right,
    };
  });
}

/**
 * How many characters differ between two flat records of text, counting in each field what lies
 * between the start and the end both versions share. Linear, and cheap: it says how costly a
 * comparison will be before it is made.
 */
export function changedChars(before: Record<string, string>, after: Record<string, string>): number {
  let changed = 0;
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[field] ?? '';
    const next = after[field] ?? '';
    if (old === next) continue;
    const shorter = Math.min(old.length, next.length);
    let head = 0;
    while (head < shorter && old.charCodeAt(head) === next.charCodeAt(head)) head++;
    let tail = 0;
    while (
      tail < shorter - head &&
      old.charCodeAt(old.length - 1 - tail) === next.charCodeAt(next.length - 1 - tail)
    )
      tail++;
    changed += old.length + next.length - 2 * (head + tail);
  }
  return changed;
}

/**
 * The fields that differ, each shown whole, the old version facing the new: for versions too
 * large to compare line by line.
 */
export function wholeFields(before: Record<string, string>, after: Record<string, string>): FieldDiff[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const cut = (text: string) =>
    text.length > MAX_WHOLE_CHARS
      ? { text: text.slice(0, MAX_WHOLE_CHARS), omittedChars: text.length - MAX_WHOLE_CHARS }
      : { text };
  return fields
    .filter((field) => (before[field] ?? '') !== (after[field] ?? ''))
    .map((field) => {
      const old = before[field] ?? '';
      const next = after[field] ?? '';
      return {
        field,
        isWhole: true,
        rows: [
          {
            left: old === '' ? null : { ...cut(old), kind: 'removed' },
            right: next === '' ? null : { ...cut(next), kind: 'added' },
          },
        ],
      };
    });
}
