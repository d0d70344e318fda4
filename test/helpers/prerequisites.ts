import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

/** Set (CI=true) where CI runs the suite: there nothing may be skipped for want of a tool or fixture. */
export const IS_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

/**
 * The reason a suite cannot run here, as the `skip` option takes it, or undefined when it can.
 * Where CI is set, a suite that would skip fails instead (CI must not go green by skipping).
 */
export function skipUnlessCI(missing: string | undefined): string | undefined {
  if (missing && IS_CI)
    throw new Error(`${missing}; CI runs every suite, so this is a failure (unset CI to skip)`);
  return missing;
}

/** Skips the running test because `missing`, or fails it where CI is set. */
export function skipOrFail(t: TestContext, missing: string): void {
  if (IS_CI) assert.fail(`${missing}; CI runs every test, so this is a failure (unset CI to skip)`);
  t.skip(missing);
}
