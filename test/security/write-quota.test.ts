// One contributor or author may not fill the disk: every save keeps a revision (up to a 4 MB
// body each) and every upload keeps an image's files, so what they save in a day is counted and
// refused past `auth.dailyWriteMegabytes`. Editors and admins are not counted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const versionIn = (page: string) => /name="version" value="(\d+)"/.exec(page)?.[1] ?? '';
/** A body of about 300 KB, different for each `n`. */
const bodyOf = (n: number) => `Draft ${n}. ${'Words of a long report. '.repeat(13_000)}`;

for (const kind of DATABASE_KINDS) {
  describe(`a day's writing quota on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind, { auth: { dailyWriteMegabytes: 1 } });
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'editor'] as const)
        users.set(role, await makeUser(t.wiring, role, `${role}@quota.example`));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    async function create(client: AdminClient, title: string, body: string) {
      await client.get('/admin/articles/new');
      return client.post('/admin/articles', { title, body, language: 'en', visibility: 'public' });
    }
    async function update(client: AdminClient, id: number, body: string) {
      const page = await client.get(`/admin/articles/${id}`);
      return client.post(`/admin/articles/${id}`, {
        title: 'Quota draft',
        body,
        language: 'en',
        visibility: 'public',
        version: versionIn(page.body),
      });
    }
    /** Uploads a small square, or with `isLarge` about 3 MB of noise. */
    async function upload(client: AdminClient, isLarge = false) {
      await client.get('/admin/media');
      const png = isLarge
        ? await sharp(randomBytes(1000 * 1000 * 3), { raw: { width: 1000, height: 1000, channels: 3 } })
            .png()
            .toBuffer()
        : await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
            .png()
            .toBuffer();
      const boundary = '----quota';
      return app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: {
          cookie: client.cookieHeader(),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          accept: 'application/json',
        },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nA square\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="square.png"\r\nContent-Type: image/png\r\n\r\n`,
          ),
          png,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    }

    test("a contributor's saves past the day's quota are refused, keeping what was saved; the next day they may save again", async () => {
      const writer = await as('contributor');
      const created = await create(writer, 'Quota draft', bodyOf(0));
      assert.equal(created.statusCode, 303, created.body.slice(0, 300));
      const id = Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
      assert.equal((await update(writer, id, bodyOf(1))).statusCode, 303);
      assert.equal((await update(writer, id, bodyOf(2))).statusCode, 303);
      const revisionsBefore = (await t.wiring.store.revisions.listSummaries('article', id)).length;

      const refused = await update(writer, id, bodyOf(3));
      assert.equal(refused.statusCode, 429, refused.body.slice(0, 300));
      assert.match(refused.body, /saved 1 MB of texts and images in the last 24 hours/);
      assert.equal((await t.wiring.store.articles.findById(id))?.bodyMarkdown, bodyOf(2));
      assert.equal((await t.wiring.store.revisions.listSummaries('article', id)).length, revisionsBefore);
      // A new article and an image count against the same quota.
      assert.equal((await create(writer, 'Another', bodyOf(4))).statusCode, 429);
      const image = await upload(writer, true);
      assert.equal(image.statusCode, 429, image.body.slice(0, 300));
      assert.match(image.body, /saved 1 MB of texts and images/);

      // An editor is not counted.
      const editor = await as('editor');
      for (let n = 5; n < 10; n++) assert.equal((await update(editor, id, bodyOf(n))).statusCode, 303);

      // The test clock, moved a day and an hour on.
      t.setNow(new Date(new Date('2026-11-20T12:00:00.000Z').getTime() + 25 * 3_600_000));
      assert.equal((await update(writer, id, bodyOf(10))).statusCode, 303);
      assert.equal((await upload(writer)).statusCode, 200);
    });
  });
}
