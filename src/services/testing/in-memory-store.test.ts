import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryStore } from './in-memory-store.ts';

test('the in-memory store names a repository it does not hold, inside a transaction too', async () => {
  const store = createMemoryStore();
  assert.throws(() => store.sessions, /no "sessions" repository/);
  await assert.rejects(
    store.transaction(async (repos) => repos.media.listAll()),
    /no "media" repository/,
  );
  assert.throws(() => store.archive, /no archive/);
});

test('the in-memory store refuses a transaction inside another instead of pretending to nest it', async () => {
  const store = createMemoryStore();
  await assert.rejects(
    store.transaction(() => store.transaction(async () => 1)),
    /nested transactions/,
  );
});
