import { sql } from 'kysely';
import type { Logger } from 'pino';
import { startPostgresBroadcast, startSqliteWatch } from './adapters/change-broadcast.ts';
import { createMailer, type Mailer } from './adapters/mailer.ts';
import { LocalMediaStore, mediaDir } from './adapters/media-store.ts';
import { createNewsletterMailer, type NewsletterMailer } from './adapters/newsletter-mailer.ts';
import { type Config, siteUrl } from './config.ts';
import type { MemberReaderOfSession } from './domain/article-access.ts';
import { CacheTags } from './domain/cache-tags.ts';
import { AppError, Errors } from './errors.ts';
import { fillMissingPreviews } from './services/article-previews.ts';
import { ChangeBus, type ServiceContext } from './services/context.ts';
import { Discovery } from './services/discovery/discovery.ts';
import { memberReaderOf } from './services/members/readers.ts';
import { Reader } from './services/reader.ts';
import { RepublicationTracker } from './services/republishing/tracker.ts';
import { ensureDefaultTaxonomies } from './services/taxonomies.ts';
import {
  type DatabaseHandle,
  databaseUnavailable,
  migrateToLatest,
  openDatabase,
  type QueryObserver,
} from './storage/database.ts';
import { createStore } from './storage/store.ts';
import { PageCache } from './web/page-cache.ts';

/** Everything the web app, the CLI and jobs share: one database, one store, one change bus. */
export interface Wiring extends ServiceContext {
  config: Config;
  database: DatabaseHandle;
  /** Sends invitations and password resets (and later newsletters). */
  mailer: Mailer;
  /**
   * Who a member session token belongs to, for gated articles (memberReaderOf: the members'
   * own sessions). Tests may replace it before building the app, which reads it once.
   */
  memberReader: MemberReaderOfSession;
  /** Sends newsletters over pooled connections; undefined when no SMTP server is configured. */
  newsletterMailer: NewsletterMailer | undefined;
  close(): Promise<void>;
}

export interface WiringOptions {
  config: Config;
  log: Logger;
  /** Defaults to the real clock; tests pass a fixed one. */
  now?: () => Date;
  /** Apply pending migrations (the server and most commands do). */
  shouldMigrate?: boolean;
  /** Sees every query (benchmarks explain the queries reader pages run). */
  onQuery?: QueryObserver;
  /** Relay content changes between processes (PostgreSQL NOTIFY, or SQLite data_version polling). */
  shouldShareChanges?: boolean;
}

/** Opens the database, migrates it, makes sure the default taxonomies exist, and builds the services. */
export async function createWiring(options: WiringOptions): Promise<Wiring> {
  const { config, log } = options;
  const database = openDatabase({
    url: config.database.url,
    poolSize: config.database.poolSize,
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
  });
  try {
    if (options.shouldMigrate ?? true) {
      const report = await migrateToLatest(database);
      if (report.applied.length > 0) log.info({ migrations: report.applied }, 'database migrated');
      if (report.failed) {
        throw Errors.DATABASE_UNAVAILABLE({
          // No migration named means the database could not even be reached or read.
          reason:
            report.failed.name === '(unknown)'
              ? `Cannot use the database ${database.displayUrl}: ${report.failed.message}`
              : `Migration ${report.failed.name} failed: ${report.failed.message}`,
        });
      }
    }
    const store = createStore(database);
    const mailer = createMailer(config.mail, log);
    const newsletterMailer = createNewsletterMailer(config, log);
    if (options.shouldMigrate ?? true) await store.transaction((repos) => ensureDefaultTaxonomies(repos));
    const changes = new ChangeBus();
    if (options.shouldMigrate ?? true) {
      const { filled } = await fillMissingPreviews({ store, changes });
      if (filled > 0) log.info({ articles: filled }, 'previews of gated articles filled');
    }
    const sharing =
      options.shouldShareChanges === false
        ? undefined
        : database.dialect === 'postgres'
          ? await startPostgresBroadcast({ url: config.database.url, bus: changes, log })
          : await startSqliteWatch({
              bus: changes,
              log,
              readDataVersion: async () => {
                const { rows } = await sql<{ data_version: number }>`PRAGMA data_version`.execute(
                  database.db,
                );
                return Number(rows[0]?.data_version ?? 0);
              },
            });
    const wiring: Wiring = {
      config,
      database,
      store,
      log,
      now: options.now ?? (() => new Date()),
      changes,
      siteUrl: siteUrl(config),
      dailyWriteMegabytes: config.auth.dailyWriteMegabytes,
      reachDetailDays: config.reach.detailDays,
      alertGraceMinutes: config.newsletter.alertGraceMinutes,
      webmention: { allowPrivateAddresses: config.webmention.allowPrivateAddresses },
      mailer,
      // Replaced below, once the context it reads from exists.
      memberReader: async () => undefined,
      newsletterMailer,
      close: async () => {
        mailer.close();
        newsletterMailer?.close();
        await sharing?.close();
        await database.close();
      },
    };
    wiring.memberReader = memberReaderOf(wiring);
    return wiring;
  } catch (error) {
    await database.close().catch(() => {});
    if (error instanceof AppError) throw error;
    throw databaseUnavailable(database, error);
  }
}

/** How long most-read lists may lag behind the counts: pages showing them are re-rendered at most this often. */
export const MOST_READ_REFRESH_MS = 5 * 60_000;

/** What the web app serves from, built once per app on the shared wiring. */
export interface WebParts {
  /** Where uploads are written (served at /media/). */
  mediaStore: LocalMediaStore;
  pageCache: PageCache;
  reader: Reader;
  discovery: Discovery;
  /** Counts the tracking image of republished articles; its counts are written on close. */
  tracker: RepublicationTracker;
  /** Stops discovery's timers and listeners and the cache's subscription to content changes. */
  close(): Promise<void>;
}

/**
 * Builds the media store, the page cache, the reader, discovery and the republication tracker,
 * and starts the last two. The
 * page cache follows content changes; after read counts are written, pages showing most-read
 * lists are dropped at most once per MOST_READ_REFRESH_MS, so a busy site does not re-render
 * its home page on every flush.
 */
export function createWebParts(wiring: Wiring): WebParts {
  const { config } = wiring;
  const pageCache = new PageCache({
    maxPages: config.cache.maxPages,
    maxBytes: config.cache.maxMegabytes * 1024 * 1024,
  });
  const unsubscribe = wiring.changes.subscribe((change) => pageCache.apply(change));
  let lastRefresh = 0;
  const discovery = new Discovery(wiring, {
    websubHub: config.websub.hub,
    onViewsFlushed: () => {
      if (Date.now() - lastRefresh < MOST_READ_REFRESH_MS) return;
      lastRefresh = Date.now();
      pageCache.invalidate([CacheTags.mostRead]);
    },
  });
  discovery.start();
  const tracker = new RepublicationTracker(wiring, {
    flushMs: config.tracker.flushSeconds * 1000,
    maxPending: config.tracker.maxPending,
    hitsPerMinute: config.tracker.hitsPerMinute,
  });
  tracker.start();
  return {
    mediaStore: new LocalMediaStore(mediaDir(config.data.dir)),
    pageCache,
    reader: new Reader(wiring),
    discovery,
    tracker,
    close: async () => {
      unsubscribe();
      await Promise.all([discovery.stop(), tracker.stop()]);
    },
  };
}
