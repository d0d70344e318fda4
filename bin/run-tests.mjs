#!/usr/bin/env node
// Runs every test (unit tests beside the code, integration and end-to-end under test/)
// with Node's own test runner. Extra arguments narrow the run: `npm test -- src/domain`.
// On a Node too old for our TypeScript it re-runs itself on the Node 24 npm installed beside the code.
import { spawnSync } from 'node:child_process';
import { bundledNode, isSupportedNode, nodeTooOldMessage, runOn, watchParent } from './node-runtime.mjs';

const node = isSupportedNode() ? process.execPath : bundledNode();
if (!node) {
  process.stderr.write(nodeTooOldMessage('The tests need'));
  process.exit(1);
} else if (node !== process.execPath) {
  runOn(node, process.argv.slice(1));
} else {
  // Started by runOn: the tests end with that process, and the servers and imports they start
  // are not told to watch it (they would take it for their own parent and stop at once).
  watchParent();
  // Imported here: an old Node's node:fs has no globSync.
  const { globSync } = await import('node:fs');
  const filters = process.argv.slice(2);
  const files = globSync(['src/**/*.test.ts', 'test/**/*.test.ts'])
    .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
    .sort();
  if (files.length === 0) {
    console.error('No test files matched.');
    process.exit(1);
  }
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=2', '--test-reporter=spec', '--test-timeout=120000', ...files],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
