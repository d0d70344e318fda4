// Links mailed to members and staff carry their secret in the query string (?token=…, ?unlock=…). Anyone
// who reads the server's request log must not find a token there they could follow.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const SECRET = 'Sx9fQ2mLr7TzK4wP1vB8nC3dE6gH0jYuIaOoZ5qW_Xk';

for (const kind of DATABASE_KINDS) {
  describe(`secret link tokens stay out of the request log on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const logged: string[] = [];

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: 'https://review.example' });
      const stream = new Writable({
        write(chunk, _encoding, done) {
          logged.push(String(chunk));
          done();
        },
      });
      app = await buildApp(t.wiring, { log: { stream, level: 'info' } });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    for (const path of [
      `/members/confirm?token=${SECRET}`,
      `/members/confirm?utm_source=mail&token=${SECRET}&x=1`,
      `/members/confirm?TOKEN=${SECRET}`,
      `/admin/reset-password?token=${SECRET}`,
      `/admin/accept-invitation?token=${encodeURIComponent(SECRET)}`,
      `/admin/login?unlock=${SECRET}`,
    ])
      test(`${path.split('?')[0]} with a token in its query is logged without it`, async () => {
        logged.length = 0;
        const answer = await app.inject(path);
        assert.ok(answer.statusCode < 500, answer.body);
        const text = logged.join('');
        assert.match(text, new RegExp(path.split('?')[0] ?? ''), 'the request is still logged, by path');
        assert.doesNotMatch(text, new RegExp(SECRET), 'the token is not in the log');
      });
  });
}
