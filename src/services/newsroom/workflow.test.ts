import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { isAppError } from '../../errors.ts';
import { seedBasics, staffMember } from '../testing/fixtures.ts';
import { createMemoryContext } from '../testing/in-memory-store.ts';
import { blankArticleInput, createArticle } from './editor.ts';
import { publishDueArticles, publishScheduledArticle, transitionArticle } from './workflow.ts';

const hasCode = (code: string) => (error: unknown) => isAppError(error) && error.code === code;

async function newsroom() {
  const ctx = createMemoryContext({ now: '2026-03-01T09:00:00.000Z' });
  const basics = await ctx.store.transaction(seedBasics);
  const [editor, contributor] = await ctx.store.transaction(async (repos) => [
    await staffMember(repos, { role: 'editor', name: 'Eda Editor' }),
    await staffMember(repos, { role: 'contributor', name: 'Cy Contributor', personId: basics.personId }),
  ]);
  const draft = await createArticle(ctx, contributor!, {
    ...blankArticleInput('en'),
    title: 'Basin Budgets',
    bodyMarkdown: 'Words.',
  });
  return { ctx, editor: editor!, contributor: contributor!, draft };
}

describe('the editorial workflow (in memory)', () => {
  test('a contributor submits; an editor publishes, which dates it, indexes it and is audited', async () => {
    const { ctx, editor, contributor, draft } = await newsroom();
    const submitted = await transitionArticle(ctx, contributor, { articleId: draft.id, action: 'submit' });
    assert.equal(submitted.status, 'review');
    await assert.rejects(
      transitionArticle(ctx, contributor, { articleId: draft.id, action: 'publish' }),
      hasCode('PERMISSION_DENIED'),
    );
    const published = await transitionArticle(ctx, editor, { articleId: draft.id, action: 'publish' });
    assert.equal(published.status, 'published');
    assert.equal(published.publishedAt, '2026-03-01T09:00:00.000Z');
    assert.equal(await ctx.store.search.count(), 1);
    const revisions = await ctx.store.revisions.list('article', draft.id);
    assert.equal(revisions[0]?.note, 'In review → Published');
    assert.equal((await ctx.store.audit.list({ limit: 1 }))[0]?.action, 'article.publish');
  });

  test('a button pressed on an older version is an EDIT_CONFLICT and changes nothing', async () => {
    const { ctx, editor, draft } = await newsroom();
    await transitionArticle(ctx, editor, { articleId: draft.id, action: 'submit' });
    await assert.rejects(
      transitionArticle(ctx, editor, {
        articleId: draft.id,
        action: 'publish',
        expectedVersion: draft.version,
      }),
      hasCode('EDIT_CONFLICT'),
    );
    assert.equal((await ctx.store.articles.findById(draft.id))?.status, 'review');
  });

  test('scheduling needs a future time, and the article goes live once when it comes', async () => {
    const { ctx, editor, draft } = await newsroom();
    await assert.rejects(
      transitionArticle(ctx, editor, {
        articleId: draft.id,
        action: 'schedule',
        publishAt: '2026-02-01T00:00:00Z',
      }),
      (error: unknown) => isAppError(error) && error.details?.[0]?.field === 'publish_at',
    );
    const scheduled = await transitionArticle(ctx, editor, {
      articleId: draft.id,
      action: 'schedule',
      publishAt: '2026-03-02T08:00:00Z',
    });
    assert.equal(scheduled.status, 'scheduled');
    assert.equal(await publishDueArticles(ctx), 0);
    ctx.clock.set('2026-03-02T08:00:01.000Z');
    assert.equal(await publishDueArticles(ctx), 1);
    assert.equal(await publishScheduledArticle(ctx, draft.id), 'skipped');
    const live = await ctx.store.articles.findById(draft.id);
    assert.equal(live?.status, 'published');
    assert.equal(live?.publishedAt, '2026-03-02T08:00:00.000Z');
  });

  test('unpublishing takes the article out of the index', async () => {
    const { ctx, editor, draft } = await newsroom();
    await transitionArticle(ctx, editor, { articleId: draft.id, action: 'publish' });
    const unpublished = await transitionArticle(ctx, editor, { articleId: draft.id, action: 'unpublish' });
    assert.equal(unpublished.status, 'unpublished');
    assert.equal(await ctx.store.search.count(), 0);
  });

  test('due articles that cannot be published are skipped, logged once and tried later; the rest go live', async () => {
    const { ctx, editor } = await newsroom();
    const lines: { msg: string; articleId?: number }[] = [];
    ctx.log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) {
      const article = await createArticle(ctx, editor, {
        ...blankArticleInput('en'),
        title: `Due ${i}`,
        bodyMarkdown: 'Words.',
      });
      await transitionArticle(ctx, editor, {
        articleId: article.id,
        action: 'schedule',
        publishAt: `2026-03-02T08:00:${String(i).padStart(2, '0')}Z`,
      });
      ids.push(article.id);
    }
    // The 24 oldest due articles break (an empty title cannot be saved); the newest is fine.
    for (const id of ids.slice(0, 24)) {
      const article = (await ctx.store.articles.findById(id))!;
      await ctx.store.articles.update(id, { ...article, title: '' }, article.version);
    }
    ctx.clock.set('2026-03-02T09:00:00.000Z');
    assert.equal(await publishDueArticles(ctx), 1);
    assert.equal((await ctx.store.articles.findById(ids[24]!))?.status, 'published');
    const failures = () => lines.filter((l) => l.msg === 'could not publish a scheduled article');
    assert.deepEqual(
      failures().map((l) => l.articleId),
      ids.slice(0, 24),
    );
    // The next polls leave them alone until their back-off runs out; then each is tried once more.
    assert.equal(await publishDueArticles(ctx), 0);
    assert.equal(failures().length, 24);
    ctx.clock.set('2026-03-02T10:00:00.000Z');
    const fixed = (await ctx.store.articles.findById(ids[3]!))!;
    await ctx.store.articles.update(ids[3]!, { ...fixed, title: 'Mended' }, fixed.version);
    assert.equal(await publishDueArticles(ctx), 1);
    assert.equal((await ctx.store.articles.findById(ids[3]!))?.status, 'published');
    assert.equal(failures().length, 24, 'a failure already told is not logged again as an error');
  });
});
