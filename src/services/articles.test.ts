import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../errors.ts';
import { draftOf, saveArticle } from './articles.ts';
import { articleDraft, seedBasics } from './testing/fixtures.ts';
import { createMemoryContext } from './testing/in-memory-store.ts';

const hasCode = (code: string, kind?: string) => (error: unknown) =>
  isAppError(error) && error.code === code && (kind === undefined || error.kind === kind);

describe('saving articles (in memory)', () => {
  test('a new article is rendered, counted, kept as revision 1 and remembers who created it', async () => {
    const ctx = createMemoryContext();
    const { personId } = await ctx.store.transaction(seedBasics);
    const { article, isNew } = await saveArticle(ctx, articleDraft({ authorIds: [personId] }), {
      actor: '7',
      createdBy: 7,
    });
    assert.equal(isNew, true);
    assert.match(article.bodyHtml, /<strong>river<\/strong>/);
    assert.equal(article.wordCount, 9);
    assert.equal(article.version, 1);
    assert.equal(article.createdBy, 7);
    const [revision] = await ctx.store.revisions.list('article', article.id);
    assert.deepEqual(revision?.snapshot, draftOf(article));
    // A draft shows in no listing, so the change drops none.
    assert.deepEqual(ctx.changed, [
      {
        kind: 'article',
        id: article.id,
        slugs: [article.slug],
        listings: { termIds: [], personIds: [], months: [] },
      },
    ]);
  });

  test('only published articles are in the search index', async () => {
    const ctx = createMemoryContext();
    const draft = await saveArticle(ctx, articleDraft(), { actor: 'cli' });
    assert.equal(await ctx.store.search.count(), 0);
    await saveArticle(
      ctx,
      { ...draftOf(draft.article), status: 'published', publishedAt: '2026-02-01T00:00:00Z' },
      {
        actor: 'cli',
        id: draft.article.id,
      },
    );
    assert.equal(await ctx.store.search.count(), 1);
  });

  test('a new slug leaves a permanent redirect from the old address, and the creator stays', async () => {
    const ctx = createMemoryContext();
    const first = await saveArticle(ctx, articleDraft(), { actor: '3', createdBy: 3 });
    const second = await saveArticle(
      ctx,
      { ...draftOf(first.article), slug: 'every-cubic-metre' },
      {
        actor: '4',
        id: first.article.id,
        createdBy: 4,
      },
    );
    assert.equal(second.previousSlug, 'counting-every-cubic-metre');
    assert.equal(second.article.createdBy, 3);
    assert.deepEqual(await ctx.store.redirects.find('/articles/counting-every-cubic-metre'), {
      fromPath: '/articles/counting-every-cubic-metre',
      toPath: '/articles/every-cubic-metre',
      statusCode: 301,
    });
    assert.equal((await ctx.store.revisions.list('article', first.article.id)).length, 2);
  });

  test('a save from an older version is an EDIT_CONFLICT and writes nothing', async () => {
    const ctx = createMemoryContext();
    const { article } = await saveArticle(ctx, articleDraft(), { actor: 'cli' });
    await saveArticle(
      ctx,
      { ...draftOf(article), title: 'Second' },
      { actor: 'cli', id: article.id, expectedVersion: 1 },
    );
    await assert.rejects(
      saveArticle(
        ctx,
        { ...draftOf(article), title: 'Stale' },
        { actor: 'cli', id: article.id, expectedVersion: 1 },
      ),
      hasCode('EDIT_CONFLICT', 'conflict'),
    );
    const stored = await ctx.store.articles.findById(article.id);
    assert.equal(stored?.title, 'Second');
    assert.equal((await ctx.store.revisions.list('article', article.id)).length, 2);
  });

  test('refuses authors and terms that do not exist, and another article’s slug, naming the field', async () => {
    const ctx = createMemoryContext();
    await assert.rejects(
      saveArticle(ctx, articleDraft({ authorIds: [999], termIds: [998] }), { actor: 'cli' }),
      (error: unknown) =>
        hasCode('VALIDATION_FAILED', 'invalid')(error) &&
        isAppError(error) &&
        JSON.stringify(error.details?.map((d) => d.field)) === '["authors","terms"]',
    );
    const { article } = await saveArticle(ctx, articleDraft({ slug: 'taken' }), { actor: 'cli' });
    const other = await saveArticle(ctx, articleDraft({ slug: 'other' }), { actor: 'cli' });
    await assert.rejects(
      saveArticle(
        ctx,
        { ...draftOf(other.article), slug: article.slug },
        { actor: 'cli', id: other.article.id },
      ),
      hasCode('SLUG_TAKEN', 'conflict'),
    );
    assert.equal(await ctx.store.articles.count(), 2);
  });
});
