import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../../src/config.ts';
import { createWiring, type Wiring } from '../../src/wiring.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of the given kind: a file in a temp folder, or a new PostgreSQL database. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-test-'));
  if (kind === 'sqlite') {
    return {
      url: `sqlite:${path.join(dataDir, 'test.db')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pressroom_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestWiringOptions {
  now?: Date;
  siteUrl?: string;
  /** Settings of the config's server section (timeouts, say) for this wiring's app. */
  server?: Record<string, unknown>;
  /** Settings of the config's auth section (limits, say). */
  auth?: Record<string, unknown>;
  /** Settings of the config's webmention section (private addresses for local sources, say). */
  webmention?: Record<string, unknown>;
  /** Settings of the config's reprint section (request limits, say). */
  reprint?: Record<string, unknown>;
  /** Settings of the config's members section (link lifetimes and limits, say). */
  members?: Record<string, unknown>;
  /** Settings of the config's comments section (limits, say). */
  comments?: Record<string, unknown>;
  /** Settings of the config's mail section (an SMTP server under test, say). */
  mail?: Record<string, unknown>;
  /** Settings of the config's newsletter section. */
  newsletter?: Record<string, unknown>;
  /** Settings of the config's cache section (no kept pages, so that each request renders, say). */
  cache?: Record<string, unknown>;
}

export interface TestWiring {
  wiring: Wiring;
  database: TestDatabase;
  /** Moves the test clock. */
  setNow(date: Date): void;
  cleanup(): Promise<void>;
}

/** Wiring on a fresh database with a fixed clock and a silent logger. */
export async function createTestWiring(
  kind: DatabaseKind,
  options: TestWiringOptions = {},
): Promise<TestWiring> {
  const database = await createTestDatabase(kind);
  try {
    return await openTestWiring(database, options);
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * Wiring with a fixed clock and a silent logger on an existing test database (one a server
 * process also uses, say); cleanup closes it and drops the database.
 */
export async function openTestWiring(
  database: TestDatabase,
  options: TestWiringOptions = {},
): Promise<TestWiring> {
  let now = options.now ?? new Date('2026-11-20T12:00:00.000Z');
  const config = parseConfig({
    database: { url: database.url },
    data: { dir: database.dataDir },
    site: { url: options.siteUrl ?? 'https://review.example' },
    log: { level: 'silent' },
    ...(options.server ? { server: options.server } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.webmention ? { webmention: options.webmention } : {}),
    ...(options.reprint ? { reprint: options.reprint } : {}),
    ...(options.members ? { members: options.members } : {}),
    ...(options.comments ? { comments: options.comments } : {}),
    ...(options.mail ? { mail: options.mail } : {}),
    ...(options.newsletter ? { newsletter: options.newsletter } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  });
  const wiring = await createWiring({ config, log: pino({ level: 'silent' }), now: () => now });
  return {
    wiring,
    database,
    setNow: (date) => {
      now = date;
    },
    cleanup: async () => {
      await wiring.close();
      await database.drop();
    },
  };
}
