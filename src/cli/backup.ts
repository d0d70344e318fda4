import type { Command } from 'commander';
import { dataPath } from '../config.ts';
import { backupDatabase, restoreDatabase } from '../services/backup.ts';
import { printMigrationReport } from './import.ts';
import { stdio, withWiring } from './runtime.ts';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      'make a consistent backup while the site is serving (SQLite: a copy of the database file; PostgreSQL: the JSON export)',
    )
    .option('-o, --output <file>', 'where to write it (default: <data>/backups/pressroom-<time>.db or .json)')
    .action(async (flags: { output?: string }) => {
      const result = await withWiring((wiring) =>
        backupDatabase(wiring, {
          ...(flags.output ? { output: flags.output } : {}),
          backupDir: dataPath(wiring.config, 'backups'),
        }),
      );
      stdio.out(
        `Backup written to ${result.file} (${result.kind === 'sqlite' ? 'SQLite database' : 'JSON export'})`,
      );
    });
  program
    .command('restore')
    .description('restore a backup made by `pressroom backup` (or a JSON export); stop the server first')
    .argument('<file>', 'a .db backup (SQLite only) or a .json export')
    .option('--force', 'replace a database that already holds content')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  pressroom restore data/backups/pressroom-2026-01-31T10-00-00-000Z.db --force',
        '  DATABASE_URL=sqlite:./data/new.db pressroom restore site.json   # into an empty database',
      ].join('\n'),
    )
    .action(async (file: string, flags: { force?: boolean }) => {
      const result = await withWiring((wiring) =>
        restoreDatabase(wiring, file, { force: flags.force === true }),
      );
      const failures = result.report ? printMigrationReport(result.report) : 0;
      stdio.out(`Restored ${file}${failures > 0 ? `, except the ${failures} item(s) above` : ''}.`);
      if (failures > 0) process.exitCode = 1;
    });
}
