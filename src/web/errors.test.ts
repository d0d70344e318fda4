import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../errors.ts';
import { REQUEST_ERRORS } from './errors.ts';

test('docs/errors.md lists exactly the codes of refused requests, each with its one status', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
  const documented = Object.fromEntries(rows);
  assert.equal(rows.length, Object.keys(documented).length, 'a code is listed twice');
  assert.deepEqual(Object.keys(documented).sort(), Object.keys(REQUEST_ERRORS).sort());
  for (const [code, { status }] of Object.entries(REQUEST_ERRORS))
    assert.equal(documented[code], status, code);
});

test("the codes of refused requests are not the catalogue's, and none is the framework's", () => {
  for (const code of Object.keys(REQUEST_ERRORS)) {
    assert.ok(!(ERROR_CODES as string[]).includes(code), `${code} is in both lists`);
    assert.doesNotMatch(code, /^FST_/);
  }
});
