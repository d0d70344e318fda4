import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AppError, ERROR_CODES } from './errors.ts';

test('docs/errors.md lists exactly the codes the code can raise', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, [...ERROR_CODES].sort());
});

test('keeps the cause of a wrapped error', () => {
  const cause = new Error('disk full');
  const error = new AppError({ code: 'IMPORT_FAILED', kind: 'invalid', message: 'Cannot import', cause });
  assert.equal(error.cause, cause);
  assert.equal(error.kind, 'invalid');
});
