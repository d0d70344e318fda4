import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../errors.ts';
import { saveArticle } from '../articles.ts';
import { articleDraft, seedBasics } from '../testing/fixtures.ts';
import { createMemoryContext } from '../testing/in-memory-store.ts';
import {
  COMMENT_DIGEST_JOB,
  type CommentLimits,
  commentThread,
  deleteOwnComment,
  editableComment,
  editOwnComment,
  postComment,
} from './comments.ts';

const LIMITS: CommentLimits = { hourlyPerMember: 20, hourlyPerAddress: 60, digestMinutes: 15 };
const ana = { id: 7, name: 'Ana Reis', isBanned: false, tierId: null };
const ben = { id: 8, name: 'Ben Okafor', isBanned: false, tierId: null };

/**
 * A setting changed behind the services' back, announced as the settings service would: the
 * comment rules are read from the settings every reader page keeps, dropped on a change.
 */
function changeSetting(ctx: ReturnType<typeof createMemoryContext>, key: string, value: string): void {
  ctx.store.state.settings.set(key, value);
  ctx.changes.publish({ kind: 'settings' }, { isRemote: false });
}

/** One published article (`water`), comments on, under the site's settings given. */
async function publication(settings: Record<string, string> = {}) {
  const ctx = createMemoryContext({ now: '2026-03-01T09:00:00.000Z' });
  const basics = await ctx.store.transaction(seedBasics);
  await saveArticle(
    ctx,
    articleDraft({
      slug: 'water',
      status: 'published',
      publishedAt: '2026-02-28T09:05:00.000Z',
      authorIds: [basics.personId],
    }),
    { actor: 'cli' },
  );
  // Members' first comments are let through unless a test says otherwise.
  ctx.store.state.settings.set('comments_moderation', 'open');
  for (const [key, value] of Object.entries(settings)) ctx.store.state.settings.set(key, value);
  const post = (input: {
    member?: typeof ana;
    text: string;
    parentId?: number | null;
    sender?: string;
    limits?: CommentLimits;
  }) =>
    postComment(ctx, {
      slug: 'water',
      member: input.member ?? ana,
      text: input.text,
      parentId: input.parentId ?? null,
      wantsReplies: false,
      honeypot: '',
      sender: input.sender ?? '203.0.113.7',
      limits: input.limits ?? LIMITS,
    });
  return { ctx, post };
}

/** The error code a refused call throws. */
async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  assert.fail('expected a refusal');
}

describe('comments (in memory)', () => {
  test('posts a comment that shows in the thread with its sanitized HTML', async () => {
    const { ctx, post } = await publication();
    const posted = await post({ text: 'The **ledger** is <b>late</b>.' });
    assert.equal(posted.status, 'approved');
    const thread = await commentThread(ctx, { slug: 'water', member: ana });
    assert.equal(thread.count, 1);
    assert.equal(
      thread.threads[0]?.comment.html,
      '<p>The <strong>ledger</strong> is &lt;b&gt;late&lt;/b&gt;.</p>',
    );
    assert.equal(thread.threads[0]?.comment.isOwn, true);
    assert.ok(ctx.changed.some((c) => c.kind === 'article'));
  });

  test('holds a member’s first comment under the "first" policy, and every one under "all"', async () => {
    const { ctx, post } = await publication({ comments_moderation: 'first' });
    assert.equal((await post({ text: 'First words.' })).status, 'pending');
    assert.equal((await commentThread(ctx, { slug: 'water' })).count, 0);
    assert.ok([...ctx.store.state.jobs.values()].some((j) => j.kind === COMMENT_DIGEST_JOB));
    const first = [...ctx.store.state.comments.values()][0];
    assert.ok(first);
    first.status = 'approved';
    assert.equal((await post({ text: 'Second words.' })).status, 'approved');

    changeSetting(ctx, 'comments_moderation', 'all');
    assert.equal((await post({ text: 'Third words.' })).status, 'pending');
  });

  test('drops a post whose hidden field is filled, answering as if taken', async () => {
    const { ctx } = await publication();
    const result = await postComment(ctx, {
      slug: 'water',
      member: ana,
      text: 'Cheap pills',
      parentId: null,
      wantsReplies: false,
      honeypot: 'filled',
      sender: '203.0.113.7',
      limits: LIMITS,
    });
    assert.equal(result.status, 'dropped');
    assert.equal(ctx.store.state.comments.size, 0);
  });

  test('refuses the same text twice from one member, however it is spaced or cased', async () => {
    const { post } = await publication();
    await post({ text: 'Well argued.' });
    assert.equal(await codeOf(post({ text: '  WELL   argued.' })), 'VALIDATION_FAILED');
    assert.equal((await post({ member: ben, text: 'Well argued.' })).status, 'approved');
  });

  test('refuses comments past the hour’s limit per member and per address', async () => {
    const { ctx, post } = await publication();
    const limits = { ...LIMITS, hourlyPerMember: 2, hourlyPerAddress: 3 };
    await post({ text: 'one', limits });
    await post({ text: 'two', limits });
    assert.equal(await codeOf(post({ text: 'three', limits })), 'COMMENTS_RATE_LIMIT');
    await post({ member: ben, text: 'three', limits });
    assert.equal(await codeOf(post({ member: ben, text: 'four', limits })), 'COMMENTS_RATE_LIMIT');
    ctx.clock.set('2026-03-01T10:00:01.000Z');
    assert.equal((await post({ text: 'next hour', limits })).status, 'approved');
  });

  test('refuses a reply to a comment not shown under the article', async () => {
    const { post } = await publication({ comments_moderation: 'all' });
    const held = await post({ text: 'Held.' });
    assert.ok('id' in held);
    assert.equal(await codeOf(post({ member: ben, text: 'Reply', parentId: held.id })), 'VALIDATION_FAILED');
  });

  test('lets a member edit their comment for 15 minutes, not after', async () => {
    const { ctx, post } = await publication();
    const posted = await post({ text: 'Teh ledger.' });
    assert.ok('id' in posted);
    ctx.clock.set('2026-03-01T09:14:00.000Z');
    await editOwnComment(ctx, {
      slug: 'water',
      member: ana,
      id: posted.id,
      text: 'The ledger.',
      digestMinutes: 15,
    });
    assert.equal(ctx.store.state.comments.get(posted.id)?.body, 'The ledger.');
    assert.equal(
      await codeOf(
        editOwnComment(ctx, { slug: 'water', member: ben, id: posted.id, text: 'Mine', digestMinutes: 15 }),
      ),
      'COMMENT_NOT_FOUND',
    );
    ctx.clock.set('2026-03-01T09:15:00.000Z');
    assert.equal(
      await codeOf(
        editOwnComment(ctx, { slug: 'water', member: ana, id: posted.id, text: 'Late', digestMinutes: 15 }),
      ),
      'COMMENT_EDIT_CLOSED',
    );
  });

  test('holds an edited comment again where every comment waits for an editor', async () => {
    const { ctx, post } = await publication();
    const posted = await post({ text: 'Fine words.' });
    assert.ok('id' in posted);
    changeSetting(ctx, 'comments_moderation', 'all');
    const edited = await editOwnComment(ctx, {
      slug: 'water',
      member: ana,
      id: posted.id,
      text: 'Other words.',
      digestMinutes: 15,
    });
    assert.equal(edited.status, 'pending');
  });

  test('deletes a member’s own comment, its text with it, and keeps its place for replies', async () => {
    const { ctx, post } = await publication();
    const posted = await post({ text: 'Start here.' });
    assert.ok('id' in posted);
    await post({ member: ben, text: 'A reply.', parentId: posted.id });
    assert.equal(
      await codeOf(deleteOwnComment(ctx, { slug: 'water', member: ben, id: posted.id })),
      'COMMENT_NOT_FOUND',
    );
    await deleteOwnComment(ctx, { slug: 'water', member: ana, id: posted.id });
    const stored = ctx.store.state.comments.get(posted.id);
    assert.equal(stored?.status, 'deleted');
    assert.equal(stored?.body, '');
    const thread = await commentThread(ctx, { slug: 'water' });
    assert.equal(thread.threads[0]?.comment.status, 'deleted');
    assert.equal(thread.threads[0]?.replies.length, 1);
    assert.equal(thread.count, 1);
  });

  describe('once the article’s comments are closed', () => {
    const closings: [string, (ctx: Awaited<ReturnType<typeof publication>>['ctx']) => Promise<void>][] = [
      [
        'by age',
        async (ctx) => {
          changeSetting(ctx, 'comments_close_after_days', '1');
          ctx.clock.set('2026-03-01T09:10:00.000Z');
        },
      ],
      [
        'on the article',
        async (ctx) => {
          const article = [...ctx.store.state.articles.values()][0];
          if (article) article.hasComments = false;
        },
      ],
    ];
    for (const [how, close] of closings) {
      test(`refuses edits and replies, and still lets members delete their own (closed ${how})`, async () => {
        const { ctx, post } = await publication();
        const posted = await post({ text: 'Before closing.' });
        assert.ok('id' in posted);
        await close(ctx);
        const id = posted.id;
        assert.equal(
          await codeOf(editableComment(ctx, { slug: 'water', member: ana, id })),
          'COMMENTS_CLOSED_TO_EDITS',
        );
        assert.equal(
          await codeOf(
            editOwnComment(ctx, { slug: 'water', member: ana, id, text: 'After.', digestMinutes: 15 }),
          ),
          'COMMENTS_CLOSED_TO_EDITS',
        );
        assert.equal(ctx.store.state.comments.get(id)?.body, 'Before closing.');
        assert.equal(await codeOf(post({ member: ben, text: 'A reply.', parentId: id })), 'COMMENTS_CLOSED');
        await deleteOwnComment(ctx, { slug: 'water', member: ana, id });
        assert.equal(ctx.store.state.comments.get(id)?.status, 'deleted');
      });
    }

    test('the thread offers no edit link', async () => {
      const { ctx, post } = await publication();
      await post({ text: 'Before closing.' });
      changeSetting(ctx, 'comments_close_after_days', '1');
      ctx.clock.set('2026-03-01T09:10:00.000Z');
      const thread = await commentThread(ctx, { slug: 'water', member: ana });
      assert.equal(thread.isOpen, false);
      assert.equal(thread.threads[0]?.comment.canEdit, false);
    });
  });
});
