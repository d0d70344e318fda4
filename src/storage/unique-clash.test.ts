import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniqueClash, uniqueClashColumns } from './unique-clash.ts';

function withCode(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

test('reads the columns of the unique index a write broke, on SQLite and PostgreSQL', () => {
  assert.deepEqual(
    uniqueClashColumns(
      withCode('UNIQUE constraint failed: terms.taxonomy_id, terms.slug', 'SQLITE_CONSTRAINT_UNIQUE'),
    ),
    ['taxonomy_id', 'slug'],
  );
  assert.deepEqual(
    uniqueClashColumns(
      withCode('duplicate key value violates unique constraint "people_slug_key"', '23505', {
        detail: 'Key (slug)=(ada) already exists.',
      }),
    ),
    ['slug'],
  );
  assert.equal(uniqueClashColumns(withCode('no such table', 'SQLITE_ERROR')), undefined);
  assert.equal(uniqueClashColumns('UNIQUE'), undefined);
});

test('a lost race is a conflict naming the field, with the driver’s error kept as cause', () => {
  const raw = withCode('UNIQUE constraint failed: users.email', 'SQLITE_CONSTRAINT_UNIQUE');
  const error = uniqueClash(raw);
  assert.equal(error?.code, 'ALREADY_IN_USE');
  assert.equal(error?.kind, 'conflict');
  assert.deepEqual(error?.details, [{ field: 'email', message: 'is already in use' }]);
  assert.equal(error?.cause, raw);
});
