import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backupDatabase, restoreDatabase } from '../../src/services/backup.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { deleteArticle } from '../../src/services/newsroom/deletion.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.resolve(repoRoot, '..', 'shared', 'fixtures');
const fixturesMissing = skipUnlessCI(existsSync(FIXTURES) ? undefined : `fixtures folder ${FIXTURES} absent`);

async function exportText(t: TestWiring): Promise<string> {
  let text = '';
  await exportPublication(t.wiring, {
    write: (piece) => {
      text += piece;
    },
  });
  return text;
}

/** Loads two imports, a correction, and one deleted article; returns the deleted article's id. */
async function loadPublication(t: TestWiring): Promise<number> {
  await importWordPress(t.wiring, path.join(FIXTURES, 'wxr/wordpress-importer/theme-unit-test-data.xml'));
  await importGhost(t.wiring, path.join(FIXTURES, 'ghost/ghost-core/v4_export.json'));
  const [article, deleted] = await t.wiring.store.articles.listAll();
  assert.ok(article && deleted);
  await t.wiring.store.corrections.add({
    articleId: article.id,
    kind: 'correction',
    note: 'An earlier version misspelt a name.',
    createdAt: '2026-11-20T12:00:00.000Z',
    updatedAt: null,
    withdrawnAt: null,
    withdrawnReason: null,
  });
  await deleteArticle(t.wiring, await addStaff(t.wiring, 'editor'), { articleId: deleted.id });
  return deleted.id;
}

/**
 * An export as an import into another instance keeps it: staff logins are not exported, so the
 * user ids in creators and revisions' actors are left out ('import' saved those revisions).
 */
function withoutUserIds(doc: Record<string, unknown>): Record<string, unknown> {
  const revisions = (list: unknown) =>
    (list as { actor: string }[]).map((r) => (/^\d+$/.test(r.actor) ? { ...r, actor: 'import' } : r));
  const rows = (key: string, map: (row: Record<string, unknown>) => Record<string, unknown>) => {
    doc[key] = (doc[key] as Record<string, unknown>[]).map(map);
  };
  for (const key of ['terms', 'people', 'pages'])
    rows(key, (row) => ({ ...row, revisions: revisions(row.revisions) }));
  rows('articles', (row) => ({ ...row, created_by: null, revisions: revisions(row.revisions) }));
  doc.settingsRevisions = revisions(doc.settingsRevisions);
  return doc;
}

for (const kind of DATABASE_KINDS) {
  describe(`export and restore on ${kind}`, { skip: fixturesMissing ?? false }, () => {
    test('importing an export into an empty instance gives the same publication, field by field', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      try {
        const deletedId = await loadPublication(source);
        const deleted = await source.wiring.store.articles.findDeleted(deletedId);
        assert.ok(deleted);
        const first = await exportText(source);
        const file = path.join(source.database.dataDir, 'export.json');
        (await import('node:fs')).writeFileSync(file, first);
        const report = await importJson(target.wiring, file);
        // The deleted article travels too, still deleted, with every revision.
        assert.equal(report.counts.article.imported, (await source.wiring.store.articles.count()) + 1);
        const [moved] = await target.wiring.store.articles.listDeleted(10);
        assert.ok(moved);
        assert.equal(moved.article.slug, deleted.article.slug);
        assert.equal(await target.wiring.store.articles.findBySlug(deleted.article.slug), undefined);
        assert.deepEqual(
          (await target.wiring.store.revisions.list('article', moved.article.id)).map((r) => r.note),
          (await source.wiring.store.revisions.list('article', deletedId)).map((r) => r.note),
        );
        const second = await exportText(target);
        const a = withoutUserIds(JSON.parse(first) as Record<string, unknown>);
        const b = JSON.parse(second) as Record<string, unknown>;
        for (const key of Object.keys(a)) {
          if (key === 'exportedAt') continue;
          assert.deepEqual(b[key], a[key], `section ${key} differs`);
        }
        assert.ok((a.articles as unknown[]).length > 60);
        const withComments = (a.articles as { comments: unknown[] }[]).filter((x) => x.comments.length > 0);
        assert.ok(withComments.length > 0, 'comments travel with their articles');
        const withCorrections = (a.articles as { corrections: unknown[] }[]).filter(
          (x) => x.corrections.length > 0,
        );
        assert.equal(withCorrections.length, 1);
        const countsBefore = [
          await target.wiring.store.articles.count(),
          (await target.wiring.store.comments.listAll()).length,
        ];
        const again = await importWordPress(
          target.wiring,
          path.join(FIXTURES, 'wxr/wordpress-importer/theme-unit-test-data.xml'),
        );
        assert.equal(again.counts.article.imported, 0, 'the restored mapping is used');
        assert.equal(again.counts.comment.imported, 0, 'comments are recognised by their source id');
        assert.deepEqual(
          [await target.wiring.store.articles.count(), (await target.wiring.store.comments.listAll()).length],
          countsBefore,
        );
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });

    test('backup while serving, refuse to restore over content, restore into an empty database', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      try {
        await importGhost(source.wiring, path.join(FIXTURES, 'ghost/ghost-core/v4_export.json'));
        const backup = await backupDatabase(source.wiring, {
          backupDir: path.join(source.database.dataDir, 'backups'),
        });
        assert.equal(backup.kind, kind === 'sqlite' ? 'sqlite' : 'json');
        assert.ok(existsSync(backup.file));
        await assert.rejects(restoreDatabase(source.wiring, backup.file, { force: false }), /--force/);
        await restoreDatabase(target.wiring, backup.file, { force: false });
        assert.equal(await target.wiring.store.articles.count(), await source.wiring.store.articles.count());
        const before = await exportText(source);
        const after = await exportText(target);
        const strip = (text: string) => ({ ...(JSON.parse(text) as object), exportedAt: null });
        assert.deepEqual(strip(after), strip(before));
        await restoreDatabase(source.wiring, backup.file, { force: true });
        assert.equal(await source.wiring.store.articles.count(), await target.wiring.store.articles.count());
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });

    test('exports Markdown files that front matter readers understand', async () => {
      const t = await createTestWiring(kind);
      try {
        await importGhost(t.wiring, path.join(FIXTURES, 'ghost/ghost-core/v4_export.json'));
        const folder = path.join(t.database.dataDir, 'md');
        const result = await exportMarkdown(t.wiring.store, folder, {
          mediaDir: path.join(t.database.dataDir, 'media'),
        });
        assert.equal(readdirSync(path.join(folder, 'articles')).length, result.articles);
        const welcome = readFileSync(path.join(folder, 'articles', 'welcome.md'), 'utf8');
        assert.match(welcome, /^---\ntitle: /);
        assert.match(welcome, /authors:\n {2}- name: /);
      } finally {
        await t.cleanup();
      }
    });
  });
}
