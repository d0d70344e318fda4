import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.ts';
import { isAppError } from './errors.ts';

test('a wrong choice of value names the allowed values once', () => {
  assert.throws(
    () => loadConfig({ env: { PRESSROOM_LOG__LEVEL: 'loud' } }),
    (error: unknown) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.deepEqual(error.details, [
        { field: 'log.level', message: 'must be one of fatal, error, warn, info, debug, trace, silent' },
      ]);
      return true;
    },
  );
});

test('a port that is not a number is named by field', () => {
  assert.throws(
    () => loadConfig({ env: { PORT: 'abc' } }),
    (error: unknown) => isAppError(error) && /server\.port/.test(error.message),
  );
});
