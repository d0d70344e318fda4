import type { Command } from 'commander';
import { Errors } from '../errors.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the web server (PORT, HOST, DATABASE_URL, SITE_URL configure it)')
    .option('--no-demo', 'do not load the demo publication into an empty database')
    .option(
      '--workers <count>',
      'server processes sharing the port, about one per CPU core (PRESSROOM_SERVER__WORKERS; default 1)',
    )
    .action(async (options: { demo: boolean; workers?: string }) => {
      const { startServer } = await import('../main.ts');
      await startServer({ shouldSeedDemo: options.demo, workers: parseWorkers(options.workers) });
    });
}

function parseWorkers(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  const count = Number(given);
  if (!/^\d+$/.test(given) || count < 1 || count > 64)
    throw Errors.USAGE_INVALID({ reason: `--workers must be a whole number from 1 to 64, not "${given}".` });
  return count;
}
