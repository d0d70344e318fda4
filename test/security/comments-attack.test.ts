import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { editSettings } from '../../src/services/settings.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { approvedCountQuery } from '../../src/storage/comment-repository.ts';
import { memberCookieName } from '../../src/web/public/member-cookie.ts';
import { makeUser } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import { Visitor } from '../helpers/visitor.ts';

const SITE = 'https://attack.example';
const COMMENTS = '/articles/open-thread/comments';

for (const kind of DATABASE_KINDS) {
  describe(`comment limits as a spammer tries them, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let admin: User;
    let members = 0;

    const member = async (
      options: { isPaid?: boolean; path?: string; name?: string } = {},
    ): Promise<Visitor> => {
      members++;
      const token = await addSignedInMember(t.wiring.database.db, {
        email: `spammer-${members}@example.org`,
        name: options.name ?? `Spammer ${members}`,
        isPaid: options.isPaid ?? false,
        now: t.wiring.now(),
      });
      const visitor = new Visitor(app, `10.40.0.${members}`);
      visitor.cookies.set(memberCookieName(SITE), token);
      await visitor.get(options.path ?? COMMENTS);
      return visitor;
    };

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        comments: { hourlyPerMember: 100, digestMinutes: 0, rateLimitPerMinute: 100 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'open-thread',
          title: 'Open thread',
          status: 'published',
          publishedAt: '2026-11-01T09:00:00.000Z',
        }),
        { actor: 'cli' },
      );
      await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'paid-thread',
          title: 'Paid thread',
          status: 'published',
          publishedAt: '2026-11-01T09:00:00.000Z',
          visibility: 'paid',
        }),
        { actor: 'cli' },
      );
      admin = await makeUser(t.wiring, 'admin', 'owner@example.org');
      await editSettings(t.wiring, admin, {
        comments_moderation: 'open',
        comments_blocked_words: 'casino bonus',
        comments_blocked_domains: 'spam.example',
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('links spelt with character references, percent escapes or wide dots still count and meet the domain blocklist', async () => {
      const spammer = await member();
      const refusals: [string, RegExp][] = [
        [
          '[a](http&#58;//a.example) [b](http&#x3a;//b.example) [c](https&colon;//c.example)',
          /May carry at most 2 links/,
        ],
        ['[cheap](http&#58;//www.spam.example/x)', /Links to a site this publication does not accept/],
        ['[cheap](http://%73pam.example/x)', /Links to a site this publication does not accept/],
        ['[cheap](http://spam\u3002example/x)', /Links to a site this publication does not accept/],
        ['[cheap](HTTPS://SPAM.EXAMPLE./x)', /Links to a site this publication does not accept/],
        ['mail me: [here](mailto:sales@spam.example)', /Links to a site this publication does not accept/],
      ];
      for (const [body, message] of refusals) {
        const refused = await spammer.post(COMMENTS, { body });
        assert.equal(refused.statusCode, 400, body);
        assert.match(refused.body, message, body);
      }
      const thread = await app.inject(COMMENTS);
      assert.doesNotMatch(thread.body, /spam\.example|c\.example/);
    });

    test('text-direction controls cannot turn a comment or its author’s name around on the page', async () => {
      // A name stored before names refused them (or set by an older import) still carries one.
      const spoofer = await member({ name: 'Eve \u202Enimda\u202C' });
      const posted = await spoofer.post(COMMENTS, {
        body: 'Open \u202Egpj.exe\u202C and \u2067see\u2069 \u200Fnow',
      });
      assert.equal(posted.statusCode, 303);
      const row = await t.wiring.database.db
        .selectFrom('comments')
        .select(['body', 'body_html', 'author_name'])
        .where('body', 'like', 'Open %gpj.exe%')
        .executeTakeFirstOrThrow();
      assert.equal(row.body, 'Open gpj.exe and see now');
      assert.equal(row.body_html, '<p>Open gpj.exe and see now</p>');
      assert.equal(row.author_name, 'Eve nimda');
      const page = (await app.inject(COMMENTS)).body;
      assert.doesNotMatch(page, /[\u202A-\u202E\u2066-\u2069]/);
      // Each comment reads in its own direction, isolated from the page around it.
      assert.match(page, /<span class="comment__author"><bdi>Eve nimda<\/bdi><\/span>/);
      assert.match(page, /<div class="comment__body" dir="auto"><p>Open gpj\.exe and see now<\/p><\/div>/);
    });

    test('blocked words and domains are found through Cyrillic and Greek look-alikes', async () => {
      const spammer = await member();
      for (const [body, message] of [
        ['Win a c\u0430sin\u043e bonus', /Contains words this publication does not accept/],
        ['Win a \u0441asino b\u03bfnus', /Contains words this publication does not accept/],
        ['See https://\u0455\u0440\u0430m.example/x', /Links to a site this publication does not accept/],
        ['See https://xn--spm-7cd.example/x', /Links to a site this publication does not accept/],
      ] as const) {
        const refused = await spammer.post(COMMENTS, { body });
        assert.equal(refused.statusCode, 400, JSON.stringify(body));
        assert.match(refused.body, message, JSON.stringify(body));
      }
      assert.equal((await spammer.post(COMMENTS, { body: 'Visit my store today' })).statusCode, 303);
      const again = await spammer.post(COMMENTS, { body: 'Visit my st\u043er\u0435 today' });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /Is the same as a comment you already posted here/);
    });

    test('blocked words and repeats are found through invisible characters, wide letters and accents', async () => {
      const spammer = await member();
      for (const body of [
        'Win a casi\u200bno bonus',
        'Win a casino\u00ad bonus',
        'Win a \uff43\uff41\uff53\uff49\uff4e\uff4f bonus',
        'Win a casin\u006f\u0301 bonus',
        'Win a casino\u2060 bonus',
      ]) {
        const refused = await spammer.post(COMMENTS, { body });
        assert.equal(refused.statusCode, 400, JSON.stringify(body));
        assert.match(refused.body, /Contains words this publication does not accept/);
      }
      assert.equal((await spammer.post(COMMENTS, { body: 'Visit my shop today' })).statusCode, 303);
      for (const body of [
        'Visit my sh\u200bop today',
        'Visit my shop today\u200d',
        '\uff36isit my shop today',
        'Visit\u3000my shop today',
      ]) {
        const again = await spammer.post(COMMENTS, { body });
        assert.equal(again.statusCode, 400, JSON.stringify(body));
        assert.match(again.body, /Is the same as a comment you already posted here/);
      }
    });

    test('the discussion of a gated article is for its readers: others neither read it nor post to it', async () => {
      const paid = '/articles/paid-thread/comments';
      const supporter = await member({ isPaid: true, path: paid });
      const posted = await supporter.post(paid, { body: 'The third table says the fund lost 40 percent' });
      assert.equal(posted.statusCode, 303);
      assert.equal((await supporter.get(paid)).body.includes('fund lost 40 percent'), true);
      const freeMember = await member({ path: paid });
      const stranger = new Visitor(app, '10.40.1.1');
      for (const reader of [freeMember, stranger])
        for (const path of [paid, `${paid}/fragment`]) {
          const page = await reader.get(path);
          assert.equal(page.statusCode, 200, path);
          assert.doesNotMatch(page.body, /fund lost 40 percent/, path);
          assert.match(page.body, /for readers of the whole article/, path);
          assert.doesNotMatch(page.body, /Join the discussion/, path);
        }
      // A form for the token (the gated page has none): a hand-made post, as an attacker sends it.
      await freeMember.get(COMMENTS);
      const refused = await freeMember.post(paid, { body: 'Free riders welcome?' });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /for readers of the whole article/);
      const rows = await t.wiring.database.db.selectFrom('comments').select('body').execute();
      assert.equal(
        rows.some((row) => row.body.includes('Free riders')),
        false,
      );
    });

    test('a listing counts comments from an index alone, however many comments the site holds', async () => {
      const db = t.wiring.database.db;
      // One busy thread among quiet articles, and the planner told so (as autovacuum would).
      const article = await db
        .selectFrom('articles')
        .select('id')
        .where('slug', '=', 'open-thread')
        .executeTakeFirstOrThrow();
      for (let batch = 0; batch < 6; batch++)
        await db
          .insertInto('comments')
          .values(
            Array.from({ length: 500 }, (_, i) => ({
              article_id: article.id,
              author_name: `Reader ${batch * 500 + i}`,
              body: 'A busy thread',
              status: 'approved',
              kind: 'comment',
              created_at: '2026-11-02T09:00:00.000Z',
            })),
          )
          .execute();
      await sql`ANALYZE comments`.execute(db);
      const compiled = approvedCountQuery(
        db,
        Array.from({ length: 30 }, (_, i) => i + 1),
        kind,
      ).compile();
      const plan = await db.connection().execute(async (conn) => {
        if (kind === 'sqlite') {
          const rows = await conn.executeQuery<{ detail: string }>({
            ...compiled,
            sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
          });
          return rows.rows.map((r) => r.detail).join('\n');
        }
        await sql`SET enable_seqscan = off`.execute(conn);
        try {
          const rows = await conn.executeQuery<{ 'QUERY PLAN': string }>({
            ...compiled,
            sql: `EXPLAIN ${compiled.sql}`,
          });
          return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        } finally {
          await sql`RESET enable_seqscan`.execute(conn);
        }
      });
      // By the listed articles, never by status (every approved comment of the site); SQLite
      // from the index alone. PostgreSQL may read the rows of those articles, as its costs say.
      assert.doesNotMatch(plan, /comments_status_id|Seq Scan/, plan);
      assert.match(
        plan,
        kind === 'sqlite' ? /COVERING INDEX comments_article_status/ : /comments_article/,
        plan,
      );
    });
  });
}
