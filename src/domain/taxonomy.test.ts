import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ancestorsOf, type Term, wouldCreateCycle } from './taxonomy.ts';

test('refuses to move a term under its own child', () => {
  const parents = new Map<number, number | null>([
    [1, null],
    [2, 1],
    [3, 2],
  ]);
  assert.equal(wouldCreateCycle(1, 3, parents), true);
  assert.equal(wouldCreateCycle(1, 1, parents), true);
  assert.equal(wouldCreateCycle(3, 1, parents), false);
  assert.equal(wouldCreateCycle(2, null, parents), false);
});

test('lists ancestors root first', () => {
  const term = (id: number, parentId: number | null): Term => ({
    id,
    parentId,
    taxonomyId: 1,
    slug: `t${id}`,
    name: `T${id}`,
    description: null,
    descriptionHtml: null,
    position: 0,
  });
  const byId = new Map([term(1, null), term(2, 1), term(3, 2)].map((t) => [t.id, t]));
  assert.deepEqual(
    ancestorsOf(byId.get(3)!, byId).map((t) => t.id),
    [1, 2],
  );
});
