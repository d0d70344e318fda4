import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';

const SITE = 'https://review.example';
const COMMENTS = '/articles/long-thread/comments';
const TOP_LEVEL = 300;
const REPLIES = 60;
const PAGE_SIZE = 50;
const REPLY_CAP = 20;

/** The ids of the comments shown at the top level of a page, in the order shown. */
function topLevelIds(body: string): number[] {
  return [...body.matchAll(/<li class="comment comment--depth-1" id="comment-(\d+)"/g)].map((m) =>
    Number(m[1]),
  );
}

/** The ids of the replies shown (any depth below the top). */
function replyIds(body: string): number[] {
  return [...body.matchAll(/<li class="comment comment--depth-[2-9]" id="comment-(\d+)"/g)].map((m) =>
    Number(m[1]),
  );
}

/** The address of the link whose text is `label`, as a browser would follow it. */
function linkTo(body: string, label: string): string | undefined {
  const found = new RegExp(`<a href="([^"]+)"[^>]*>${label}</a>`).exec(body)?.[1];
  return found?.replaceAll('&amp;', '&').replace(/#.*$/, '');
}

for (const kind of DATABASE_KINDS) {
  describe(`long comment threads are paged on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    /** Top-level ids oldest first (time, then id: equal times come in threes). */
    let oldestFirst: number[] = [];
    let threadRoot = 0;
    const threadReplies: number[] = [];

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      app = await buildApp(t.wiring, { shouldLog: false });
      const { article } = await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'long-thread',
          title: 'Long thread',
          status: 'published',
          publishedAt: '2026-11-01T09:00:00.000Z',
        }),
        { actor: 'cli' },
      );
      const base = {
        articleId: article.id,
        authorEmail: null,
        authorUrl: null,
        status: 'approved' as const,
        kind: 'comment' as const,
        parentId: null,
      };
      // Inserted out of time order, and three to a timestamp, so that only the tie-break on id
      // orders a page's edge.
      const minute = (n: number) => new Date(Date.UTC(2026, 10, 2, 0, n)).toISOString();
      const records = Array.from({ length: TOP_LEVEL }, (_, i) => ({
        ...base,
        authorName: `Reader ${i}`,
        body: `Comment ${i}`,
        createdAt: minute(Math.floor(((i * 7) % TOP_LEVEL) / 3)),
        sourceId: `top:${i}`,
      }));
      await t.wiring.store.comments.insertMany(records);
      const rows = await t.wiring.database.db
        .selectFrom('comments')
        .select('id')
        .where('article_id', '=', article.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      oldestFirst = rows.map((r) => r.id);
      threadRoot = oldestFirst[3] as number;
      // Forty replies to the root, then twenty to its first reply: one thread, nested.
      let firstReply = 0;
      for (let i = 0; i < REPLIES; i++) {
        const id = await t.wiring.store.comments.insert({
          ...base,
          parentId: i < 40 ? threadRoot : firstReply,
          authorName: `Replier ${i}`,
          body: `Reply ${i}`,
          createdAt: new Date(Date.UTC(2026, 10, 3, 0, i)).toISOString(),
          sourceId: `reply:${i}`,
        });
        if (i === 0) firstReply = id;
        threadReplies.push(id);
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /** Follows `label` links from `start`, collecting the top-level comments of every page. */
    async function walk(start: string, label: string): Promise<{ ids: number[]; pages: number[] }> {
      const ids: number[] = [];
      const pages: number[] = [];
      let next: string | undefined = start;
      while (next) {
        const page: Awaited<ReturnType<FastifyInstance['inject']>> = await app.inject(next);
        assert.equal(page.statusCode, 200, `${next}: ${page.body.slice(0, 300)}`);
        const shown = topLevelIds(page.body);
        ids.push(...shown);
        pages.push(shown.length);
        next = linkTo(page.body, label);
        assert.ok(pages.length <= TOP_LEVEL / PAGE_SIZE + 1, 'the links end');
      }
      return { ids, pages };
    }

    test('the first page shows a page of top-level comments, and the links walk every one once, oldest first', async () => {
      const first = await app.inject(COMMENTS);
      assert.equal(topLevelIds(first.body).length, PAGE_SIZE);
      assert.match(
        first.body,
        new RegExp(`${TOP_LEVEL + REPLIES} comments`),
        'the count is of every approved comment',
      );
      assert.equal(linkTo(first.body, 'Older comments'), undefined, 'nothing before the first page');
      const { ids, pages } = await walk(COMMENTS, 'Newer comments');
      assert.deepEqual(ids, oldestFirst);
      assert.deepEqual(pages, [50, 50, 50, 50, 50, 50]);
    });

    test('newest first, the links walk them all in the other order; going back returns the page before', async () => {
      const { ids } = await walk(`${COMMENTS}?order=newest`, 'Older comments');
      assert.deepEqual(ids, [...oldestFirst].reverse());
      const first = await app.inject(`${COMMENTS}?order=newest`);
      const second = await app.inject(linkTo(first.body, 'Older comments') as string);
      const back = await app.inject(linkTo(second.body, 'Newer comments') as string);
      assert.deepEqual(topLevelIds(back.body), topLevelIds(first.body));
      assert.equal(linkTo(back.body, 'Newer comments'), undefined, 'the first page again has nothing newer');
    });

    test('the fragment shows the first page, its links lead to the plain page', async () => {
      const fragment = await app.inject(`${COMMENTS}/fragment`);
      assert.equal(fragment.statusCode, 200);
      assert.equal(fragment.headers['cache-control'], 'no-store');
      assert.deepEqual(topLevelIds(fragment.body), oldestFirst.slice(0, PAGE_SIZE));
      const next = linkTo(fragment.body, 'Newer comments');
      assert.ok(next?.startsWith(`${COMMENTS}?`), String(next));
      assert.deepEqual(
        topLevelIds((await app.inject(next as string)).body),
        oldestFirst.slice(PAGE_SIZE, 2 * PAGE_SIZE),
      );
    });

    test('a long thread shows its first replies and links to its own page, which pages through them all', async () => {
      const first = await app.inject(COMMENTS);
      const shown = replyIds(first.body);
      assert.equal(shown.length, REPLY_CAP);
      // Oldest first by time: the first reply, then its twenty replies come later than the
      // root's first twenty replies.
      assert.deepEqual(new Set(shown), new Set(threadReplies.slice(0, REPLY_CAP)));
      const more = linkTo(first.body, `${REPLIES - REPLY_CAP} more replies`);
      assert.ok(more, 'a link to the rest of the thread');
      const seen: number[] = [];
      let next: string | undefined = more;
      let pages = 0;
      while (next) {
        const page: Awaited<ReturnType<FastifyInstance['inject']>> = await app.inject(next);
        assert.equal(page.statusCode, 200);
        assert.deepEqual(topLevelIds(page.body), [threadRoot], 'the thread page shows its comment');
        seen.push(...replyIds(page.body));
        next = linkTo(page.body, 'Later replies');
        pages++;
        assert.ok(pages <= 3);
      }
      assert.equal(pages, 2);
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        [...threadReplies].sort((a, b) => a - b),
      );
    });

    test('a reply link keeps the reader on the page they read', async () => {
      const first = await app.inject(COMMENTS);
      const second = linkTo(first.body, 'Newer comments') as string;
      const page = await app.inject(second);
      const target = topLevelIds(page.body)[4] as number;
      const reply = /<a class="comment__reply" href="([^"]+)"/.exec(
        page.body.slice(page.body.indexOf(`id="comment-${target}"`)),
      )?.[1];
      assert.ok(reply, 'comments are open to replies');
      const href = reply.replaceAll('&amp;', '&');
      assert.match(href, new RegExp(`after=[^&]+&reply=${target}#comment-form$`));
      const replying = await app.inject(href.replace(/#.*$/, ''));
      assert.deepEqual(topLevelIds(replying.body), topLevelIds(page.body), 'the same page');
    });

    test('an imported comment given a parent later takes its replies into its new thread', async () => {
      const article = await t.wiring.store.articles.findBySlug('long-thread');
      assert.ok(article);
      const record = {
        articleId: article.id,
        authorEmail: null,
        authorUrl: null,
        status: 'approved' as const,
        kind: 'comment' as const,
        authorName: 'Importer',
        body: 'Moved',
        createdAt: '2026-11-04T00:00:00.000Z',
        sourceId: null,
      };
      const head = await t.wiring.store.comments.insert({ ...record, parentId: null });
      const middle = await t.wiring.store.comments.insert({ ...record, parentId: null });
      const leaf = await t.wiring.store.comments.insert({ ...record, parentId: middle });
      const rootOf = async (id: number) =>
        (
          await t.wiring.database.db
            .selectFrom('comments')
            .select('root_id')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).root_id;
      assert.equal(await rootOf(leaf), middle);
      await t.wiring.store.comments.update(middle, { ...record, parentId: head });
      assert.deepEqual([await rootOf(head), await rootOf(middle), await rootOf(leaf)], [null, head, head]);
      const thread = await app.inject(`${COMMENTS}?thread=${head}`);
      assert.deepEqual(topLevelIds(thread.body), [head]);
      assert.deepEqual(new Set(replyIds(thread.body)), new Set([middle, leaf]));
      await t.wiring.store.comments.update(middle, { ...record, parentId: null });
      assert.deepEqual([await rootOf(middle), await rootOf(leaf)], [null, middle]);
      for (const id of [leaf, middle, head])
        await t.wiring.database.db.deleteFrom('comments').where('id', '=', id).execute();
    });

    test('replies to a member who erases their account start threads of their own, their replies under them', async () => {
      const article = await t.wiring.store.articles.findBySlug('long-thread');
      assert.ok(article);
      await addSignedInMember(t.wiring.database.db, {
        email: 'leaving@example.org',
        name: 'Leaving',
        isPaid: false,
        now: t.wiring.now(),
      });
      const member = await t.wiring.database.db
        .selectFrom('members')
        .select('id')
        .where('email', '=', 'leaving@example.org')
        .executeTakeFirstOrThrow();
      const theirs = await t.wiring.store.comments.insertMemberComment({
        articleId: article.id,
        parentId: null,
        memberId: member.id,
        authorName: 'Leaving',
        body: 'Gone soon',
        bodyHtml: '<p>Gone soon</p>',
        status: 'approved',
        createdAt: '2026-11-05T00:00:00.000Z',
        senderKey: 'k',
        hasReplyNotice: false,
      });
      const record = {
        articleId: article.id,
        authorEmail: null,
        authorUrl: null,
        status: 'approved' as const,
        kind: 'comment' as const,
        authorName: 'Staying',
        body: 'Stays',
        sourceId: null,
      };
      const answer = await t.wiring.store.comments.insert({
        ...record,
        parentId: theirs,
        createdAt: '2026-11-05T01:00:00.000Z',
      });
      const below = await t.wiring.store.comments.insert({
        ...record,
        parentId: answer,
        createdAt: '2026-11-05T02:00:00.000Z',
      });
      await t.wiring.store.members.delete(member.id);
      const thread = await app.inject(`${COMMENTS}?thread=${answer}`);
      assert.equal(thread.statusCode, 200);
      assert.deepEqual(topLevelIds(thread.body), [answer]);
      assert.deepEqual(replyIds(thread.body), [below]);
      const last = await app.inject(`${COMMENTS}?order=newest`);
      assert.deepEqual(topLevelIds(last.body).slice(0, 1), [answer], 'the reply now stands at the top level');
      for (const id of [below, answer])
        await t.wiring.database.db.deleteFrom('comments').where('id', '=', id).execute();
    });

    test('a bad cursor or thread is a 400 page that names it, never a 500', async () => {
      for (const query of [
        'after=yesterday',
        'after=2026-11-02T00:00:00.000Z,abc',
        'before=,5',
        `after=${'9'.repeat(40)}`,
        'after=2026-11-02T00:00:00.000Z,1&before=2026-11-02T00:00:00.000Z,2',
        'thread=zero',
        'thread=-4',
      ]) {
        for (const path of [COMMENTS, `${COMMENTS}/fragment`]) {
          const response = await app.inject(`${path}?${query}`);
          assert.equal(response.statusCode, 400, `${path}?${query}`);
          assert.match(response.body, /after|before|thread/, `${path}?${query}: names the parameter`);
        }
      }
      assert.equal((await app.inject(`${COMMENTS}?thread=999999`)).statusCode, 404, 'no such thread');
    });
  });
}
