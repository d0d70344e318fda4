import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_MARKUP_CHARS,
  MAX_MARKUP_DEPTH,
  MAX_TABLE_CELLS,
  markupDepth,
  markupProblem,
  markupShape,
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
  assert.match(
    markupProblem(wide.repeat(21)) ?? '',
    /tables of 1,377,600 cells in all, more than the 50,000 a text may have/,
  );
});

test('counts HTML table cells with Markdown ones, against one limit', () => {
  const htmlTable = (rows: number, columns: number) =>
    `<table>${`<tr>${'<td>x</td>'.repeat(columns)}</tr>`.repeat(rows)}</table>`;
  assert.equal(markupShape(htmlTable(3, 4)).htmlCells, 12);
  assert.equal(markupShape('<table><tr><th>a<th>b<tr><td>1<td>2</table>').htmlCells, 4);
  assert.equal(markupProblem(htmlTable(200, 200)), undefined, '40,000 cells');
  assert.match(
    markupProblem(htmlTable(400, 400)) ?? '',
    /^has tables of 160,000 cells in all, more than the 50,000 a text may have/,
  );
  const markdown = `| a | b |\n| --- | --- |\n${'| 1 | 2 |\n'.repeat(20_000)}`;
  assert.equal(tableCells(markdown), 40_002);
  assert.equal(markupProblem(markdown), undefined);
  assert.match(markupProblem(`${markdown}\n${htmlTable(100, 100)}`) ?? '', /tables of 50,002 cells/);
  assert.equal(MAX_TABLE_CELLS, 50_000);
});

test('reads table rows and cells left open as a parser does, not as nesting', () => {
  const rows = `<table>${'<tr><td>a<td>b<th>c'.repeat(1000)}</table>`;
  assert.equal(markupDepth(rows), 3);
  assert.equal(markupDepth('<table><thead><tr><th>a<tbody><tr><td>1</table>'), 4);
  // A row's start closes only what its own table holds open: nested tables keep their depth.
  assert.equal(markupDepth('<table><tr><td><table><tr><td>x<tr><td>y</table></table>'), 6);
  assert.equal(markupProblem(rows), undefined);
});

test('finds tables in CRLF text, and tests blank lines in linear time', () => {
  assert.equal(tableCells('| a | b |\r\n| --- | --- |\r\n| 1 | 2 |\r\n'), 4);
  const started = performance.now();
  // Each line's attempt once read on through every blank line after it: 40,000 took 1.5 s.
  for (const blank of ['\n', ' \n', '\r\n', '\t\n']) tableCells(blank.repeat(50_000));
  assert.equal(tableCells(`${'\n'.repeat(50_000)}|a|\n|-|\n|b|`), 2);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 500, `took ${Math.round(elapsed)} ms`);
});

test('autolinks are not open tags: a body of many paragraphs with one each is not nested', () => {
  for (const autolink of [
    '<https://example.org/a>',
    '<ana@example.org>',
    '<first.last+x@example.org>',
    '<mailto:a@b.org>',
  ]) {
    const body = Array.from({ length: 150 }, (_, i) => `Paragraph ${i}, see ${autolink}.`).join('\n\n');
    assert.equal(markupProblem(body), undefined, autolink);
    assert.equal(markupDepth(body), 0, autolink);
  }
  // Tags whose name is followed by attributes, a line end or a slash still count.
  assert.equal(markupDepth('<span class="x"><em\n>a<b/>'), 3);
});

test("counted as a browser nests them, tags a browser closes by itself are no nesting; the sanitizer's count stays strict", () => {
  const legacy = [
    '<p><font face="Arial">line\n'.repeat(150),
    '<p><b>line\n'.repeat(150),
    '<p><span>line\n'.repeat(150),
    `<ul>${'<li><a href="/x">item\n'.repeat(150)}</ul>`,
    `<dl>${'<dt><i>term<dd><em>definition\n'.repeat(150)}</dl>`,
  ];
  for (const text of legacy) {
    const line = text.slice(0, 30);
    assert.ok(markupShape(text, MAX_MARKUP_DEPTH, 'browser').depth <= 6, line);
    assert.equal(markupProblem(text, 'browser'), undefined, line);
    // htmlparser2, under the sanitizer, closes a <p> only when it is the innermost open element.
    assert.match(markupProblem(text) ?? '', /nested more than 100 levels/, line);
  }
  // What browsers nest, they nest: a paragraph does not close across a table cell, nor a list
  // item across a nested list, and 200 spans are 200 levels in any parser.
  assert.equal(markupShape('<td><p><b>x<td><p>y', MAX_MARKUP_DEPTH, 'browser').depth, 3);
  assert.equal(markupShape('<ul><li>a<ul><li>b<li>c</ul></ul>', MAX_MARKUP_DEPTH, 'browser').depth, 4);
  assert.match(markupProblem('<span>'.repeat(200), 'browser') ?? '', /nested more than 100 levels/);
  assert.match(markupProblem('<div><p>'.repeat(200), 'browser') ?? '', /nested more than 100 levels/);
});
