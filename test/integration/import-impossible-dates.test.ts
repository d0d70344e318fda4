import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const ONE_BAD_ITEM = fileURLToPath(new URL('../fixtures/import/wordpress-one-bad-item.xml', import.meta.url));

/** The one-bad-item fixture with the second post's body (and maybe its date) replaced. */
function wxrWith(folder: string, body: string, date = '2020-01-02 06:00:00'): string {
  const file = path.join(mkdtempSync(path.join(folder, 'wxr-')), 'export.xml');
  writeFileSync(
    file,
    readFileSync(ONE_BAD_ITEM, 'utf8').replace('<p>NESTED</p>', body).replace('2020-01-02 06:00:00', date),
  );
  return file;
}

for (const kind of DATABASE_KINDS) {
  describe(`impossible dates on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(async () => {
      await t.cleanup();
    });

    test('front matter dated 30 February is refused, naming the file, the field and the value', async () => {
      const folder = mkdtempSync(path.join(t.database.dataDir, 'md-'));
      const file = path.join(folder, 'leap.md');
      writeFileSync(file, '---\ntitle: Leap\ndate: 2026-02-30\n---\nText.\n');
      const report = await importMarkdown(t.wiring, folder);
      const outcome = report.outcomes.find((o) => o.file.endsWith('leap.md'));
      assert.equal(outcome?.status, 'failed');
      assert.equal(outcome?.errors?.[0]?.field, 'date');
      assert.match(outcome?.errors?.[0]?.message ?? '', /2026-02-30/);
      assert.equal(await t.wiring.store.articles.findBySlug('leap'), undefined);
    });

    test('a WordPress post dated 30 February fails alone instead of moving to March', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const file = wxrWith(fresh.database.dataDir, '<p>Fine words.</p>', '2026-02-30 06:00:00');
        const report = await importWordPress(fresh.wiring, file);
        const failed = report.items.filter((i) => i.outcome === 'failed');
        assert.equal(failed.length, 1);
        assert.equal(failed[0]?.id, '2');
        assert.match(failed[0]?.reason ?? '', /post_date "2026-02-30 06:00:00" is not a real date/);
        assert.equal(await fresh.wiring.store.articles.findBySlug('broken-body'), undefined);
        assert.ok(await fresh.wiring.store.articles.findBySlug('low-water'));
      } finally {
        await fresh.cleanup();
      }
    });
    test('a Ghost post dated 30 February fails alone instead of moving to March', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const post = (id: string, slug: string, publishedAt: string) => ({
          id,
          title: slug,
          slug,
          html: '<p>Words.</p>',
          type: 'post',
          status: 'published',
          created_at: '2020-01-01T00:00:00.000Z',
          updated_at: '2020-01-01T00:00:00.000Z',
          published_at: publishedAt,
        });
        const file = path.join(mkdtempSync(path.join(fresh.database.dataDir, 'ghost-')), 'ghost.json');
        writeFileSync(
          file,
          JSON.stringify({
            db: [
              {
                meta: { exported_on: 1700000000000, version: '5.75.0' },
                data: {
                  posts: [
                    post('p1', 'leap', '2026-02-30T10:00:00.000Z'),
                    post('p2', 'plain', '2026-02-28T10:00:00.000Z'),
                  ],
                },
              },
            ],
          }),
        );
        const report = await importGhost(fresh.wiring, file);
        const failed = report.items.filter((i) => i.outcome === 'failed');
        assert.equal(failed.length, 1);
        assert.equal(failed[0]?.id, 'p1');
        assert.match(failed[0]?.reason ?? '', /published_at "2026-02-30T10:00:00.000Z" is not a real date/);
        assert.equal(await fresh.wiring.store.articles.findBySlug('leap'), undefined);
        assert.equal(
          (await fresh.wiring.store.articles.findBySlug('plain'))?.publishedAt,
          '2026-02-28T10:00:00.000Z',
        );
      } finally {
        await fresh.cleanup();
      }
    });
  });
}
