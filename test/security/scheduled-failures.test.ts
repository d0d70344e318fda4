// The scheduled publisher goes on past due articles that cannot be published: however many of
// the oldest fail, the ones after them go live (on SQLite and, with TEST_DATABASE_URL, PostgreSQL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { blankArticleInput, createArticle } from '../../src/services/newsroom/editor.ts';
import { publishDueArticles, transitionArticle } from '../../src/services/newsroom/workflow.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';

for (const kind of DATABASE_KINDS) {
  describe(`scheduled publishing past broken articles on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind, { now: new Date('2026-11-20T12:00:00.000Z') });
    });
    after(() => t.cleanup());

    test('22 due articles that fail do not hold up the one after them', async () => {
      const editor = await addStaff(t.wiring, 'editor', 'Eda Scheduler');
      const ids: number[] = [];
      for (let i = 0; i < 23; i++) {
        const article = await createArticle(t.wiring, editor, {
          ...blankArticleInput('en'),
          title: `Due ${i}`,
          bodyMarkdown: 'Words.',
        });
        await transitionArticle(t.wiring, editor, {
          articleId: article.id,
          action: 'schedule',
          publishAt: `2026-11-21T08:00:${String(i).padStart(2, '0')}Z`,
        });
        ids.push(article.id);
      }
      // The oldest 22 become unpublishable (an empty title cannot be saved); the newest is fine.
      for (const id of ids.slice(0, 22)) {
        const article = (await t.wiring.store.articles.findById(id))!;
        await t.wiring.store.articles.update(id, { ...article, title: '' }, article.version);
      }
      t.setNow(new Date('2026-11-21T09:00:00.000Z'));
      assert.equal(await publishDueArticles(t.wiring), 1);
      assert.equal((await t.wiring.store.articles.findById(ids[22]!))?.status, 'published');
      for (const id of ids.slice(0, 22))
        assert.equal((await t.wiring.store.articles.findById(id))?.status, 'scheduled');
      // Until their back-off runs out, later polls leave them be.
      assert.equal(await publishDueArticles(t.wiring), 0);
    });
  });
}
