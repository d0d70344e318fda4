import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
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

function table(rows: number, columns: number): string {
  const row = (cell: string) =>
    `<tr>${Array.from({ length: columns }, (_, c) => `<${cell}>${c}</${cell}>`).join('')}</tr>`;
  return `<table>${row('th')}${Array.from({ length: rows - 1 }, () => row('td')).join('\n')}</table>`;
}

for (const kind of DATABASE_KINDS) {
  describe(`WordPress bodies too large to convert on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(async () => {
      await t.cleanup();
    });

    test('a table with more cells than the converter takes is kept as sanitized HTML, not converted', async () => {
      const file = wxrWith(
        t.database.dataDir,
        `<p>Tides by hour.</p>${table(60, 40)}`.replace('<td>3</td>', '<td>3<script>x()</script></td>'),
      );
      const report = await importWordPress(t.wiring, file);
      assert.equal(report.items.filter((i) => i.outcome === 'failed').length, 0);
      const article = await t.wiring.store.articles.findBySlug('broken-body');
      assert.ok(article);
      assert.match(article.bodyMarkdown, /^Tides by hour\.\n\n<table><tr><th>0<\/th>/);
      assert.doesNotMatch(article.bodyMarkdown, /script|\| --- \|/);
      assert.equal((article.bodyHtml.match(/<td>/g) ?? []).length, 59 * 40);
    });

    test('a body with more elements than the converter takes fails alone, by id, title and reason', async () => {
      const fresh = await createTestWiring(kind);
      try {
        const file = wxrWith(fresh.database.dataDir, '<p><b>x</b></p>'.repeat(12_000));
        const report = await importWordPress(fresh.wiring, file);
        const failed = report.items.filter((i) => i.outcome === 'failed');
        assert.equal(failed.length, 1);
        assert.equal(failed[0]?.id, '2');
        assert.equal(failed[0]?.title, 'Broken body');
        assert.match(failed[0]?.reason ?? '', /24,000 HTML elements/);
        assert.ok(await fresh.wiring.store.articles.findBySlug('high-water'));
        assert.ok(await fresh.wiring.store.articles.findBySlug('low-water'));
      } finally {
        await fresh.cleanup();
      }
    });
  });
}
