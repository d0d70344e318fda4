import assert from 'node:assert/strict';
import { test } from 'node:test';
import { footnotesToAnchors } from './markdown-footnotes.ts';

test('links Markdown footnotes to anchored notes, numbered across one body', () => {
  const counter = { next: 1 };
  assert.equal(
    footnotesToAnchors('One[^a] and two[^b].\n\n[^b]: Second.\n[^a]: First,\n    on two lines.', counter),
    'One[<span id="fnref1"></span>\\[1\\]](#fn1) and two[<span id="fnref2"></span>\\[2\\]](#fn2).\n\n' +
      '1. <span id="fn1"></span>First,\n   on two lines. [↩︎](#fnref1)\n' +
      '2. <span id="fn2"></span>Second. [↩︎](#fnref2)',
  );
  assert.match(footnotesToAnchors('Again[^a].\n\n[^a]: Third.', counter), /#fn3\)\.\n\n3\. <span id="fn3">/);
});

test('leaves code, and references without a note, as written', () => {
  const source = '```\nx[^a]\n[^a]: in code\n```\n\nUse `y[^a]` or z[^none][^a].\n\n[^a]: Note.';
  const result = footnotesToAnchors(source, { next: 1 });
  assert.match(
    result,
    /^```\nx\[\^a\]\n\[\^a\]: in code\n```\n\nUse `y\[\^a\]` or z\[\^none\]\[<span id="fnref1">/,
  );
  assert.match(result, /1\. <span id="fn1"><\/span>Note\./);
  assert.equal(footnotesToAnchors('No notes[^x] here.', { next: 1 }), 'No notes[^x] here.');
});

test('gives each reference to one note an id of its own, linked back from the note; a note never referred to links nowhere', () => {
  const result = footnotesToAnchors('A[^a], b[^a], c[^a].\n\n[^a]: Note.\n[^z]: Alone.', { next: 1 });
  const ids = [...result.matchAll(/id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['fnref1', 'fnref1-2', 'fnref1-3', 'fn1', 'fn2']);
  assert.match(result, /Note\. \[↩︎\]\(#fnref1\) \[↩︎ 2\]\(#fnref1-2\) \[↩︎ 3\]\(#fnref1-3\)\n/);
  assert.match(result, /2\. <span id="fn2"><\/span>Alone\.$/);
});
