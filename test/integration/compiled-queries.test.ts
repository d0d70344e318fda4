import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { camelCased } from '../../src/storage/camel-case.ts';
import { runCompiled } from '../../src/storage/compiled-query.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`queries compiled once and run again on ${kind}`, () => {
    let t: TestWiring;

    before(async () => {
      t = await createTestWiring(kind);
      const { db } = t.wiring.database;
      await db
        .insertInto('settings')
        .values(
          Array.from({ length: 80 }, (_, i) => ({
            key: `compiled-test-${i}`,
            value: `value ${i}`,
            updated_at: '2026-11-20T12:00:00.000Z',
          })),
        )
        .execute();
    });

    after(() => t.cleanup());

    const keysOf = (rows: { key: string }[]) => rows.map((r) => r.key).sort();

    test('each run binds its own values, not the first run’s', async () => {
      const { db } = t.wiring.database;
      const byKey = (key: string) =>
        runCompiled(db, 'test: setting by key', [key], ([value]) =>
          db
            .selectFrom('settings')
            .select(['key', 'value'])
            .where('key', '=', value as string),
        );
      assert.deepEqual(await byKey('compiled-test-3'), [{ key: 'compiled-test-3', value: 'value 3' }]);
      assert.deepEqual(await byKey('compiled-test-7'), [{ key: 'compiled-test-7', value: 'value 7' }]);
      assert.deepEqual(await byKey('no such key'), []);
    });

    test('a list is a shape per length, and long lists are built as usual', async () => {
      const { db } = t.wiring.database;
      const byKeys = (keys: string[]) =>
        runCompiled(db, 'test: settings by keys', keys, (values) =>
          db
            .selectFrom('settings')
            .select('key')
            .where('key', 'in', values as string[]),
        );
      for (const length of [1, 2, 3, 2, 1, 64, 65, 80]) {
        const keys = Array.from({ length }, (_, i) => `compiled-test-${(i * 7 + length) % 80}`);
        assert.deepEqual(keysOf(await byKeys(keys)), [...new Set(keys)].sort(), `${length} keys`);
      }
    });

    test('constants of the query stay where they were; values may repeat and come in any order', async () => {
      const { db } = t.wiring.database;
      const between = (low: string, high: string) =>
        runCompiled(db, 'test: settings between', [low, high], ([from, to]) =>
          db
            .selectFrom('settings')
            .select('key')
            .where('key', 'like', 'compiled-test-%')
            .where('key', '>=', from as string)
            .where('key', '<=', to as string)
            .where('key', '<>', to as string),
        );
      assert.deepEqual(keysOf(await between('compiled-test-10', 'compiled-test-12')), [
        'compiled-test-10',
        'compiled-test-11',
      ]);
      assert.deepEqual(keysOf(await between('compiled-test-70', 'compiled-test-72')), [
        'compiled-test-70',
        'compiled-test-71',
      ]);
    });

    test('a plugin’s query (camel case) is a shape of its own, its rows renamed', async () => {
      const { db } = t.wiring.database;
      const camel = camelCased(db);
      const [row] = await runCompiled(camel, 'test: corrections shape', [1], ([id]) =>
        camel.selectFrom('settings').select(['key', 'value']).where('key', '=', `compiled-test-${id}`),
      ).catch((error: Error) => [error]);
      // The value is looked at (put into a string), not bound: refused, not run with stale SQL.
      assert.ok(row instanceof Error && /1 values given, 0 bound/.test(row.message), String(row));
      const rows = await runCompiled(camel, 'test: camel by key', ['compiled-test-5'], ([key]) =>
        camel
          .selectFrom('corrections')
          .select(['articleId', 'createdAt'])
          .where('note', '=', key as string),
      );
      assert.deepEqual(rows, []);
    });

    test('in a transaction, the same compiled query sees the transaction’s writes', async () => {
      const { db } = t.wiring.database;
      const settingValue = async (runner: typeof db, key: string) =>
        (
          await runCompiled(runner, 'test: value of', [key], ([k]) =>
            runner
              .selectFrom('settings')
              .select('value')
              .where('key', '=', k as string),
          )
        )[0]?.value;
      assert.equal(await settingValue(db, 'compiled-test-1'), 'value 1');
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('settings')
          .set({ value: 'changed' })
          .where('key', '=', 'compiled-test-1')
          .execute();
        assert.equal(await settingValue(trx, 'compiled-test-1'), 'changed');
      });
      assert.equal(await settingValue(db, 'compiled-test-1'), 'changed');
    });
  });
}
