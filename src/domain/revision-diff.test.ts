import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import {
  changedChars,
  diffFields,
  MAX_DIFF_ROWS,
  MAX_WHOLE_CHARS,
  sideBySide,
  wholeFields,
} from './revision-diff.ts';

describe('side-by-side revision diff', () => {
  it('puts a replaced line opposite its replacement', () => {
    const rows = sideBySide('one\ntwo\nthree\n', 'one\nTWO\nthree\n');
    assert.deepEqual(rows, [
      { left: { text: 'one', kind: 'same' }, right: { text: 'one', kind: 'same' } },
      { left: { text: 'two', kind: 'removed' }, right: { text: 'TWO', kind: 'added' } },
      { left: { text: 'three', kind: 'same' }, right: { text: 'three', kind: 'same' } },
    ]);
  });

  it('pads the shorter side when lines are only added', () => {
    const rows = sideBySide('a\n', 'a\nb\nc\n');
    assert.equal(rows.length, 3);
    assert.equal(rows[1]?.left, null);
    assert.deepEqual(rows[2]?.right, { text: 'c', kind: 'added' });
  });

  it('marks the words that changed within a replaced line', () => {
    const [row] = sideBySide('The levy rose by a third in 2025.', 'The levy rose by a quarter in 2025.');
    assert.deepEqual(row?.left?.segments, [
      { text: 'The levy rose by a ', isChanged: false },
      { text: 'third', isChanged: true },
      { text: ' in 2025.', isChanged: false },
    ]);
    assert.deepEqual(
      row?.right?.segments?.filter((s) => s.isChanged).map((s) => s.text),
      ['quarter'],
    );
  });

  it('marks no words when a line was rewritten whole, or changed too much to help', () => {
    const [rewritten] = sideBySide('abc def', 'xyz uvw');
    assert.equal(rewritten?.left?.segments, undefined);
    const many = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const [churned] = sideBySide(many.join(' '), many.map((w, i) => (i % 2 ? w : `${w}x`)).join(' '));
    assert.equal(churned?.right?.segments, undefined);
  });

  it('compares two rewrites of a long body in time that grows with its length, not its edits', () => {
    // 900 KB each, every paragraph changed: comparing them in full took 88 s on the event loop.
    const version = (words: string) =>
      Array.from({ length: 10_000 }, (_, i) => `Paragraph ${i} of the ${words}.`).join('\n\n');
    const before = `Kept first line.\n${version('first version, with words that stay much the same')}\nKept last.`;
    const after = `Kept first line.\n${version('second version, with words that change a little bit')}\nKept last.`;
    const started = performance.now();
    const rows = sideBySide(before, after);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `took ${Math.round(elapsed)} ms`);
    assert.deepEqual(rows[0], {
      left: { text: 'Kept first line.', kind: 'same' },
      right: { text: 'Kept first line.', kind: 'same' },
    });
    // The page is bounded: past MAX_DIFF_ROWS rows one row sums up the rest.
    assert.equal(rows.length, MAX_DIFF_ROWS + 1);
    assert.deepEqual(rows.at(-1)?.omitted?.isUnchanged, false);
    assert.equal(
      rows[1]?.left?.text,
      'Paragraph 0 of the first version, with words that stay much the same.',
    );
    assert.equal(
      rows[1]?.right?.text,
      'Paragraph 0 of the second version, with words that change a little bit.',
    );
    assert.equal(rows[1]?.right?.kind, 'added');
  });

  it('folds long unchanged stretches to three lines of context around each change', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const changed = lines.map((line, i) => (i === 50 ? 'line fifty' : line));
    const rows = sideBySide(lines.join('\n'), changed.join('\n'));
    assert.deepEqual(rows[0], { left: null, right: null, omitted: { lines: 47, isUnchanged: true } });
    assert.deepEqual(
      rows.slice(1, 8).map((row) => row.left?.text),
      ['line 47', 'line 48', 'line 49', 'line 50', 'line 51', 'line 52', 'line 53'],
    );
    assert.equal(rows[4]?.right?.text, 'line fifty');
    assert.deepEqual(rows.at(-1), { left: null, right: null, omitted: { lines: 46, isUnchanged: true } });
    assert.equal(rows.length, 9);
  });

  it('lists only the fields that changed', () => {
    const diffs = diffFields({ title: 'A', body: 'x' }, { title: 'A', body: 'y' });
    assert.deepEqual(
      diffs.map((d) => d.field),
      ['body'],
    );
  });
});

test('shows a line that moved as moved on both sides, not as removed and added', () => {
  const [authors] = diffFields(
    { Authors: 'Ana Ruiz\nBo Chen\nCy Dale' },
    { Authors: 'Bo Chen\nCy Dale\nAna Ruiz' },
  );
  const kinds = (authors?.rows ?? []).flatMap((row) => [
    row.left ? `${row.left.kind} ${row.left.text}` : '',
    row.right ? `${row.right.kind} ${row.right.text}` : '',
  ]);
  assert.ok(kinds.includes('moved Ana Ruiz'), kinds.join(' | '));
  assert.ok(!kinds.some((k) => k.startsWith('removed') || k.startsWith('added')), kinds.join(' | '));
  // A co-author swapped for another is still removed and added.
  const [swapped] = diffFields({ Authors: 'Ana Ruiz\nBo Chen' }, { Authors: 'Ana Ruiz\nDee Ng' });
  const swappedKinds = (swapped?.rows ?? []).flatMap((row) => [row.left?.kind, row.right?.kind]);
  assert.ok(swappedKinds.includes('removed') && swappedKinds.includes('added'));
  assert.ok(!swappedKinds.includes('moved'));
});

describe('changed characters and whole fields', () => {
  it('counts only what lies between the start and the end both versions share', () => {
    assert.equal(changedChars({ Body: 'abcXYZdef' }, { Body: 'abc12def' }), 5);
    assert.equal(changedChars({ Body: 'same', Title: 'a' }, { Body: 'same', Title: 'ab' }), 1);
    assert.equal(changedChars({ Body: 'aaaa' }, { Body: 'aa' }), 2);
    assert.equal(changedChars({ Title: 'new' }, {}), 3);
  });

  it('shows each changed field whole, old facing new, cut at the limit with the rest counted', () => {
    const long = 'x'.repeat(MAX_WHOLE_CHARS + 5);
    assert.deepEqual(
      wholeFields({ Title: 'Old', Body: long, Slug: 's' }, { Title: 'New', Body: '', Slug: 's' }),
      [
        {
          field: 'Title',
          isWhole: true,
          rows: [{ left: { text: 'Old', kind: 'removed' }, right: { text: 'New', kind: 'added' } }],
        },
        {
          field: 'Body',
          isWhole: true,
          rows: [
            { left: { text: long.slice(0, MAX_WHOLE_CHARS), omittedChars: 5, kind: 'removed' }, right: null },
          ],
        },
      ],
    );
  });
});
