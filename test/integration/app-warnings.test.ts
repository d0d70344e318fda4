import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { createTestWiring } from '../helpers/databases.ts';

// A warning printed at every start (the framework's about an error handler set twice in one
// scope, say) is noise an operator learns to ignore, until one matters.
test('building the app raises no warning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  const t = await createTestWiring('sqlite');
  try {
    const app = await buildApp(t.wiring, { shouldLog: false });
    await app.ready();
    await app.close();
    // Warnings are emitted on a later turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
    await t.cleanup();
  }
  assert.deepEqual(warnings, []);
});
