import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const URL_OF_IMAGE = '/media/2026/11/gauge.png';

for (const kind of DATABASE_KINDS) {
  describe(`image captions in the media library on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> => {
      const client = await clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
      await client.get('/admin/media');
      return client;
    };
    let mediaId = 0;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      users.set('editor', await makeUser(t.wiring, 'editor', 'editor@captions.example'));
      users.set('contributor', await makeUser(t.wiring, 'contributor', 'contributor@captions.example'));
      users.set('author', await makeUser(t.wiring, 'author', 'author@captions.example'));
      mediaId = await t.wiring.store.media.insert({
        url: URL_OF_IMAGE,
        localPath: '2026/11/gauge.png',
        mime: 'image/png',
        alt: 'A tide gauge',
        caption: null,
        title: 'gauge.png',
        createdAt: '2026-11-01T00:00:00.000Z',
        sourceId: null,
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('keeps a caption written in the library and offers it to the editor’s picker', async () => {
      const editor = await as('editor');
      const saved = await editor.post(`/admin/media/${mediaId}`, {
        alt: 'A tide gauge on the harbour wall',
        caption: '  The gauge at   Aveiro, 2026  ',
      });
      assert.equal(saved.statusCode, 303);
      const stored = await t.wiring.store.media.findById(mediaId);
      assert.equal(stored?.caption, 'The gauge at Aveiro, 2026');
      assert.equal(stored?.alt, 'A tide gauge on the harbour wall');
      const library = (await editor.get('/admin/media')).body;
      assert.match(
        library,
        /<textarea id="media-caption-\d+" name="caption"[^>]*>The gauge at Aveiro, 2026<\/textarea>/,
      );
      const picker = (await editor.get('/admin/media/picker?q=aveiro')).json() as {
        images: { url: string; alt: string; caption: string }[];
      };
      assert.deepEqual(
        picker.images.map((i) => [i.url, i.alt, i.caption]),
        [[URL_OF_IMAGE, 'A tide gauge on the harbour wall', 'The gauge at Aveiro, 2026']],
      );
      // A description saved without a caption field (an older form) leaves the caption alone.
      await editor.post(`/admin/media/${mediaId}`, { alt: 'A tide gauge on the harbour wall' });
      assert.equal((await t.wiring.store.media.findById(mediaId))?.caption, 'The gauge at Aveiro, 2026');
    });

    it('lets a contributor describe only the images they uploaded; an editor describes any', async () => {
      const contributor = await as('contributor');
      const author = await as('author');
      const ownId = await t.wiring.store.media.insert({
        url: '/media/2026/11/own.png',
        localPath: '2026/11/own.png',
        mime: 'image/png',
        alt: null,
        caption: null,
        title: 'own.png',
        createdAt: '2026-11-02T00:00:00.000Z',
        sourceId: null,
        uploadedBy: users.get('contributor')!.id,
      });
      // Someone else's upload (and one an import brought, with no uploader): refused, and left as it was.
      for (const id of [mediaId]) {
        const refused = await contributor.post(`/admin/media/${id}`, { alt: 'Defaced', caption: 'Defaced' });
        assert.equal(refused.statusCode, 403);
        assert.notEqual((await t.wiring.store.media.findById(id))?.alt, 'Defaced');
      }
      assert.equal((await author.post(`/admin/media/${ownId}`, { alt: 'Not mine' })).statusCode, 403);
      assert.equal(
        (await contributor.post(`/admin/media/${ownId}`, { alt: 'My gauge', caption: 'Mine' })).statusCode,
        303,
      );
      assert.equal((await t.wiring.store.media.findById(ownId))?.alt, 'My gauge');
      // The library offers the form only where it would be accepted.
      const library = (await contributor.get('/admin/media')).body;
      assert.match(library, new RegExp(`action="/admin/media/${ownId}"`));
      assert.doesNotMatch(library, new RegExp(`action="/admin/media/${mediaId}"`));
      assert.match(library, /Uploaded by someone else: an editor changes its description\./);
      const editor = await as('editor');
      assert.equal(
        (await editor.post(`/admin/media/${ownId}`, { alt: 'My gauge, checked' })).statusCode,
        303,
      );
    });

    it('refuses a caption too long, naming it, and keeps the one it had', async () => {
      const editor = await as('editor');
      const refused = await editor.post(`/admin/media/${mediaId}`, { alt: 'A', caption: 'c'.repeat(1001) });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /caption/i);
      assert.equal((await t.wiring.store.media.findById(mediaId))?.caption, 'The gauge at Aveiro, 2026');
    });

    it('shows the inserted image and its caption as a figure on the published page', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles/new');
      const made = await editor.post('/admin/articles', {
        title: 'The harbour gauges',
        body: `The gauges agree.\n\n![A tide gauge on the harbour wall](${URL_OF_IMAGE})\n*The gauge at Aveiro, 2026*\n\nMore text.`,
        language: 'en',
        visibility: 'public',
      });
      assert.equal(made.statusCode, 303, made.body);
      const id = Number(/(\d+)/.exec(made.headers.location ?? '')?.[1]);
      const article = await t.wiring.store.articles.findById(id);
      assert.match(
        article?.bodyHtml ?? '',
        /<figure><img src="\/media\/2026\/11\/gauge\.png" alt="A tide gauge on the harbour wall"[^>]*\/><figcaption>The gauge at Aveiro, 2026<\/figcaption><\/figure>/,
      );
    });

    it('travels with the media index through the JSON export and import', async () => {
      const folder = await mkdtemp(path.join(tmpdir(), 'pressroom-captions-'));
      const target = await createTestWiring(kind);
      try {
        let text = '';
        await exportPublication(t.wiring, {
          write: (piece) => {
            text += piece;
          },
        });
        const file = path.join(folder, 'export.json');
        await writeFile(file, text);
        await importJson(target.wiring, file);
        assert.equal(
          (await target.wiring.store.media.findByUrl(URL_OF_IMAGE))?.caption,
          'The gauge at Aveiro, 2026',
        );
      } finally {
        await target.cleanup();
        await rm(folder, { recursive: true, force: true });
      }
    });
  });
}
