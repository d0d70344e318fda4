import { diffLines } from 'diff';

/** One row of a side-by-side comparison: the old line on the left, the new on the right. */
export interface DiffRow {
  left: { text: string; kind: 'same' | 'removed' } | null;
  right: { text: string; kind: 'same' | 'added' } | null;
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
      rows.push({
        left: left === undefined ? null : { text: left, kind: 'removed' },
        right: right === undefined ? null : { text: right, kind: 'added' },
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
