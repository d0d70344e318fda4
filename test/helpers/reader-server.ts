import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { createTestWiring, type TestWiring } from './databases.ts';
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

/**
 * The real app, with the demo publication, listening on 127.0.0.1 (SQLite). `prepare` changes
 * the content before the app starts (featured images, say).
 */
export async function startReaderServer(
  options: { prepare?: (wiring: TestWiring['wiring']) => Promise<void> } = {},
): Promise<ReaderServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const testWiring = await createTestWiring('sqlite', { siteUrl: baseUrl });
  const report = await seedDemo(testWiring.wiring);
  if (report.failed > 0) {
    await testWiring.cleanup();
    throw new Error(`demo content failed to load: ${JSON.stringify(report.outcomes)}`);
  }
  await options.prepare?.(testWiring.wiring);
  const app = await buildApp(testWiring.wiring, { shouldLog: false });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    baseUrl,
    app,
    testWiring,
    close: async () => {
      await app.close();
      await testWiring.cleanup();
    },
  };
}
