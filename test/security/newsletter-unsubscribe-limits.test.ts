import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadTokens } from '../../src/services/newsletters/unsubscribe.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, subscribeMembers } from '../helpers/newsletters.ts';

const LIMIT = 5;
// A mailbox provider's servers send the RFC 8058 one-click POSTs for all of their users: after
// an issue goes out, many of them come from one address within a minute.
const PROVIDER = '198.51.100.25';

for (const kind of DATABASE_KINDS) {
  describe(`one-click unsubscribes from a mailbox provider (${kind})`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind, { newsletter: { unsubscribeRateLimitPerMinute: LIMIT } });
      app = await buildApp(t.wiring, { shouldLog: false });
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    test('every signed one-click POST from one address is honoured; guessing is still limited', async () => {
      const db = t.wiring.database.db;
      const newsletterId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'daily', name: 'The Daily', kind: 'daily' },
        new Date().toISOString(),
      );
      const members = await addMembers(db, { count: LIMIT * 3, prefix: 'provider-user' });
      await subscribeMembers(db, newsletterId, members);
      const tokens = await loadTokens(t.wiring);
      const oneClick = (token: string) =>
        app.inject({
          method: 'POST',
          url: `/newsletters/unsubscribe?token=${encodeURIComponent(token)}`,
          remoteAddress: PROVIDER,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'List-Unsubscribe=One-Click',
        });
      const statuses = [];
      for (const memberId of members)
        statuses.push((await oneClick(tokens.sign({ memberId, newsletterId }))).statusCode);
      assert.deepEqual(
        statuses,
        members.map(() => 200),
        'no reader stays subscribed for a 429',
      );
      for (const memberId of members)
        assert.equal(await t.wiring.store.newsletters.isSubscribed(newsletterId, memberId), false);

      const guesses = [];
      for (let i = 0; i < LIMIT + 2; i++)
        guesses.push((await oneClick(`${i}.1.${'A'.repeat(43)}`)).statusCode);
      assert.deepEqual(guesses.slice(0, LIMIT), Array(LIMIT).fill(400));
      assert.deepEqual(guesses.slice(LIMIT), [429, 429], 'forged tokens are counted and limited');
    });
  });
}
