import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchQuery } from '../domain/search-query.ts';
import { fts5Expression } from './search-index.ts';

test('an FTS5 expression holds only quoted words, whatever the reader typed', () => {
  const query = parseSearchQuery(`'; DROP TABLE x; -- NEAR(a b) {title}: c^ "`);
  assert.equal(fts5Expression(query).includes(';'), false);
  assert.match(fts5Expression(query), /^"drop" AND "table"/);
  assert.equal(fts5Expression(parseSearchQuery('"water ledger" basin*')), '"water ledger" AND "basin"*');
});
