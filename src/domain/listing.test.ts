import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeListingPosition, encodeListingPosition } from './listing.ts';

describe('listing positions in URLs', () => {
  test('a position comes back from its cursor, which is URL-safe', () => {
    const position = { at: '2026-11-20T11:00:00.000Z', id: 123_456 };
    const cursor = encodeListingPosition(position);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeListingPosition(cursor), position);
  });

  test('refuses another spelling of the same position, so each page has one URL', () => {
    const cursor = encodeListingPosition({ at: '2026-11-20T11:00:00.000Z', id: 7 });
    assert.equal(decodeListingPosition(`${cursor}=`), undefined);
    // base64url ignores the low bits of a last character that carries only part of a byte.
    const last = cursor.at(-1) ?? '';
    const sibling = `${cursor.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) + 1)}`;
    assert.deepEqual(Buffer.from(sibling, 'base64url'), Buffer.from(cursor, 'base64url'));
    assert.equal(decodeListingPosition(sibling), undefined);
    assert.equal(
      decodeListingPosition(encodeListingPosition({ at: '2026-11-20T11:00:00.000Z', id: 7 }).toLowerCase()),
      undefined,
    );
  });

  test('refuses what this site never writes', () => {
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const text of [
      '',
      '2026-11-20T11:00:00.000Z',
      '2026-11-20T11:00:00.000Z|0',
      '2026-11-20T11:00:00.000Z|07',
      '2026-11-20T11:00:00.000Z|-1',
      '2026-11-20T11:00:00.000Z|1.5',
      '2026-11-20T11:00:00.000Z|99999999999999999',
      '|7',
      `${'9'.repeat(33)}|7`,
      '2026|11|7',
      '2026-11-20\n|7',
    ])
      assert.equal(decodeListingPosition(encode(text)), undefined, JSON.stringify(text));
    assert.equal(decodeListingPosition('not a cursor!'), undefined);
    assert.equal(decodeListingPosition('A'.repeat(500)), undefined);
  });
});
