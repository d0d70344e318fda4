import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { can } from '../../src/domain/permissions.ts';
import { ADMIN_NAV } from '../../src/web/newsroom/nav.ts';
import { TEST_PASSWORD } from '../helpers/admin.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(repoRoot, 'test-output');
const skipReason = browserSkipReason();

function axeSource(): string | undefined {
  try {
    return readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return undefined;
  }
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** Serious accessibility problems axe-core finds on the page (none when axe-core is absent). */
async function seriousViolations(page: Page): Promise<string[]> {
  const source = axeSource();
  if (!source) return [];
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the admin in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [
        { email: 'editor-in-chief@example.org', name: 'Mara Ellison', role: 'admin' },
        { email: 'contributor@example.org', name: 'Jonah Reyes', role: 'contributor' },
      ],
    });
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('an admin signs in, opens the dashboard, users and settings, and fixes a bad setting', async () => {
    // The admin pages' CSP forbids inline scripts; axe is injected inline, so the test bypasses CSP.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const base = server.baseUrl;

    await page.goto(`${base}/admin`);
    assert.match(page.url(), /\/admin\/login\?next=/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-login.png'), fullPage: true });
    // A field focused from the keyboard is ringed in blue: red is what a wrong field looks like.
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(
      await page.getByLabel('Email').evaluate((el) => getComputedStyle(el).outlineColor),
      'rgb(29, 78, 216)',
    );
    await page.getByLabel('Email').fill('editor-in-chief@example.org');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(
      await page.locator('#field-password-error').textContent(),
      'The email or the password is wrong.',
    );
    assert.equal(await page.getByLabel('Email').inputValue(), 'editor-in-chief@example.org');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin`);
    assert.equal(await page.locator('h1').textContent(), 'Dashboard');
    assert.ok(await page.getByRole('heading', { name: /Recently published/ }).isVisible());
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-dashboard.png'), fullPage: true });

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(`${base}/admin/users`);
    assert.ok(await page.getByRole('cell', { name: 'contributor@example.org' }).isVisible());
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-users.png'), fullPage: true });

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${base}/admin/settings`);
    await page.getByLabel('Site name').fill('The Velmar Review');
    await page.getByLabel('Articles per listing page').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const error = page.locator('#field-page_size-error');
    assert.equal(await error.textContent(), 'Must be a whole number from 1 to 100');
    assert.equal(await page.getByLabel('Articles per listing page').getAttribute('aria-invalid'), 'true');
    assert.equal(
      await page.getByLabel('Site name').inputValue(),
      'The Velmar Review',
      'keeps what was typed',
    );
    // The message sits right under its field.
    const fieldBox = await page.getByLabel('Articles per listing page').boundingBox();
    const errorBox = await error.boundingBox();
    assert.ok(fieldBox && errorBox && errorBox.y > fieldBox.y && errorBox.y - fieldBox.y < 120);
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-settings-error.png'), fullPage: true });

    await page.getByLabel('Articles per listing page').fill('9');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(`${base}/admin/settings?notice=saved`);
    assert.equal(await page.getByRole('status').textContent(), 'Settings saved.');
    assert.equal(await page.getByLabel('Articles per listing page').inputValue(), '9');

    await page.goto(`${base}/`);
    assert.match((await page.locator('.site-title').textContent()) ?? '', /The Velmar Review/);

    // The same pages on a phone-sized screen: nothing wider than the viewport.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [name, url] of [
      ['dashboard', '/admin'],
      ['users', '/admin/users'],
      ['settings', '/admin/settings'],
      ['audit', '/admin/audit'],
      ['account', '/admin/account'],
    ] as const) {
      await page.goto(`${base}${url}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} is ${overflow}px wider than a 375px screen`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `admin-${name}-375.png`), fullPage: true });
    }
    await context.close();
  });

  test('a contributor sees only the pages their role allows', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/admin/login`);
    await page.getByLabel('Email').fill('contributor@example.org');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.baseUrl}/admin`);
    const links = await page.getByRole('navigation', { name: 'Admin' }).getByRole('link').allTextContents();
    const allowed = ADMIN_NAV.filter((link) => can('contributor', link.action)).map((link) => link.label);
    assert.deepEqual(links, allowed);
    assert.ok(!links.includes('Settings') && !links.includes('Users'));
    const refused = await page.goto(`${server.baseUrl}/admin/settings`);
    assert.equal(refused?.status(), 403);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-refused-375.png'), fullPage: true });
    await context.close();
  });
});
