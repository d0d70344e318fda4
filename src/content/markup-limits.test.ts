import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_MARKUP_CHARS,
  MAX_MARKUP_DEPTH,
  markupDepth,
  markupProblem,
  tableCells,
} from './markup-limits.ts';

test('counts how deeply tags nest, closing siblings and void elements as a parser would', () => {
  assert.equal(markupDepth('<p>a</p><p>b</p>'), 1);
  assert.equal(markupDepth('<ul><li>a<li>b<li>c</ul>'), 2);
  assert.equal(markupDepth('<div><span><em>x</em></span></div>'), 3);
  assert.equal(markupDepth('a<br><br><img src=x><hr/>'), 0);
  assert.equal(markupDepth('x < y and y > z'), 0);
  assert.equal(markupDepth('<span>'.repeat(500)), MAX_MARKUP_DEPTH + 1, 'stops counting past the limit');
});

test('refuses deep nesting in linear time, even with tags that never end', () => {
  const started = performance.now();
  assert.match(markupProblem('<span>'.repeat(300_000)) ?? '', /nested more than 100 levels/);
  assert.equal(markupProblem('<a '.repeat(300_000)), undefined);
  assert.equal(markupProblem(`${'<a '.repeat(300_000)}>`), undefined);
  assert.equal(markupProblem('<span>x</span>'.repeat(100_000)), undefined);
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
});

test('refuses text longer than any article body before looking at its markup', () => {
  assert.equal(markupProblem('x'.repeat(MAX_MARKUP_CHARS)), undefined);
  assert.match(
    markupProblem(`${'x'.repeat(MAX_MARKUP_CHARS)}<`) ?? '',
    /too long: 2,000,001 characters, at most 2,000,000/,
  );
});

test('a self-closing slash on an element that is not void still opens it, as HTML parsers read it', () => {
  assert.equal(markupDepth('<b/><i/>x'), 2);
  assert.equal(markupDepth('<br/><hr />'), 0);
  assert.match(markupProblem('<b/>'.repeat(30_000)) ?? '', /nested more than 100 levels/);
});

test('counts the cells Markdown tables would make, each row as wide as its header', () => {
  assert.equal(tableCells('| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 |\n\nAfter.'), 6);
  assert.equal(tableCells('No table - at all | here'), 0);
  const wide = `|${'a|'.repeat(200)}\n|${'-|'.repeat(200)}\n${'a\n'.repeat(327)}\n`;
  assert.ok(wide.repeat(21).length < 32_000);
  assert.match(markupProblem(wide.repeat(21)) ?? '', /tables of more than 100,000 cells/);
});
