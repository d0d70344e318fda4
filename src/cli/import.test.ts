import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyReport } from '../domain/migration-report.ts';
import { rolledBackReport } from '../services/import/session.ts';
import { printMigrationReport } from './import.ts';

test('the report prints what failed under its own heading, not among what was skipped on purpose', () => {
  const report = emptyReport('wordpress:example.org');
  report.counts.article.skipped = 1;
  report.counts.article.failed = 1;
  report.skipped.push(
    { kind: 'article', ref: 'post 3 "Old draft"', reason: 'status "trash" is not imported' },
    {
      kind: 'article',
      ref: 'post 4 "Leap"',
      reason: 'post_date "2021-02-30 10:00:00" is not a real date',
      isFailed: true,
    },
  );
  report.items.push(
    {
      kind: 'item',
      id: '3',
      title: 'Old draft',
      outcome: 'skipped',
      reason: 'status "trash" is not imported',
    },
    { kind: 'item', id: '4', title: 'Leap', outcome: 'failed', reason: 'post_date is not a real date' },
  );
  const out: string[] = [];
  const err: string[] = [];
  const failures = printMigrationReport(report, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  assert.equal(failures, 1);
  const skippedAt = out.indexOf('Skipped:');
  const failedAt = out.indexOf('Failed:');
  assert.ok(skippedAt >= 0 && failedAt > skippedAt, out.join('\n'));
  assert.deepEqual(out.slice(skippedAt, failedAt), [
    'Skipped:',
    '  article post 3 "Old draft": status "trash" is not imported',
  ]);
  assert.equal(
    out[failedAt + 1],
    '  article post 4 "Leap": post_date "2021-02-30 10:00:00" is not a real date',
  );
  assert.match(err.join('\n'), /FAILED {2}item 4 "Leap"/);
});

test('a strict import stopped by a signal says it was stopped and nothing was imported, not that 0 items failed', () => {
  const stopped = emptyReport('wordpress:example.org');
  stopped.counts.article.imported = 10;
  stopped.stoppedBy = 'SIGINT after 10 of 600 items';
  stopped.warnings.push('post 7 "Tides": the feature image\'s caption is not kept');
  const report = rolledBackReport(stopped, 0);
  const out: string[] = [];
  const err: string[] = [];
  printMigrationReport(report, { out: (line) => out.push(line), err: (line) => err.push(line) });
  assert.deepEqual(err, [
    'Nothing was imported from wordpress:example.org: the import was stopped by SIGINT after 10 of 600 items and --strict was given.',
  ]);
  assert.doesNotMatch(err.join('\n'), /0 item\(s\) failed/);
  // The notes made before the stop are in the summary.
  assert.ok(out.includes('  post 7 "Tides": the feature image\'s caption is not kept'), out.join('\n'));
});
