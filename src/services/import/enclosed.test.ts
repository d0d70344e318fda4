import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaceEnclosed } from './enclosed.ts';

const bold = (text: string) =>
  replaceEnclosed(
    text,
    /\[b\]/g,
    () => /\[\/b\]/,
    (_match, enclosed) => (enclosed ? { text: `<b>${enclosed.inner}</b>`, end: enclosed.end } : null),
  );

test('pairs each opening tag with the first closing tag after it, as a lazy expression would', () => {
  assert.equal(bold('a [b]one[/b] and [b]two[/b]'), 'a <b>one</b> and <b>two</b>');
  // Same-name nesting pairs the outer opening tag with the inner closing one; the rest stays.
  assert.equal(bold('[b][b]x[/b][/b]'), '<b>[b]x</b>[/b]');
  assert.equal(bold('[b] first, then [b]second[/b]'), '<b> first, then [b]second</b>');
  assert.equal(bold('[b]closed[/b] then [b] unclosed'), '<b>closed</b> then [b] unclosed');
  assert.equal(bold('[/b] before [b]'), '[/b] before [b]');
  assert.equal(bold('no tags'), 'no tags');
});

test('closing patterns may depend on the opening tag, and a replacement may reach past the closing tag', () => {
  const out = replaceEnclosed(
    '[x]1[/x]] [y]2[/x][/y]',
    /\[(\w)\]/g,
    (match) => new RegExp(`\\[\\/${match[1]}\\]`),
    (match, enclosed) => {
      if (!enclosed) return null;
      const end = match.input[enclosed.end] === ']' ? enclosed.end + 1 : enclosed.end;
      return { text: `(${match[1]}:${enclosed.inner})`, end };
    },
  );
  assert.equal(out, '(x:1) (y:2[/x])');
});

test('takes time in proportion to the text when no opening tag is closed', () => {
  // The lazy expression this replaces took minutes here: each of 200,000 opening tags read to the end.
  const text = '[b] '.repeat(200_000);
  const started = performance.now();
  assert.equal(bold(text), text);
  assert.ok(performance.now() - started < 10_000);
});
