import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvCell, toCsv } from './csv.ts';

describe('csv', () => {
  test('quotes cells with commas, quotes and line breaks, doubling quotes', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a, b'), '"a, b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(null), '');
  });

  test('keeps a spreadsheet from running a cell as a formula', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) {
      assert.ok(csvCell(text).replace(/^"/, '').startsWith("'"), text);
    }
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(-3), '-3', 'numbers stay numbers');
  });

  test('writes a header row and CRLF line ends', () => {
    assert.equal(toCsv(['day', 'views'], [['2026-11-20', 4]]), 'day,views\r\n2026-11-20,4\r\n');
  });
});
