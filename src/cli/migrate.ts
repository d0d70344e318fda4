import type { Command } from 'commander';
import { Errors } from '../errors.ts';
import { migrateToLatest, openDatabase } from '../storage/database.ts';
import { cliConfig, stdio } from './runtime.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (the server also does this at start)')
    .action(async () => {
      const { config } = cliConfig();
      const database = openDatabase({ url: config.database.url });
      try {
        const report = await migrateToLatest(database);
        if (report.applied.length === 0 && !report.failed)
          stdio.out(`${database.displayUrl}: already up to date.`);
        for (const name of report.applied) stdio.out(`applied ${name}`);
        if (report.failed) {
          throw Errors.DATABASE_UNAVAILABLE({
            reason: `migration ${report.failed.name} failed: ${report.failed.message}`,
          });
        }
      } finally {
        await database.close();
      }
    });
}
