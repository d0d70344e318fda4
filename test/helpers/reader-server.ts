import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { createUser } from '../../src/services/users.ts';
import type { Wiring } from '../../src/wiring.ts';
import { TEST_PASSWORD } from './admin.ts';
import { createTestWiring, type DatabaseKind, type TestWiring, type TestWiringOptions } from './databases.ts';
import { skipUnlessCI } from './prerequisites.ts';

/** The Debian package's Chromium; CHROME_PATH points elsewhere (as for Lighthouse). */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can (where CI is set, throws instead). */
export function browserSkipReason(): string | undefined {
  return skipUnlessCI(
    existsSync(CHROMIUM_PATH) ? undefined : `Chromium is not installed at ${CHROMIUM_PATH}`,
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A port the OS says is free right now; the app then listens on it so site.url can name it up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ReaderServer {
  baseUrl: string;
  app: FastifyInstance;
  testWiring: TestWiring;
  close(): Promise<void>;
}

export interface AppServerOptions {
  /** SQLite unless told. */
  kind?: DatabaseKind;
  /** The wiring's settings besides site.url, which names the port the app listens on. */
  wiring?: Omit<TestWiringOptions, 'siteUrl'>;
  /** Loads the demo publication before `prepare`. */
  shouldSeedDemo?: boolean;
  /** Changes the content before the app starts. */
  prepare?: (wiring: Wiring) => Promise<void>;
}

/** The real app on a fresh test database, listening on 127.0.0.1 under its own site URL. */
export async function startAppServer(options: AppServerOptions = {}): Promise<ReaderServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const testWiring = await createTestWiring(options.kind ?? 'sqlite', {
    ...options.wiring,
    siteUrl: baseUrl,
  });
  try {
    if (options.shouldSeedDemo) {
      const report = await seedDemo(testWiring.wiring);
      if (report.failed > 0)
        throw new Error(`demo content failed to load: ${JSON.stringify(report.outcomes)}`);
    }
    await options.prepare?.(testWiring.wiring);
    const app = await buildApp(testWiring.wiring, { shouldLog: false });
    try {
      await app.listen({ port, host: '127.0.0.1' });
    } catch (error) {
      await app.close();
      throw error;
    }
    return {
      baseUrl,
      app,
      testWiring,
      close: async () => {
        await app.close();
        await testWiring.cleanup();
      },
    };
  } catch (error) {
    await testWiring.cleanup();
    throw error;
  }
}

/**
 * The real app, with the demo publication, listening on 127.0.0.1 (SQLite). `prepare` changes
 * the content before the app starts (featured images, say).
 */
export function startReaderServer(
  options: { prepare?: (wiring: Wiring) => Promise<void> } = {},
): Promise<ReaderServer> {
  return startAppServer({ ...options, shouldSeedDemo: true });
}

/** A newsroom account a browser test signs in with (its password is TEST_PASSWORD). */
export interface StaffAccount {
  email: string;
  name: string;
  role: Role;
}

export interface BrowserApp extends ReaderServer {
  browser: Browser;
  /** The users made from `staff`, in its order. */
  staff: User[];
}

/**
 * What a Chromium test of the newsroom starts from: the app as startAppServer starts it, with the
 * `staff` accounts created after `prepare` (before the app starts), and Chromium. close() closes
 * the browser, the app and the database; tests sign in with signIn from browser-pages.ts.
 */
export async function startBrowserApp(
  options: AppServerOptions & { staff?: StaffAccount[] } = {},
): Promise<BrowserApp> {
  const staff: User[] = [];
  const server = await startAppServer({
    ...options,
    prepare: async (wiring) => {
      await options.prepare?.(wiring);
      for (const account of options.staff ?? [])
        staff.push(await createUser(wiring, { ...account, password: TEST_PASSWORD }));
    },
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    ...server,
    browser,
    staff,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
