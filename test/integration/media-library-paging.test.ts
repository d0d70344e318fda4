import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** Images in the library: more than two of its pages. */
const IMAGES = 150;

/** The ids of the library's images on a page, in the order shown. */
function idsOn(body: string): number[] {
  return [...body.matchAll(/id="media-url-(\d+)"/g)].map((m) => Number(m[1]));
}

for (const kind of DATABASE_KINDS) {
  describe(`the image library of a large archive on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let editor: User;
    const ids: number[] = [];
    const client = async (): Promise<AdminClient> =>
      clientAs(app, t.wiring, editor, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      editor = await makeUser(t.wiring, 'editor', 'editor@library.example');
      for (let n = 1; n <= IMAGES; n++) {
        ids.push(
          await t.wiring.store.media.insert({
            url: `/media/2026/11/photo-${n}.jpg`,
            localPath: `2026/11/photo-${n}.jpg`,
            mime: 'image/jpeg',
            alt: n % 10 === 0 ? `Harbour at dusk, number ${n}` : `Field ${n}`,
            caption: n === 7 ? 'Rates of 100% and 5_0, as printed' : null,
            title: `photo-${n}.jpg`,
            createdAt: '2026-11-01T00:00:00.000Z',
            sourceId: null,
          }),
        );
      }
      // An image known only by its address elsewhere is not in the library's lists.
      await t.wiring.store.media.insert({
        url: 'https://elsewhere.example/harbour.jpg',
        localPath: null,
        mime: null,
        alt: 'Harbour elsewhere',
        caption: null,
        title: null,
        createdAt: '2026-11-01T00:00:00.000Z',
        sourceId: null,
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('shows the newest page first and leads to older pages until every image was shown once', async () => {
      const browser = await client();
      const seen: number[] = [];
      let address = '/admin/media';
      for (let page = 0; page < 5 && address; page++) {
        const response = await browser.get(address);
        assert.equal(response.statusCode, 200);
        seen.push(...idsOn(response.body));
        address = /href="(\/admin\/media\?before=\d+)"/.exec(response.body)?.[1] ?? '';
      }
      assert.deepEqual(seen, [...ids].reverse());
    });

    it('searches the whole library, not only its newest page, and pages the matches', async () => {
      const browser = await client();
      const first = await browser.get('/admin/media?q=HARBOUR%20dusk');
      assert.deepEqual(idsOn(first.body), ids.filter((_, i) => (i + 1) % 10 === 0).reverse());
      assert.doesNotMatch(first.body, /Older images/);
      assert.match((await browser.get('/admin/media?q=photo-1.jpg')).body, /photo-1\.jpg/);
    });

    it('takes a search’s % and _ as the characters they are', async () => {
      const browser = await client();
      assert.deepEqual(idsOn((await browser.get('/admin/media?q=100%25')).body), [ids[6]]);
      assert.deepEqual(idsOn((await browser.get('/admin/media?q=5_0')).body), [ids[6]]);
      assert.deepEqual(idsOn((await browser.get('/admin/media?q=%25%25%25')).body), []);
      const picker = (await browser.get('/admin/media/picker?q=_')).json() as { images: { id: number }[] };
      assert.deepEqual(
        picker.images.map((i) => i.id),
        [ids[6]],
      );
    });

    it('answers a search of many words and refuses a page address that is not one', async () => {
      const browser = await client();
      const many = await browser.get(`/admin/media?q=${encodeURIComponent('harbour '.repeat(400))}`);
      assert.equal(many.statusCode, 200);
      assert.equal(idsOn(many.body).length, 15);
      const newest = await browser.get('/admin/media');
      for (const before of ['abc', '0', '1e309']) {
        const wrong = await browser.get(`/admin/media?before=${before}`);
        assert.equal(wrong.statusCode, 400, before);
        assert.match(wrong.body, /Page: Is not a page of this list: start again from the first page/, before);
        assert.deepEqual(idsOn(wrong.body), idsOn(newest.body), `${before}: the newest images instead`);
      }
      const twice = await browser.get('/admin/media?q=nothing-like-it&q=harbour');
      assert.equal(twice.statusCode, 200);
      assert.deepEqual(idsOn(twice.body), idsOn((await browser.get('/admin/media?q=harbour')).body));
      const nul = await browser.get('/admin/media?q=%00');
      assert.equal(nul.statusCode, 400);
      assert.match(nul.body, /<p class="field-error" id="media-q-error">Contains a NUL character/);
      assert.deepEqual(idsOn(nul.body), idsOn(newest.body), 'the newest images instead');
      const past = await browser.get(`/admin/media?before=${ids[0]}`);
      assert.equal(past.statusCode, 200);
      assert.match(past.body, /No images older than these/);
    });
  });
}
