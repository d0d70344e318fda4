import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ARTICLE_STATUSES, type ArticleStatus } from '../../domain/article.ts';
import { listingScope } from '../../domain/listing.ts';
import type { Role } from '../../domain/user.ts';
import { isAppError } from '../../errors.ts';
import { saveArticle } from '../articles.ts';
import { Reader } from '../reader.ts';
import { articleDraft, seedBasics, staffMember } from '../testing/fixtures.ts';
import { createMemoryContext } from '../testing/in-memory-store.ts';
import { deleteArticle, listDeletedArticles, planDeletion, restoreArticle } from './deletion.ts';
import type { Staff } from './staff.ts';
import { publishDueArticles } from './workflow.ts';

const hasCode = (code: string) => (error: unknown) => isAppError(error) && error.code === code;
const onField = (field: string) => (error: unknown) =>
  isAppError(error) && error.code === 'VALIDATION_FAILED' && error.details?.[0]?.field === field;

const NOW = '2026-03-01T09:00:00.000Z';
const EARLIER = '2026-02-01T08:00:00.000Z';
const LATER = '2026-03-05T08:00:00.000Z';

async function newsroom() {
  const ctx = createMemoryContext({ now: NOW });
  const basics = await ctx.store.transaction(seedBasics);
  const staff = await ctx.store.transaction(async (repos) => {
    const writerOf = async (name: string) =>
      repos.people.insert({
        slug: name.toLowerCase().replace(/\W+/g, '-'),
        name,
        bio: null,
        bioHtml: null,
        email: null,
        website: null,
        links: [],
        photo: null,
        createdAt: EARLIER,
        updatedAt: EARLIER,
      });
    const members = new Map<Role, Staff>();
    for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
      const personId = await writerOf(`${role} writer`);
      members.set(role, await staffMember(repos, { role, name: `A ${role}`, personId }));
    }
    return members;
  });
  let count = 0;
  /** An article in `status`, bylined to `owner` (a person of one of the staff), or to Ana Reis. */
  const article = async (
    status: ArticleStatus,
    owner?: Staff,
    extra: { slug?: string; termIds?: number[] } = {},
  ) => {
    count++;
    const publishedAt =
      status === 'scheduled' ? LATER : status === 'published' || status === 'unpublished' ? EARLIER : null;
    const { article: saved } = await saveArticle(
      ctx,
      articleDraft({
        slug: extra.slug ?? `article-${count}`,
        title: `Article ${count}`,
        status,
        publishedAt,
        authorIds: [owner?.personId ?? basics.personId],
        termIds: extra.termIds ?? [],
      }),
      { actor: 'test' },
    );
    return saved;
  };
  const as = (role: Role) => staff.get(role)!;
  return { ctx, basics, as, article };
}

describe('deleting an article (in memory)', () => {
  test('contributors never delete; authors their own outside review and schedule; editors and admins any', async () => {
    const { ctx, as, article } = await newsroom();
    const expected = (role: Role, status: ArticleStatus, isOwn: boolean): boolean => {
      if (role === 'editor' || role === 'admin') return true;
      if (role === 'contributor') return false;
      return isOwn && status !== 'review' && status !== 'scheduled';
    };
    const outcomes: string[] = [];
    for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
      for (const status of ARTICLE_STATUSES) {
        for (const isOwn of [true, false]) {
          const target = await article(status, isOwn ? as(role) : undefined);
          const revisionsBefore = (await ctx.store.revisions.list('article', target.id)).length;
          const attempt = deleteArticle(ctx, as(role), { articleId: target.id });
          if (expected(role, status, isOwn)) {
            await attempt;
            assert.equal(await ctx.store.articles.findById(target.id), undefined);
            outcomes.push(`${role} ${status} ${isOwn ? 'own' : 'other'}: deleted`);
          } else {
            await assert.rejects(attempt, hasCode('PERMISSION_DENIED'), `${role} ${status} own=${isOwn}`);
            assert.equal((await ctx.store.articles.findById(target.id))?.status, status);
            assert.equal((await ctx.store.revisions.list('article', target.id)).length, revisionsBefore);
            outcomes.push(`${role} ${status} ${isOwn ? 'own' : 'other'}: refused`);
          }
        }
      }
    }
    assert.equal(outcomes.length, 4 * ARTICLE_STATUSES.length * 2);
    assert.equal(outcomes.filter((o) => o.endsWith('deleted')).length, 2 * 5 * 2 + 3);
  });

  test('an author is told to take back an article in review, not just refused', async () => {
    const { ctx, as, article } = await newsroom();
    const inReview = await article('review', as('author'));
    await assert.rejects(
      planDeletion(ctx, as('author'), inReview.id),
      (error) => isAppError(error) && /Take it back to draft first/.test(error.message),
    );
  });

  test('keeps every revision and adds one, audits, and takes a published article off the site', async () => {
    const { ctx, as, article, basics } = await newsroom();
    const region = basics.taxonomies.get('region')!;
    const europe = await ctx.store.transaction((repos) =>
      repos.taxonomies.insertTerm(
        {
          taxonomyId: region,
          slug: 'europe',
          name: 'Europe',
          description: null,
          descriptionHtml: null,
          parentId: null,
          position: 0,
        },
        EARLIER,
      ),
    );
    const target = await article('published', undefined, { slug: 'ledger', termIds: [europe] });
    await saveArticle(ctx, { ...target, title: 'The ledger, revised' }, { actor: 'test', id: target.id });
    const before = await ctx.store.revisions.list('article', target.id);
    assert.equal(before.length, 2);
    assert.equal((await ctx.store.listings.get(listingScope.site)).count, 1);
    assert.equal(await ctx.store.search.count(), 1);
    ctx.changed.length = 0;

    const { article: deleted, address } = await deleteArticle(ctx, as('editor'), {
      articleId: target.id,
      expectedVersion: 2,
    });
    assert.deepEqual(address, { kind: 'gone', path: '/articles/ledger' });
    assert.equal(deleted.status, 'unpublished');

    const revisions = await ctx.store.revisions.list('article', target.id);
    assert.equal(revisions.length, 3);
    assert.deepEqual(
      revisions.slice(1).map((r) => r.id),
      before.map((r) => r.id),
    );
    assert.equal(revisions[0]?.version, 3);
    assert.equal(revisions[0]?.note, 'Deleted (was published); /articles/ledger answers 410 Gone');
    assert.equal((revisions[0]?.snapshot as { title?: string } | undefined)?.title, 'The ledger, revised');
    const [entry] = await ctx.store.audit.list({ limit: 1 });
    assert.equal(entry?.action, 'article.delete');
    assert.equal(entry?.entityId, String(target.id));
    assert.equal(entry?.actorUserId, as('editor').id);

    assert.equal(await ctx.store.articles.findById(target.id), undefined);
    assert.equal(await ctx.store.articles.findBySlug('ledger'), undefined);
    assert.equal((await ctx.store.articles.listAll()).length, 0);
    assert.equal((await ctx.store.articles.findDeleted(target.id))?.article.slug, 'ledger');
    assert.equal((await ctx.store.listings.get(listingScope.site)).count, 0);
    assert.equal((await ctx.store.listings.get(listingScope.term(europe))).count, 0);
    assert.equal(await ctx.store.search.count(), 0);
    const reader = new Reader(ctx);
    assert.equal(await reader.article('ledger'), undefined);
    assert.deepEqual(await reader.oldAddress('/articles/ledger'), { kind: 'gone' });
    assert.deepEqual(ctx.changed, [
      {
        kind: 'article',
        id: target.id,
        slugs: ['ledger'],
        listings: { termIds: [europe], personIds: [basics.personId], months: ['2026-02'] },
      },
    ]);
    // Deleted once: a second attempt finds nothing.
    await assert.rejects(
      deleteArticle(ctx, as('editor'), { articleId: target.id }),
      hasCode('ARTICLE_NOT_FOUND'),
    );
  });

  test('a draft never published leaves no address behind', async () => {
    const { ctx, as, article } = await newsroom();
    const draft = await article('draft', as('author'), { slug: 'private-notes' });
    const { address } = await deleteArticle(ctx, as('author'), { articleId: draft.id });
    assert.deepEqual(address, { kind: 'none' });
    assert.equal(await ctx.store.redirects.find('/articles/private-notes'), undefined);
    assert.equal((await ctx.store.revisions.list('article', draft.id))[0]?.note, 'Deleted (was draft)');
  });

  test('a redirect target is checked like any link, and older addresses follow it', async () => {
    const { ctx, as, article } = await newsroom();
    const target = await article('published', undefined, { slug: 'old-title' });
    await saveArticle(ctx, { ...target, slug: 'new-title' }, { actor: 'test', id: target.id });
    await article('published', undefined, { slug: 'successor' });
    const editor = as('editor');
    for (const bad of [
      'javascript:alert(1)',
      '//evil.example',
      '/\\evil.example',
      'ftp://x.example/',
      '/new-title/../admin',
    ]) {
      await assert.rejects(
        deleteArticle(ctx, editor, { articleId: target.id, redirectTo: bad }),
        onField('redirect_to'),
        bad,
      );
    }
    await assert.rejects(
      deleteArticle(ctx, editor, { articleId: target.id, redirectTo: '/articles/new-title' }),
      onField('redirect_to'),
    );
    // An address that already redirects to this article would lead back to it.
    await assert.rejects(
      deleteArticle(ctx, editor, { articleId: target.id, redirectTo: '/articles/old-title' }),
      onField('redirect_to'),
    );
    assert.ok(await ctx.store.articles.findById(target.id), 'refused redirects delete nothing');

    const { address } = await deleteArticle(ctx, editor, {
      articleId: target.id,
      redirectTo: ' /articles/successor ',
    });
    assert.deepEqual(address, { kind: 'moved', path: '/articles/new-title', to: '/articles/successor' });
    const reader = new Reader(ctx);
    assert.deepEqual(await reader.oldAddress('/articles/new-title'), {
      kind: 'moved',
      to: '/articles/successor',
    });
    assert.deepEqual(await reader.oldAddress('/articles/old-title'), {
      kind: 'moved',
      to: '/articles/successor',
    });

    const never = await article('draft', undefined, { slug: 'never-out' });
    await assert.rejects(
      deleteArticle(ctx, editor, { articleId: never.id, redirectTo: '/articles/successor' }),
      onField('redirect_to'),
    );
    const gone = await article('published', undefined, { slug: 'gone-one' });
    await deleteArticle(ctx, editor, { articleId: gone.id });
    const another = await article('published', undefined, { slug: 'another' });
    await assert.rejects(
      deleteArticle(ctx, editor, { articleId: another.id, redirectTo: '/articles/gone-one' }),
      onField('redirect_to'),
    );
    const external = await deleteArticle(ctx, editor, {
      articleId: another.id,
      redirectTo: 'https://partner.example/Ünïcode?from=pressroom',
    });
    assert.deepEqual(external.address, {
      kind: 'moved',
      path: '/articles/another',
      to: 'https://partner.example/%C3%9Cn%C3%AFcode?from=pressroom',
    });
  });

  test('a deletion confirmed on an older version is an EDIT_CONFLICT and changes nothing', async () => {
    const { ctx, as, article } = await newsroom();
    const target = await article('published');
    await saveArticle(ctx, { ...target, title: 'Changed meanwhile' }, { actor: 'test', id: target.id });
    await assert.rejects(
      deleteArticle(ctx, as('editor'), { articleId: target.id, expectedVersion: 1 }),
      hasCode('EDIT_CONFLICT'),
    );
    assert.equal((await ctx.store.articles.findById(target.id))?.status, 'published');
    assert.equal(await ctx.store.redirects.find(`/articles/${target.slug}`), undefined);
  });

  test('a deleted scheduled article never goes live', async () => {
    const { ctx, as, article } = await newsroom();
    const scheduled = await article('scheduled');
    const { address } = await deleteArticle(ctx, as('editor'), { articleId: scheduled.id });
    assert.deepEqual(address, { kind: 'none' });
    ctx.clock.set('2026-03-06T00:00:00.000Z');
    assert.equal(await publishDueArticles(ctx), 0);
    assert.equal((await ctx.store.listings.get(listingScope.site)).count, 0);
  });

  test('frees the slug; an admin restores the article unpublished once the slug is free again', async () => {
    const { ctx, as, article } = await newsroom();
    const target = await article('published', undefined, { slug: 'ledger' });
    await deleteArticle(ctx, as('editor'), { articleId: target.id });
    const successor = await article('draft', undefined, { slug: 'ledger' });
    await assert.rejects(
      restoreArticle(ctx, as('editor'), { articleId: target.id }),
      hasCode('PERMISSION_DENIED'),
    );
    await assert.rejects(listDeletedArticles(ctx, as('editor')), hasCode('PERMISSION_DENIED'));
    assert.deepEqual(
      (await listDeletedArticles(ctx, as('admin'))).map((row) => [row.article.id, row.article.slug]),
      [[target.id, 'ledger']],
    );
    await assert.rejects(restoreArticle(ctx, as('admin'), { articleId: target.id }), hasCode('SLUG_TAKEN'));
    await saveArticle(ctx, { ...successor, slug: 'ledger-two' }, { actor: 'test', id: successor.id });

    const restored = await restoreArticle(ctx, as('admin'), { articleId: target.id });
    assert.equal(restored.slug, 'ledger');
    assert.equal(restored.status, 'unpublished');
    assert.equal((await ctx.store.articles.findBySlug('ledger'))?.id, target.id);
    assert.equal(await ctx.store.redirects.find('/articles/ledger'), undefined);
    assert.deepEqual(
      (await ctx.store.revisions.list('article', target.id)).map((r) => r.note?.split(';')[0] ?? null),
      ['Restored (as unpublished)', 'Deleted (was published)', null],
    );
    assert.equal((await ctx.store.audit.list({ limit: 1 }))[0]?.action, 'article.restore');
    assert.deepEqual(await listDeletedArticles(ctx, as('admin')), []);
    await assert.rejects(
      restoreArticle(ctx, as('admin'), { articleId: target.id }),
      hasCode('ARTICLE_NOT_FOUND'),
    );
  });
});
