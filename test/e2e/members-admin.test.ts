import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import type { TestWiring } from '../helpers/databases.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const AT = '2026-11-01T00:00:00.000Z';

describe('the members admin in Chromium', { skip: browserSkipReason() }, () => {
  let server: BrowserApp;
  let t: TestWiring;
  let browser: Browser;
  let siteUrl: string;

  before(async () => {
    server = await startBrowserApp({
      prepare: async (wiring) => {
        const store = wiring.store.memberAdmin;
        await store.insertTier(
          { slug: 'reader', name: 'Reader', description: '', isPaid: false, priceLabel: null },
          AT,
        );
        const supporter = await store.insertTier(
          {
            slug: 'supporter',
            name: 'Supporter',
            description: 'Keeps the lights on.',
            isPaid: true,
            priceLabel: '€5 a month',
          },
          AT,
        );
        const people = [
          'Ana Reis',
          'Ben Okafor',
          'Carla Mendes',
          'Dmitri Volkov',
          'Eun-ji Park',
          'Fatima Zahra',
        ];
        await store.importBatch(
          people.map((name, i) => ({
            email: `${name.split(' ')[0]!.toLowerCase()}@readers.example`,
            name,
            ...(i % 2 ? { tierId: supporter.id } : {}),
            ...(i % 3 ? { consent: { at: AT, source: 'sign-up form' } } : {}),
          })),
          AT,
        );
      },
      staff: [{ email: 'owner@example.org', name: 'Site Owner', role: 'admin' }],
    });
    ({ testWiring: t, baseUrl: siteUrl, browser } = server);
  });
  after(async () => {
    await server?.close();
  });

  test('an admin lists and filters members, opens one, changes their tier, and imports a CSV', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, siteUrl, 'owner@example.org');
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await page.waitForURL(`${siteUrl}/admin/members`);
    assert.equal(await page.locator('.members-list tbody tr').count(), 6);
    assert.equal(
      await page.getByRole('status').filter({ hasText: 'members match' }).textContent(),
      '6 members match.',
    );
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'members-admin-list');

    await page.getByLabel('Tier').selectOption({ label: 'Supporter' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/tier=/);
    assert.equal(await page.locator('.members-list tbody tr').count(), 3);
    await page.getByLabel('Search email and name').fill('okafor');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=okafor/);
    assert.equal(await page.locator('.members-list tbody tr').count(), 1);
    await shoot(page, 'members-admin-filtered');

    await page.getByRole('link', { name: 'ben@readers.example' }).click();
    await page.waitForURL(/\/admin\/members\/\d+$/);
    assert.ok(await page.getByText('sign-up form').isVisible());
    await page.getByRole('combobox', { name: 'Tier' }).selectOption({ label: 'Reader (free)' });
    await page.getByRole('button', { name: 'Change tier' }).click();
    await page.waitForURL(/notice=tier/);
    assert.ok(await page.getByText('Tier changed.').isVisible());
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'members-admin-member');

    await page.goto(`${siteUrl}/admin/members/import`);
    assert.ok(
      await page.getByText('A row without a consent date is imported without newsletter consent').isVisible(),
    );
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByLabel('CSV file').setInputFiles({
      name: 'members.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'email,name,tier,consent_at\r\ngina@readers.example,Gina Rossi,supporter,2026-10-01\r\nana@readers.example,"Ana M. Reis",,\r\nbroken-address,Nobody,,\r\n',
      ),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(`${siteUrl}/admin/members/import`);
    assert.equal(
      (await page.getByRole('status').filter({ hasText: 'added' }).textContent())?.trim(),
      '1 added, 1 updated, 1 of them without newsletter consent. 1 problem: the rows below were skipped.',
    );
    assert.ok(
      await page
        .getByRole('cell', { name: 'must be an email address, such as name@example.org' })
        .isVisible(),
    );
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'members-admin-import');

    await page.goto(`${siteUrl}/admin/members/tiers`);
    assert.ok(await page.getByText('Payments are not connected yet').isVisible());
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'members-admin-tiers');
    await page.getByRole('link', { name: 'Add a tier' }).click();
    await page.getByLabel('Name').fill('Patron');
    await page.getByLabel('Paid').check();
    await page.getByRole('button', { name: 'Add tier' }).click();
    await page.waitForURL(`${siteUrl}/admin/members/tiers/new`.replace('/new', ''));
    assert.ok(
      await page.getByRole('link', { name: 'Price label' }).isVisible(),
      'a paid tier without a price is refused',
    );
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'members-admin-tier-form');

    const carla = await t.wiring.database.db
      .selectFrom('members')
      .select('id')
      .where('email', '=', 'carla@readers.example')
      .executeTakeFirstOrThrow();
    await page.goto(`${siteUrl}/admin/members/${carla.id}/delete`);
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('button', { name: 'Delete this member' }).click();
    await page.waitForURL(`${siteUrl}/admin/members?notice=deleted`);

    await page.goto(`${siteUrl}/admin/members`);
    assert.equal(await page.locator('.members-list tbody tr').count(), 6);
    await page.setViewportSize({ width: 360, height: 800 });
    assert.ok((await horizontalOverflow(page)) <= 0, 'no sideways scrolling on a phone');
    await shoot(page, 'members-admin-phone');
    await context.close();
  });
});
