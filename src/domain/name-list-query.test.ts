import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCursor } from './article-list-query.ts';
import { parseNameListQuery } from './name-list-query.ts';

describe('parseNameListQuery', () => {
  it('reads an empty query as the first page in the site’s order', () => {
    assert.deepEqual(parseNameListQuery({}), { filters: { sort: 'position' }, errors: [] });
  });

  it('lists a search by name, whatever order was asked, since its matches are one range of that index', () => {
    assert.deepEqual(parseNameListQuery({ q: '  east   eu ', sort: 'updated' }).filters, {
      sort: 'name',
      text: 'east eu',
    });
  });

  it('names the field of a wrong order, a long search or a cursor that is no page', () => {
    const fields = (raw: Parameters<typeof parseNameListQuery>[0]) =>
      parseNameListQuery(raw).errors.map((e) => e.field);
    assert.deepEqual(fields({ sort: 'size' }), ['sort']);
    assert.deepEqual(fields({ q: 'x'.repeat(201) }), ['q']);
    assert.deepEqual(fields({ after: 'not-a-cursor' }), ['after']);
    // A site-order page starts after a position: a word there is not one.
    assert.deepEqual(fields({ after: encodeCursor({ key: 'Europe', id: 3 }) }), ['after']);
    assert.deepEqual(fields({ sort: 'name', after: encodeCursor({ key: 'europe', id: 3 }) }), []);
  });
});
