import { type Config, loadConfig } from './config.ts';
import { Errors } from './errors.ts';
import { createLogger } from './logger.ts';
import {
  databaseReadyInWorker,
  isServerWorker,
  leaveServerWorkers,
  startServerWorkers,
} from './server-workers.ts';
import { isSameStopRequest } from './stop-signals.ts';
import { createWiring, type Wiring } from './wiring.ts';

// The web app, the job runner and the demo are imported where they are used: with several
// server processes, the first one only migrates the database and hands out connections, and
// need not load them (start-up is mostly loading code).

/**
 * Starts the server: config, database (migrated), demo content on first run, then listen —
 * in this process, or in `server.workers` processes sharing the port.
 */
export async function startServer(
  options: { shouldSeedDemo?: boolean; workers?: number } = {},
): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  if (isServerWorker()) {
    // Its code loads while the first process migrates the database (and loads the demo).
    const loading = Promise.all([import('./app.ts'), import('./jobs/job-runner-for.ts')]);
    loading.catch(() => {}); // awaited below
    try {
      await databaseReadyInWorker();
      await loading;
      await serve(await createWiring({ config, log }), config);
    } catch (error) {
      // Its channel to the first process would keep it running after the CLI reports the error.
      leaveServerWorkers();
      throw error;
    }
    return;
  }
  const workers = options.workers ?? config.server.workers;
  if (workers <= 1) {
    const wiring = await prepareDatabase(config, log, options);
    await serve(wiring, config);
    process.stdout.write(await startBanner(wiring, 1));
    return;
  }
  // The server processes load their code while this one migrates the database.
  const databaseReady = Promise.withResolvers<void>();
  const starting = startServerWorkers(workers, log, databaseReady.promise);
  starting.catch(() => {}); // awaited below; a failure before then is not unhandled
  let banner: string;
  try {
    const wiring = await prepareDatabase(config, log, options);
    banner = await startBanner(wiring, workers);
    await wiring.close();
  } catch (error) {
    databaseReady.reject(error);
    await starting.catch(() => {});
    throw error;
  }
  databaseReady.resolve();
  const running = await starting;
  let isClosing = false;
  const close = async (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    log.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  onStopSignals(close);
  process.stdout.write(banner);
}

/** Opens and migrates the database, and loads the demo publication into an empty one when wanted. */
async function prepareDatabase(
  config: Config,
  log: Wiring['log'],
  options: { shouldSeedDemo?: boolean },
): Promise<Wiring> {
  const wiring = await createWiring({ config, log });
  if (!((options.shouldSeedDemo ?? true) && config.demo.seedOnFirstRun)) return wiring;
  const { isPublicationEmpty, seedDemo } = await import('./services/demo.ts');
  if (await isPublicationEmpty(wiring)) {
    const report = await seedDemo(wiring);
    log.info(
      { imported: report.imported, failed: report.failed },
      'demo publication loaded into the empty database',
    );
  }
  return wiring;
}

/** Listens with the app on this wiring, runs the job runner, and closes both on SIGINT/SIGTERM. */
async function serve(wiring: Wiring, config: Config): Promise<void> {
  const { log } = wiring;
  const [{ buildApp }, { jobRunnerFor }] = await Promise.all([
    import('./app.ts'),
    import('./jobs/job-runner-for.ts'),
  ]);
  const app = await buildApp(wiring);
  // Scheduled articles are published by a poll in every process (publishDueArticles): nothing
  // at start reads the archive.
  const jobs = jobRunnerFor(wiring, { shouldScheduleDaily: true });
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
  onStopSignals(close);
  try {
    await app.listen({ port: config.server.port, host: config.server.host });
  } catch (cause) {
    await jobs.stop();
    await app.close();
    await wiring.close();
    throw listenError(cause, config.server.host, config.server.port);
  }
  jobs.start();
}

/**
 * Calls `close` on the first SIGINT or SIGTERM. Another, a second or more later, ends the process
 * at once as the signal does by default; one sooner is the same signal heard twice, through the
 * launcher and from the process group (see isSameStopRequest), and closing goes on.
 */
function onStopSignals(close: (signal: string) => Promise<void>): void {
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt === 0) {
      firstAt = Date.now();
      void close(signal);
      return;
    }
    if (isSameStopRequest(firstAt)) return;
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** What a terminal shows once the server answers: where, on which database, and the first step. */
async function startBanner(wiring: Wiring, workers: number): Promise<string> {
  const hasUsers = (await wiring.store.users.list()).length > 0;
  const lines = [
    '',
    `  Pressroom is running at ${wiring.siteUrl}/${workers > 1 ? ` (${workers} server processes)` : ''}`,
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
  return `${lines.join('\n')}\n`;
}

/** Says why the server could not listen (port taken, privileged port) instead of a stack trace. */
function listenError(cause: unknown, host: string, port: number): unknown {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use by another program`
      : code === 'EACCES'
        ? `this user may not listen on port ${port} (ports below 1024 need privileges)`
        : code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine`
          : null;
  if (!reason) return cause;
  return Errors.CONFIG_INVALID(
    {
      reason: `Cannot start the server: ${reason}. Set PORT (and HOST) to a free one, for example PORT=8081 npm start`,
    },
    { cause },
  );
}
