import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importJson } from '../../src/services/import/json.ts';
import { makeUser } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const STAMP = '2026-11-01T08:00:00.000Z';

/** An export from another instance whose rows name that instance's users and rows. */
function exportNaming(userId: number) {
  return {
    format: 'pressroom-export',
    version: 1,
    exportedAt: STAMP,
    siteUrl: 'https://other.example',
    settings: [],
    taxonomies: [
      {
        slug: 'region',
        name: 'Region',
        plural_name: 'Regions',
        is_hierarchical: 1,
        is_multiple: 1,
        position: 1,
      },
    ],
    terms: [
      {
        taxonomy: 'region',
        slug: 'europe',
        parent: null,
        name: 'Europe',
        description: null,
        position: 0,
        created_at: STAMP,
        updated_at: STAMP,
        revisions: [],
      },
    ],
    people: [
      {
        slug: 'ana-reis',
        name: 'Ana Reis',
        bio: null,
        email: null,
        website: null,
        links: '[]',
        photo: null,
        created_at: STAMP,
        updated_at: STAMP,
        revisions: [
          {
            version: 1,
            actor: String(userId),
            note: null,
            created_at: STAMP,
            snapshot: { name: 'Ana Reis' },
          },
        ],
      },
    ],
    articles: [
      {
        slug: 'foreign',
        title: 'Written elsewhere',
        body_markdown: 'Words.',
        status: 'draft',
        published_at: null,
        created_at: STAMP,
        updated_at: STAMP,
        language: 'en',
        visibility: 'public',
        is_featured: 0,
        has_comments: 1,
        word_count: 1,
        version: 1,
        created_by: userId,
        authors: ['ana-reis', 'ghost-writer'],
        terms: ['region/europe', 'theme/missing'],
        corrections: [],
        comments: [],
        revisions: [
          {
            version: 1,
            actor: String(userId),
            note: null,
            created_at: STAMP,
            snapshot: { title: 'Written elsewhere', authors: ['ana-reis'], terms: ['region/europe'] },
          },
        ],
      },
    ],
    pages: [],
    settingsRevisions: [],
    media: [],
    redirects: [],
    importSources: [],
  };
}

for (const kind of DATABASE_KINDS) {
  describe(`import json keeps no ids of the exporting instance on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(async () => {
      await t.cleanup();
    });

    test('a creator or revision author that is a user id of the source is not pinned on the user with that id here', async () => {
      const editor = await makeUser(t.wiring, 'editor');
      const file = path.join(t.database.dataDir, 'foreign.json');
      writeFileSync(file, JSON.stringify(exportNaming(editor.id)));
      await importJson(t.wiring, file);
      const article = await t.wiring.store.articles.findBySlug('foreign');
      assert.ok(article);
      assert.equal(article.createdBy, null);
      const revisions = await t.wiring.store.revisions.list('article', article.id);
      assert.equal(revisions.length, 1);
      assert.notEqual(revisions[0]?.actor, String(editor.id));
      assert.equal(revisions[0]?.actor, 'import');
      const ana = await t.wiring.store.people.findBySlug('ana-reis');
      const personRevisions = await t.wiring.store.revisions.list('person', ana!.id);
      assert.deepEqual(
        personRevisions.map((r) => r.actor),
        ['import'],
      );
    });

    test('each author or term an article names that is not there is reported with the article', async () => {
      const file = path.join(t.database.dataDir, 'dangling.json');
      const doc = exportNaming(12345);
      doc.articles[0]!.slug = 'dangling';
      doc.articles[0]!.created_at = '2026-11-02T08:00:00.000Z';
      writeFileSync(file, JSON.stringify(doc));
      const report = await importJson(t.wiring, file);
      const article = await t.wiring.store.articles.findBySlug('dangling');
      assert.ok(article);
      assert.equal(article.authorIds.length, 1);
      assert.ok(
        report.warnings.some((w) => w.includes('dangling') && w.includes('ghost-writer')),
        report.warnings.join('\n'),
      );
      assert.ok(
        report.warnings.some((w) => w.includes('dangling') && w.includes('theme/missing')),
        report.warnings.join('\n'),
      );
    });
  });
}
