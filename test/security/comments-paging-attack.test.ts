import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { memberCookieName } from '../../src/web/public/member-cookie.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import { Visitor } from '../helpers/visitor.ts';

const SITE = 'https://paging-attack.example';
const COMMENTS = '/articles/paged-thread/comments';

for (const kind of DATABASE_KINDS) {
  describe(`comment paging and sign-in returns as an outsider tries them, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const ids: Record<string, number> = {};

    const addComment = async (input: {
      slug: string;
      body: string;
      status: string;
      parentId?: number;
      rootId?: number;
      memberId?: number;
      createdAt: string;
    }): Promise<number> => {
      const db = t.wiring.database.db;
      const article = await db
        .selectFrom('articles')
        .select('id')
        .where('slug', '=', input.slug)
        .executeTakeFirstOrThrow();
      const row = await db
        .insertInto('comments')
        .values({
          article_id: article.id,
          author_name: 'Someone',
          body: input.body,
          body_html: `<p>${input.body}</p>`,
          status: input.status,
          kind: 'comment',
          parent_id: input.parentId ?? null,
          root_id: input.rootId ?? null,
          member_id: input.memberId ?? null,
          created_at: input.createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const slug of ['paged-thread', 'other-thread'])
        await saveArticle(
          t.wiring,
          articleDraft({ slug, title: slug, status: 'published', publishedAt: '2026-11-01T09:00:00.000Z' }),
          { actor: 'cli' },
        );
      ids.root = await addComment({
        slug: 'paged-thread',
        body: 'A visible root',
        status: 'approved',
        createdAt: '2026-11-02T10:00:00.000Z',
      });
      ids.reply = await addComment({
        slug: 'paged-thread',
        body: 'A visible reply',
        status: 'approved',
        parentId: ids.root,
        rootId: ids.root,
        createdAt: '2026-11-02T10:05:00.000Z',
      });
      ids.heldReply = await addComment({
        slug: 'paged-thread',
        body: 'Secret held reply',
        status: 'pending',
        parentId: ids.root,
        rootId: ids.root,
        createdAt: '2026-11-02T10:06:00.000Z',
      });
      for (const status of ['pending', 'spam', 'deleted', 'rejected'])
        ids[status] = await addComment({
          slug: 'paged-thread',
          body: `Secret ${status} root`,
          status,
          createdAt: '2026-11-02T11:00:00.000Z',
        });
      ids.other = await addComment({
        slug: 'other-thread',
        body: 'Another article’s root',
        status: 'approved',
        createdAt: '2026-11-02T10:00:00.000Z',
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('hostile places and threads get a 400 naming the parameter or a 404, never a 500 or an echo', async () => {
      const hostile = [
        '2026-02-30T10:00:00.000Z,1',
        '0000-01-01T00:00:00.000Z,1',
        '2026-11-02T24:00:00Z,1',
        '2026-11-02T10:00:00.123456789012Z,1',
        '2026-11-02T10:00+14:59,1',
        '9999-12-31T23:59:59Z,1',
        '2026-11-02T10:00:00.000Z,0',
        '2026-11-02T10:00:00.000Z,-1',
        '2026-11-02T10:00:00.000Z,99999999999',
        '2026-11-02T10:00:00.000Z,1e3',
        '-1',
        'NaN',
        "2026-11-02T10:00:00.000Z' OR 1=1--,1",
        '<script>alert(1)</script>',
        'x'.repeat(100_000),
      ];
      const paths: string[] = [];
      for (const base of [COMMENTS, `${COMMENTS}/fragment`]) {
        for (const value of hostile)
          for (const field of ['after', 'before']) {
            paths.push(`${base}?${field}=${encodeURIComponent(value)}`);
            paths.push(`${base}?thread=${ids.root}&${field}=${encodeURIComponent(value)}`);
          }
        paths.push(`${base}?after=a&after=b`, `${base}?before=a&before=b`, `${base}?thread=1&thread=2`);
        paths.push(`${base}?after=2026-11-02T10:00:00.000Z,1&before=2026-11-02T10:00:00.000Z,1`);
        for (const thread of [
          '0',
          '-1',
          '1e3',
          '99999999999',
          '<b>x</b>',
          "1' OR '1'='1",
          'x'.repeat(100_000),
        ])
          paths.push(`${base}?thread=${encodeURIComponent(thread)}`);
      }
      for (const path of paths) {
        const response = await app.inject(path);
        const label = path.slice(0, 200);
        assert.ok([200, 400, 404].includes(response.statusCode), `${response.statusCode} ${label}`);
        assert.doesNotMatch(response.body, /<script>alert|<b>x<\/b>|OR 1=1|Secret/, label);
        if (response.statusCode === 400) assert.match(response.body, /after|before|thread/, label);
      }
    });

    test('a notice is one of the page’s own sentences: names every object carries show none', async () => {
      for (const base of [COMMENTS, `${COMMENTS}/fragment`])
        for (const notice of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
          const response = await app.inject(`${base}?notice=${notice}`);
          assert.equal(response.statusCode, 200, `${base} ${notice}`);
          assert.doesNotMatch(response.body, /comments__notice|native code|\[object/, `${base} ${notice}`);
        }
    });

    test('a thread of a reply, of another article, or of a comment not shown is not found, and shows no held text', async () => {
      for (const base of [COMMENTS, `${COMMENTS}/fragment`]) {
        for (const name of ['reply', 'heldReply', 'other', 'pending', 'spam', 'rejected']) {
          const response = await app.inject(`${base}?thread=${ids[name]}`);
          assert.equal(response.statusCode, 404, `${base} ${name}`);
          assert.doesNotMatch(response.body, /Secret/);
        }
        const deleted = await app.inject(`${base}?thread=${ids.deleted}`);
        assert.ok([200, 404].includes(deleted.statusCode));
        assert.doesNotMatch(deleted.body, /Secret/);
        const root = await app.inject(`${base}?thread=${ids.root}`);
        assert.equal(root.statusCode, 200);
        assert.match(root.body, /A visible reply/);
        assert.doesNotMatch(root.body, /Secret/);
      }
    });

    test('a return path cannot lead off the site through dot segments a browser removes', async () => {
      const token = await addSignedInMember(t.wiring.database.db, {
        email: 'returner@example.org',
        name: 'Returner',
        isPaid: false,
        now: t.wiring.now(),
      });
      const visitor = new Visitor(app, '10.41.0.1');
      visitor.cookies.set(memberCookieName(SITE), token);
      for (const hostile of [
        '/.//evil.example',
        '/a/..//evil.example',
        '/%2e//evil.example',
        '/x/%2E%2E//evil.example/y',
        '/\\evil.example',
        '/%2F%2Fevil.example',
        '/%252F%252Fevil.example',
        'javascript:alert(1)',
        '/a%0d%0aSet-Cookie:%20x=1',
      ]) {
        const response = await visitor.get(`/members/signin?return=${encodeURIComponent(hostile)}`);
        assert.equal(response.statusCode, 303, hostile);
        const location = String(response.headers.location);
        assert.ok(location.startsWith('/') && !location.startsWith('//'), `${hostile} -> ${location}`);
        assert.doesNotMatch(location, /evil|javascript|[\r\n]/i, `${hostile} -> ${location}`);
        assert.equal(response.headers['set-cookie'], undefined, hostile);
      }
    });
  });
}
