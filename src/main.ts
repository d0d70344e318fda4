import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { jobRunnerFor } from './jobs/job-runner-for.js';
import { createLogger } from './logger.js';
import { isPublicationEmpty, seedDemo } from './services/demo.js';
import { ensurePublishJobs } from './services/newsroom/workflow.js';
import { createWiring } from './wiring.js';

/** Starts the server: config, database (migrated), demo content on first run, then listen. */
export async function startServer(options: { shouldSeedDemo?: boolean } = {}): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  const wiring = await createWiring({ config, log });
  if ((options.shouldSeedDemo ?? true) && config.demo.seedOnFirstRun && (await isPublicationEmpty(wiring))) {
    const report = await seedDemo(wiring);
    log.info(
      { created: report.created, failed: report.failed },
      'demo publication loaded into the empty database',
    );
  }
  const app = await buildApp(wiring);
  // Scheduled articles publish from a durable job table, so a restart loses none.
  await ensurePublishJobs(wiring);
  const jobs = jobRunnerFor(wiring);
  let isClosing = false;
  const close = async (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    log.info({ signal }, 'shutting down');
    await jobs.stop();
    await app.close();
    await wiring.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  await app.listen({ port: config.server.port, host: config.server.host });
  jobs.start();
  const hasUsers = (await wiring.store.users.list()).length > 0;
  const lines = [
    '',
    `  Pressroom is running at ${wiring.siteUrl}/`,
    `  Database: ${wiring.database.displayUrl}`,
    ...(hasUsers
      ? []
      : [
          '',
          '  Create the first administrator with:',
          '    ./bin/pressroom user create --role admin --email you@example.org --name "Your Name"',
        ]),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
