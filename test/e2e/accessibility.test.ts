import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { updateSettings } from '../../src/services/settings.ts';
import { addAuthorPhoto, addFeaturedImages } from '../helpers/featured-images.ts';
import {
  browserSkipReason,
  launchChromium,
  type ReaderServer,
  startReaderServer,
} from '../helpers/reader-server.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One page of each kind the reader site has. */
const PAGES: { name: string; path: string; status: number }[] = [
  { name: 'home', path: '/', status: 200 },
  { name: 'home, page 2', path: '/?page=2', status: 200 },
  { name: 'archive', path: '/articles', status: 200 },
  { name: 'search results', path: '/search?q=water', status: 200 },
  { name: 'article', path: '/articles/velmar-basin-water-accounts', status: 200 },
  { name: 'republished article', path: '/articles/municipal-broadband-after-the-pilot', status: 200 },
  { name: 'term', path: '/theme/environment', status: 200 },
  { name: 'report', path: '/report/the-water-ledger', status: 200 },
  { name: 'author', path: '/authors/nadia-korvell', status: 200 },
  { name: 'static page', path: '/about', status: 200 },
  { name: 'taxonomy index', path: '/region', status: 200 },
  { name: 'Mastodon share form', path: '/share/mastodon?text=Hello', status: 200 },
  { name: 'not found', path: '/no-such-page', status: 404 },
];

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900, colorScheme: 'light' },
  { name: 'phone', width: 375, height: 812, colorScheme: 'light' },
  { name: 'desktop in dark mode', width: 1280, height: 900, colorScheme: 'dark' },
  { name: 'phone in dark mode', width: 375, height: 812, colorScheme: 'dark' },
] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const skipReason = browserSkipReason();

describe('reader pages pass axe-core (WCAG 2.2 AA and best practices)', { skip: skipReason ?? false }, () => {
  let server: ReaderServer;
  let browser: Browser;
  const contexts = new Map<string, BrowserContext>();

  before(async () => {
    server = await startReaderServer({
      prepare: async (wiring) => {
        // Short pages (so there is a page 2) and featured images (so listings show thumbnails).
        await updateSettings(wiring, { page_size: '4' }, 'test');
        const newest = await wiring.store.articles.findSummariesByIds(
          await wiring.store.articles.publishedIds({ now: wiring.now().toISOString(), limit: 3, offset: 0 }),
        );
        await addFeaturedImages(wiring, [
          ...new Set([...newest.map((a) => a.slug), 'velmar-basin-water-accounts']),
        ]);
        // A photo beside the byline and on the author page.
        await addAuthorPhoto(wiring, 'nadia-korvell');
      },
    });
    browser = await launchChromium();
    for (const viewport of VIEWPORTS) {
      // axe is injected as an inline script, which the site's Content-Security-Policy rightly forbids.
      const { width, height, colorScheme } = viewport;
      contexts.set(
        viewport.name,
        await browser.newContext({ viewport: { width, height }, colorScheme, bypassCSP: true }),
      );
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of VIEWPORTS) {
    for (const target of PAGES) {
      test(`the ${target.name} page has no violations on a ${viewport.name}`, async () => {
        const context = contexts.get(viewport.name);
        assert.ok(context);
        const page = await context.newPage();
        try {
          const response = await page.goto(`${server.baseUrl}${target.path}`);
          assert.equal(response?.status(), target.status);
          await page.addScriptTag({ content: AXE_SOURCE });
          const violations = (await page.evaluate(
            `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
          )) as AxeViolation[];
          assert.deepEqual(
            violations.map(
              (v) =>
                `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            ),
            [],
          );
        } finally {
          await page.close();
        }
      });
    }
  }
});
