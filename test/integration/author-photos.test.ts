import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { addAuthorPhoto } from '../helpers/featured-images.ts';

for (const kind of DATABASE_KINDS) {
  describe(`authors' photos on reader pages, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let photo = '';

    before(async () => {
      t = await createTestWiring(kind);
      await addArticle(t.wiring, {
        slug: 'tide-tables',
        title: 'Tide tables',
        body: 'High tide is at 6:10.',
        publishedAt: '2026-11-01T10:00:00.000Z',
        authors: ['Ana Reis', 'Tom Li', 'Ines Okafor'],
      });
      photo = await addAuthorPhoto(t.wiring, 'ana-reis');
      const tom = await t.wiring.store.people.findBySlug('tom-li');
      assert.ok(tom);
      const { id, ...record } = tom;
      await t.wiring.store.people.update(id, { ...record, photo: 'https://photos.example/tom.jpg' });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const pictureOf = (page: string, className: string) =>
      new RegExp(`<picture class="${className}">(.*?)</picture>`).exec(page)?.[1] ?? '';

    it('an uploaded photo is a sized picture in AVIF and WebP beside the byline; another address an image', async () => {
      const page = (await app.inject({ url: '/articles/tide-tables' })).body;
      const byline = /<div class="byline-row">(.*?)<\/div>/s.exec(page)?.[1] ?? '';
      const ana = pictureOf(byline, 'byline__photo');
      assert.match(ana, /<source type="image\/avif" srcset="[^"]+-\d+\.avif \d+w[^"]*" sizes="40px">/);
      assert.match(ana, /<source type="image\/webp" srcset="[^"]+\.webp \d+w/);
      assert.match(
        ana,
        new RegExp(
          `<img src="${photo}" srcset="[^"]+" sizes="40px" width="600" height="600" alt="" decoding="async">`,
        ),
      );
      assert.doesNotMatch(ana, /fetchpriority|loading="lazy"/);
      assert.match(
        byline,
        /<img class="byline__photo" src="https:\/\/photos\.example\/tom\.jpg" width="40" height="40" alt="" decoding="async">/,
      );
      // Ines has no photo: two photos, then the names.
      assert.equal(byline.match(/class="byline__photo"/g)?.length, 2);
      assert.match(byline, /<p class="byline">By <a rel="author" href="\/authors\/ana-reis">Ana Reis<\/a>/);
    });

    it("the author's page shows their photo larger; a person without one shows none, and no byline row", async () => {
      const ana = (await app.inject({ url: '/authors/ana-reis' })).body;
      assert.match(pictureOf(ana, 'author-header__photo'), /sizes="128px" width="600" height="600" alt=""/);
      const ines = (await app.inject({ url: '/authors/ines-okafor' })).body;
      assert.doesNotMatch(ines, /author-header__photo/);
      await addArticle(t.wiring, {
        slug: 'no-photos',
        title: 'No photos',
        body: 'Text.',
        publishedAt: '2026-11-02T10:00:00.000Z',
        authors: ['Ines Okafor'],
      });
      const page = (await app.inject({ url: '/articles/no-photos' })).body;
      assert.doesNotMatch(page, /byline-row|byline__photo/);
    });
  });
}
