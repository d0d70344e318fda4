// What the Chromium tests of the newsroom do on every page: sign in, look for sideways scrolling
// and serious accessibility problems, and save a screenshot to look at.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { TEST_PASSWORD } from './admin.ts';

/** Saves a full-page screenshot as `name`.png in SCREENSHOT_DIR, when set (they are looked at, not compared). */
export async function shoot(page: Page, name: string): Promise<void> {
  const folder = process.env.SCREENSHOT_DIR;
  if (folder) await page.screenshot({ path: `${folder}/${name}.png`, fullPage: true });
}

/** Signs in through the login form and waits for the dashboard. */
export async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/admin`);
}

/** How many pixels the page is wider than the window (0: no sideways scrolling). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Serious accessibility problems axe-core finds on the page (none when axe-core is absent). The
 * page's context needs `bypassCSP`: axe is added as an inline script, which the admin's CSP refuses.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  let source: string;
  try {
    source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return [];
  }
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: { target: string[] }[] };
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * axe (which needs scripts) and the phone width, on a page a script-less reader has open: it is
 * opened again in a scripted browser with the reader's cookies.
 */
export async function checkReaderPage(browser: Browser, reader: Page, url: string): Promise<void> {
  const context = await browser.newContext({ bypassCSP: true });
  await context.addCookies(await reader.context().cookies());
  const page = await context.newPage();
  await page.goto(url);
  assert.deepEqual(await seriousViolations(page), [], `axe on ${url}`);
  await page.setViewportSize({ width: 360, height: 800 });
  assert.equal(await horizontalOverflow(page), 0, `no sideways scrolling on a phone: ${url}`);
  await context.close();
}
