import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { createTestWiring, DATABASE_KINDS } from '../helpers/databases.ts';

const AT = '2026-01-01T00:00:00.000Z';

for (const kind of DATABASE_KINDS) {
  describe(`a publication file loaded on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-skeleton-load-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('gives its people the skeleton of their names, whatever the file says', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      try {
        await source.wiring.store.people.insert({
          slug: 'columnist-7',
          name: 'N\u0430dia Korvell',
          bio: null,
          bioHtml: null,
          email: null,
          website: null,
          links: [],
          photo: null,
          createdAt: AT,
          updatedAt: AT,
        });
        let text = '';
        await exportPublication(source.wiring, {
          write: (piece) => {
            text += piece;
          },
        });
        // An export leaves the skeleton out; a file that brings one (made by hand) is not believed.
        assert.doesNotMatch(text, /name_skeleton/);
        const file = path.join(folder, `${kind}.json`);
        const tampered = text.replace(
          /"slug": ?"columnist-7"/,
          '"slug": "columnist-7", "name_skeleton": "someone else"',
        );
        assert.notEqual(tampered, text);
        writeFileSync(file, tampered);
        const report = await importJson(target.wiring, file);
        assert.ok(!report.items.some((i) => i.outcome === 'failed'), JSON.stringify(report.items));
        const row = await target.wiring.database.db
          .selectFrom('people')
          .select('name_skeleton')
          .where('slug', '=', 'columnist-7')
          .executeTakeFirst();
        assert.equal(row?.name_skeleton, 'nadia korvell');
        assert.equal(
          (await target.wiring.store.people.findByNameSkeleton('Nadia Korvell'))?.slug,
          'columnist-7',
        );
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });
  });
}
