#!/usr/bin/env node
// Runs every test (unit tests beside the code, integration and end-to-end under test/)
// with Node's own test runner. Extra arguments narrow the run: `npm test -- src/domain`.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`Tests need Node.js 22.18 or newer (24 recommended); this is ${process.versions.node}.`);
  process.exit(1);
}

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
