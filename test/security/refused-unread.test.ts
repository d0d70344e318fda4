// Every action on one article checks that its sender may take it on that article before the
// request's body is read: a long text sent by someone who may not act on the article is refused
// unread. Over a real socket, on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { parse, send } from '../helpers/raw-http.ts';

for (const kind of DATABASE_KINDS) {
  describe(`actions on an article refused before their body is read (${kind})`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let port: number;
    let cookieName: string;
    before(async () => {
      // A body that does not arrive within a second is answered 408: an answer that waited to
      // read the announced body would be that.
      t = await createTestWiring(kind, {
        server: { headersTimeoutSeconds: 1, bodyTimeoutSeconds: 1, minBodyKilobytesPerSecond: 1024 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as AddressInfo).port;
      cookieName = sessionCookieName(t.wiring.siteUrl);
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /** A new draft by the client's user; its id. */
    const draftBy = async (client: AdminClient, title: string): Promise<number> => {
      await client.get('/admin/articles/new');
      const created = await client.post('/admin/articles', {
        title,
        body: `The text of ${title}.`,
        language: 'en',
        visibility: 'public',
      });
      const id = Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
      assert.ok(id > 0, `${title} was created`);
      return id;
    };

    /** Announces a body of `length` bytes and sends only its first few; the answer's head. */
    const announce = async (client: AdminClient, target: string, type: string, length: number) => {
      const started = performance.now();
      const answer = parse(
        await send(
          port,
          `POST ${target} HTTP/1.1\r\nHost: review.example\r\nSec-Fetch-Site: same-origin\r\nCookie: ${client.cookieHeader()}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n${type.includes('json') ? '{"title":"' : 'title='}`,
          true,
        ),
      );
      return { ...answer, ms: performance.now() - started };
    };

    test('every write action on an article refuses a user who may not take it there, unread', async () => {
      const writer = await clientAs(app, t.wiring, await makeUser(t.wiring, 'contributor'), cookieName);
      const other = await clientAs(app, t.wiring, await makeUser(t.wiring, 'contributor'), cookieName);
      const author = await clientAs(app, t.wiring, await makeUser(t.wiring, 'author'), cookieName);
      const otherAuthor = await clientAs(app, t.wiring, await makeUser(t.wiring, 'author'), cookieName);

      // The writer's submitted article is locked for them: no action is open to a contributor
      // on an article in review, and its text is the editors' until they send it back.
      const submitted = await draftBy(writer, 'Submitted analysis');
      await writer.get(`/admin/articles/${submitted}`);
      const answer = await writer.post(`/admin/articles/${submitted}/workflow`, {
        action: 'submit',
        version: '1',
      });
      assert.equal(answer.statusCode, 303, 'submitted for review');
      // Another writer's draft is not theirs to preview, submit or restore.
      const othersDraft = await draftBy(writer, 'A colleague draft');
      const authorsDraft = await draftBy(otherAuthor, 'Another author draft');

      const form = 'application/x-www-form-urlencoded';
      const json = 'application/json';
      const cases: [string, AdminClient, string, string, number][] = [
        ['save, locked in review', writer, `/admin/articles/${submitted}`, form, 900_000],
        ['autosave, locked in review', writer, `/admin/articles/${submitted}/autosave`, json, 900_000],
        ['preview, someone else’s', other, `/admin/articles/${othersDraft}/preview`, form, 900_000],
        ['workflow, locked in review', writer, `/admin/articles/${submitted}/workflow`, form, 900_000],
        ['workflow, someone else’s', other, `/admin/articles/${othersDraft}/workflow`, form, 900_000],
        [
          'restore a revision, locked',
          writer,
          `/admin/articles/${submitted}/revisions/1/restore`,
          form,
          900_000,
        ],
        [
          'restore a revision, someone else’s',
          other,
          `/admin/articles/${othersDraft}/revisions/1/restore`,
          form,
          900_000,
        ],
        ['delete, someone else’s', author, `/admin/articles/${authorsDraft}/delete`, form, 900_000],
      ];
      const answers: string[] = [];
      for (const [name, client, target, type, length] of cases) {
        const refused = await announce(client, target, type, length);
        // Well before the body deadline: the body was not waited for.
        answers.push(`${name}: ${refused.status}${refused.ms < 900 ? '' : ' late'}`);
      }
      assert.deepEqual(
        answers,
        cases.map(([name]) => `${name}: 403`),
      );
      // The articles are as they were.
      for (const id of [submitted, othersDraft, authorsDraft])
        assert.notEqual(
          await t.wiring.store.articles.findById(id),
          undefined,
          `article ${id} is still there`,
        );
      assert.equal((await t.wiring.store.articles.findById(submitted))?.status, 'review');
    });

    test('the same actions from a user who may take them still read the body and act', async () => {
      const writer = await clientAs(app, t.wiring, await makeUser(t.wiring, 'contributor'), cookieName);
      const id = await draftBy(writer, 'Own draft still open');
      await writer.get(`/admin/articles/${id}`);
      const preview = await writer.post(`/admin/articles/${id}/preview`, {
        title: 'Own draft still open',
        body: 'Changed text.',
        language: 'en',
        visibility: 'public',
      });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /Changed text\./);
      const submitted = await writer.post(`/admin/articles/${id}/workflow`, {
        action: 'submit',
        version: '1',
      });
      assert.equal(submitted.statusCode, 303);
      assert.equal((await t.wiring.store.articles.findById(id))?.status, 'review');
    });
  });
}
