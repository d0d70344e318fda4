import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { ChangeBus, ContentChange } from '../services/context.ts';

const CHANNEL = 'pressroom_changes';

/** Relays content changes between the processes that share one PostgreSQL database. */
export interface ChangeBroadcaster {
  close(): Promise<void>;
}

/**
 * Uses PostgreSQL LISTEN/NOTIFY: every process listens on one channel and notifies it of its
 * own changes, so each process's page cache drops what another process changed. A listener
 * connection that drops is reopened, and the whole cache is dropped then, since notifications
 * sent while it was away are lost.
 */
export async function startPostgresBroadcast(options: {
  url: string;
  bus: ChangeBus;
  log: Logger;
}): Promise<ChangeBroadcaster> {
  const { bus, log } = options;
  const originId = randomUUID();
  // Loaded here, not at the top: a server on SQLite never needs the PostgreSQL driver.
  const { default: pgDriver } = await import('pg');
  const pool = new pgDriver.Pool({ connectionString: options.url, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let listener: pg.Client | undefined;
  let isClosed = false;

  const connectListener = async (): Promise<void> => {
    const client = new pgDriver.Client({ connectionString: options.url });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const { origin, change } = JSON.parse(message.payload) as { origin: string; change: ContentChange };
        if (origin !== originId) bus.publish(change, { isRemote: true });
      } catch (err) {
        log.warn({ err }, 'ignored a malformed change notification');
      }
    });
    client.on('error', (err) => {
      log.warn({ err }, 'change listener connection lost; reconnecting');
      listener = undefined;
      void client.end().catch(() => {});
      if (!isClosed) setTimeout(() => void reconnect(), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  };
  const reconnect = async () => {
    try {
      await connectListener();
      bus.publish({ kind: 'everything' }, { isRemote: true });
    } catch (err) {
      log.warn({ err }, 'change listener could not reconnect; retrying');
      if (!isClosed) setTimeout(() => void reconnect(), 5000).unref();
    }
  };
  await connectListener();

  // Short-lived processes (CLI imports) close right after their last change; close() waits for these.
  const pending = new Set<Promise<unknown>>();
  const unsubscribe = bus.subscribe((change, origin) => {
    if (origin.isRemote) return;
    const sent = pool
      .query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ origin: originId, change })])
      .catch((err: unknown) => log.warn({ err }, 'could not broadcast a content change'))
      .finally(() => pending.delete(sent));
    pending.add(sent);
  });

  return {
    close: async () => {
      isClosed = true;
      unsubscribe();
      await Promise.all(pending);
      await listener?.end().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/**
 * SQLite has one writer process, but the CLI may write while the server runs. SQLite's
 * data_version changes whenever another connection commits, so polling it tells the server
 * to drop its cache after, say, `pressroom import`.
 */
export async function startSqliteWatch(options: {
  readDataVersion: () => Promise<number>;
  bus: ChangeBus;
  log: Logger;
  intervalMs?: number;
}): Promise<ChangeBroadcaster> {
  // Read the starting version now, so a write by another process right after start is seen.
  let last: number | undefined = await options.readDataVersion();
  let isBusy = false;
  const timer = setInterval(async () => {
    if (isBusy) return;
    isBusy = true;
    try {
      const version = await options.readDataVersion();
      if (last !== undefined && version !== last)
        options.bus.publish({ kind: 'everything' }, { isRemote: true });
      last = version;
    } catch (err) {
      options.log.debug({ err }, 'could not read data_version');
    } finally {
      isBusy = false;
    }
  }, options.intervalMs ?? 1000);
  timer.unref();
  return { close: async () => clearInterval(timer) };
}
