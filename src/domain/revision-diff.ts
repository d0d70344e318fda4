import { diffLines, diffWordsWithSpace } from 'diff';

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
  left: { text: string; kind: 'same' | 'removed'; segments?: DiffSegment[] } | null;
  right: { text: string; kind: 'same' | 'added'; segments?: DiffSegment[] } | null;
}

/** Past this many edits a line counts as rewritten: marking every other word helps no one. */
const MAX_WORD_EDITS = 200;

/** The words of a line and its replacement, marked where they differ; null when too different to help. */
export function wordSegments(
  before: string,
  after: string,
): { left: DiffSegment[]; right: DiffSegment[] } | null {
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
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Side-by-side rows for two texts: unchanged lines face each other, removed lines face added
 * ones where they replace them, and the shorter side of a change is padded with gaps.
 */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let removed: string[] = [];
  const flush = (added: string[]) => {
    const count = Math.max(removed.length, added.length);
    for (let i = 0; i < count; i++) {
      const left = removed[i];
      const right = added[i];
      const words = left !== undefined && right !== undefined ? wordSegments(left, right) : null;
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
  for (const part of diffLines(before, after)) {
    const lines = splitLines(part.value);
    if (part.removed) {
      removed.push(...lines);
    } else if (part.added) {
      flush(lines);
    } else {
      flush([]);
      for (const line of lines)
        rows.push({ left: { text: line, kind: 'same' }, right: { text: line, kind: 'same' } });
    }
  }
  flush([]);
  return rows;
}

/** The fields that differ between two flat records of text, each as side-by-side rows. */
export function diffFields(before: Record<string, string>, after: Record<string, string>): FieldDiff[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => (before[field] ?? '') !== (after[field] ?? ''))
    .map((field) => ({ field, rows: sideBySide(before[field] ?? '', after[field] ?? '') }));
}
