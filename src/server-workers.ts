import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { Errors } from './errors.ts';

/** A server process that ends unexpectedly is replaced after this pause... */
const RESTART_DELAY_MS = 1_000;
/** ...unless this many ended within the window: then something is wrong with every one of them. */
const CRASHES_ALLOWED = 5;
const CRASH_WINDOW_MS = 60_000;
/** How long the processes get to finish their requests and close when the server is stopped. */
const STOP_GRACE_MS = 10_000;

export interface ServerWorkers {
  /** Stops every process (SIGTERM, then SIGKILL after a grace period); resolves when all have ended. */
  stop(): Promise<void>;
}

/**
 * Runs `count` server processes sharing one port (Node's cluster: this process hands incoming
 * connections to them in turn). Each process is the whole server — its own database pool,
 * page cache, job runner and rate limits — and they learn of each other's edits as separate
 * servers on one database do. Resolves once every process is listening; rejects if one stops
 * before it could (a port taken, a database refused: its own message is printed first).
 * A process that crashes later is replaced, unless they keep crashing.
 *
 * The processes start loading their code at once but open the database only once
 * `databaseReady` resolves (the caller migrates it meanwhile); if it rejects, they are stopped and
 * the returned promise rejects with the same error.
 */
export function startServerWorkers(
  count: number,
  log: Logger,
  databaseReady: Promise<void> = Promise.resolve(),
): Promise<ServerWorkers> {
  let isStopping = false;
  let isDatabaseReady = false;
  const crashes: number[] = [];
  const listening = new Set<Worker>();

  const stop = async () => {
    isStopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      running.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  };

  return new Promise((resolve, reject) => {
    let isStarted = false;
    const fail = (reason: string) => {
      void stop().then(() => reject(Errors.SERVER_WORKERS_FAILED({ reason })));
    };
    const fork = () => {
      const worker = cluster.fork();
      if (isDatabaseReady) worker.send(DATABASE_READY);
      worker.once('listening', () => {
        listening.add(worker);
        if (!isStarted && listening.size === count) {
          isStarted = true;
          resolve({ stop });
        }
      });
      worker.once('exit', (code, signal) => {
        const wasListening = listening.delete(worker);
        if (isStopping) return;
        if (!wasListening && !isStarted) {
          fail(`A server process stopped before it could answer (${signal ?? `exit code ${code}`}).`);
          return;
        }
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && (crashes[0] as number) < now - CRASH_WINDOW_MS) crashes.shift();
        log.error(
          { pid: worker.process.pid, code, signal },
          'a server process ended unexpectedly; starting another',
        );
        if (crashes.length >= CRASHES_ALLOWED) {
          log.fatal('server processes keep ending; stopping');
          void stop().then(() => process.exit(1));
          return;
        }
        setTimeout(() => {
          if (!isStopping) fork();
        }, RESTART_DELAY_MS).unref();
      });
    };
    for (let i = 0; i < count; i++) fork();
    databaseReady.then(
      () => {
        isDatabaseReady = true;
        for (const worker of Object.values(cluster.workers ?? {})) {
          if (worker?.isConnected()) worker.send(DATABASE_READY);
        }
      },
      (error: unknown) => {
        // The processes waiting for the database are no longer wanted; the caller reports why.
        isStarted = true;
        void stop().then(() => reject(error));
      },
    );
  });
}

/** What the first process tells the server processes once the database is migrated. */
const DATABASE_READY = 'pressroom:database-ready';

/**
 * Resolves when the first process says the database is migrated (see startServerWorkers): the
 * server processes are started before that, so that loading their code overlaps the migration.
 */
export function databaseReadyInWorker(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== DATABASE_READY) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });
}

/** Whether this process is one of several server processes started by startServerWorkers. */
export function isServerWorker(): boolean {
  return cluster.isWorker;
}

/** Lets a server process that failed to start end once the error is reported. */
export function leaveServerWorkers(): void {
  cluster.worker?.disconnect();
}
