import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { editSettings } from '../../src/services/settings.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
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

    const member = async (): Promise<Visitor> => {
      members++;
      const token = await addSignedInMember(t.wiring.database.db, {
        email: `spammer-${members}@example.org`,
        name: `Spammer ${members}`,
        isPaid: false,
        now: t.wiring.now(),
      });
      const visitor = new Visitor(app, `10.40.0.${members}`);
      visitor.cookies.set(memberCookieName(SITE), token);
      await visitor.get(COMMENTS);
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
  });
}
