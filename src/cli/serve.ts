import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the web server (PORT, HOST, DATABASE_URL, SITE_URL configure it)')
    .option('--no-demo', 'do not load the demo publication into an empty database')
    .action(async (options: { demo: boolean }) => {
      const { startServer } = await import('../main.ts');
      await startServer({ shouldSeedDemo: options.demo });
    });
}
