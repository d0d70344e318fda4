import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const FORM = {
  title: 'Counting the harbour walls',
  summary: 'A summary for listings.',
  body: 'The wall **holds**, and the [survey](https://example.org/survey) says why. '.repeat(40),
  language: 'en',
  visibility: 'public',
  has_comments: '1',
};
const SEARCH = {
  seo_title: 'Harbour walls: what the 2026 survey found',
  seo_description: 'Every wall on the coast, measured & mapped: where the sea is winning.',
  social_image: '/media/2026/11/walls-card.jpg',
};

function head(body: string, pattern: RegExp): string | undefined {
  return pattern.exec(body)?.[1];
}

for (const kind of DATABASE_KINDS) {
  describe(`an article’s search and social fields on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> => {
      const client = await clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
      await client.get('/admin/articles/new');
      return client;
    };
    let articleId = 0;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['author', 'editor'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@seo.example`));
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('keeps them from the editor, with a revision, and shows them back with the word count', async () => {
      const editor = await as('editor');
      const created = await editor.post('/admin/articles', { ...FORM, ...SEARCH });
      assert.equal(created.statusCode, 303, created.body);
      articleId = Number(/\/admin\/articles\/(\d+)/.exec(created.headers.location ?? '')?.[1]);
      const stored = await t.wiring.store.articles.findById(articleId);
      assert.equal(stored?.seoTitle, SEARCH.seo_title);
      assert.equal(stored?.seoDescription, SEARCH.seo_description);
      assert.equal(stored?.socialImage, SEARCH.social_image);
      const page = (await editor.get(`/admin/articles/${articleId}`)).body;
      assert.match(page, /name="seo_title"[^>]*value="Harbour walls: what the 2026 survey found"/);
      assert.match(
        page,
        /<p class="search-preview__title" data-preview="title">Harbour walls: what the 2026 survey found<\/p>/,
      );
      assert.match(page, /src="\/media\/2026\/11\/walls-card.jpg"/);
      // Counted as a save counts: the saved value, without any script.
      assert.match(
        page,
        new RegExp(`id="word-count"[^>]*>${stored?.wordCount.toLocaleString('en')} words · 2 min read<`),
      );
      // A new article's empty body has no reading time to speak of.
      assert.match((await editor.get('/admin/articles/new')).body, /id="word-count"[^>]*>0 words</);
      const [latest] = await t.wiring.store.revisions.list('article', articleId);
      assert.ok(latest);
      const history = (await editor.get(`/admin/articles/${articleId}/revisions`)).body;
      assert.equal(history.includes('Internal Server Error'), false);
    });

    it('speaks for the published page in its title, description and cards; the page keeps its headline', async () => {
      const editor = await as('editor');
      const article = (await t.wiring.store.articles.findById(articleId))!;
      const published = await editor.post(`/admin/articles/${articleId}/workflow`, {
        action: 'publish',
        version: String(article.version),
      });
      assert.equal(published.statusCode, 303, published.body);
      const page = await app.inject({ method: 'GET', url: `/articles/${article.slug}` });
      assert.equal(page.statusCode, 200);
      const body = page.body;
      assert.equal(head(body, /<title>([^<]*)<\/title>/), 'Harbour walls: what the 2026 survey found');
      assert.equal(
        head(body, /<meta name="description" content="([^"]*)">/),
        'Every wall on the coast, measured &amp; mapped: where the sea is winning.',
      );
      assert.equal(head(body, /<meta property="og:title" content="([^"]*)">/), SEARCH.seo_title);
      assert.equal(head(body, /<meta name="twitter:title" content="([^"]*)">/), SEARCH.seo_title);
      assert.equal(
        head(body, /<meta property="og:description" content="([^"]*)">/),
        'Every wall on the coast, measured &amp; mapped: where the sea is winning.',
      );
      assert.equal(
        head(body, /<meta property="og:image" content="([^"]*)">/),
        new URL(SEARCH.social_image, t.wiring.siteUrl).toString(),
      );
      assert.match(body, /<meta name="twitter:card" content="summary_large_image">/);
      assert.match(body, /<h1[^>]*>Counting the harbour walls<\/h1>/);
      assert.match(body, /"headline":"Counting the harbour walls"/);
    });

    it('falls back to the title, summary and featured image when they are cleared', async () => {
      const editor = await as('editor');
      const article = (await t.wiring.store.articles.findById(articleId))!;
      const saved = await editor.post(`/admin/articles/${articleId}`, {
        ...FORM,
        seo_title: '  ',
        seo_description: '',
        social_image: '',
        featured_image: 'https://images.example.org/wall.jpg',
        featured_image_alt: 'A sea wall at low tide',
        slug: article.slug,
        version: String(article.version),
      });
      assert.equal(saved.statusCode, 303, saved.body);
      const body = (await app.inject({ method: 'GET', url: `/articles/${article.slug}` })).body;
      assert.match(head(body, /<title>([^<]*)<\/title>/) ?? '', /^Counting the harbour walls \| /);
      assert.equal(head(body, /<meta name="description" content="([^"]*)">/), FORM.summary);
      assert.equal(
        head(body, /<meta property="og:image" content="([^"]*)">/),
        'https://images.example.org/wall.jpg',
      );
      assert.equal(head(body, /<meta property="og:image:alt" content="([^"]*)">/), 'A sea wall at low tide');
    });

    it('refuses a social image that is no address, and fields too long, naming each', async () => {
      const editor = await as('editor');
      const bad = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Refused',
        social_image: 'javascript:alert(1)',
        seo_title: 'x'.repeat(301),
        seo_description: 'y'.repeat(1001),
      });
      assert.equal(bad.statusCode, 400);
      assert.match(
        bad.body,
        /<a href="#field-social_image">Social image<\/a>: Must be an http or https URL/i,
      );
      assert.match(
        bad.body,
        /<a href="#field-seo_title">Search title<\/a>: Must be at most 300 characters \(this one has 301\)/i,
      );
      assert.match(
        bad.body,
        /<a href="#field-seo_description">Search description<\/a>: Must be at most 1,000 characters/i,
      );
      assert.match(bad.body, /value="javascript:alert\(1\)"/, 'what was typed is kept');
      assert.equal((await t.wiring.store.articles.listAll()).filter((a) => a.title === 'Refused').length, 0);
    });

    it('travel through the JSON export and import, and through Markdown front matter', async () => {
      const editor = await as('editor');
      const made = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Carried over',
        slug: 'carried-over',
        ...SEARCH,
      });
      assert.equal(made.statusCode, 303, made.body);
      const folder = await mkdtemp(path.join(tmpdir(), 'pressroom-seo-'));
      const target = await createTestWiring(kind);
      const again = await createTestWiring(kind);
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
        const moved = await target.wiring.store.articles.findBySlug('carried-over');
        assert.equal(moved?.seoTitle, SEARCH.seo_title);
        assert.equal(moved?.seoDescription, SEARCH.seo_description);
        assert.equal(moved?.socialImage, SEARCH.social_image);

        const markdown = path.join(folder, 'markdown');
        await exportMarkdown(t.wiring.store, markdown, { mediaDir: path.join(folder, 'no-media') });
        const written = await readFile(path.join(markdown, 'articles', 'carried-over.md'), 'utf8');
        assert.match(written, /^seo_title: "?Harbour walls: what the 2026 survey found"?$/m);
        assert.match(written, /^social_image: \/media\/2026\/11\/walls-card\.jpg$/m);
        const single = path.join(folder, 'single.md');
        await writeFile(single, written);
        const report = await importMarkdown(again.wiring, single);
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
        const read = await again.wiring.store.articles.findBySlug('carried-over');
        assert.equal(read?.seoTitle, SEARCH.seo_title);
        assert.equal(read?.seoDescription, SEARCH.seo_description);
        assert.equal(read?.socialImage, SEARCH.social_image);

        const hostile = path.join(folder, 'hostile.md');
        await writeFile(hostile, '---\ntitle: Hostile\nsocial_image: "javascript:alert(1)"\n---\nText.\n');
        const refused = await importMarkdown(again.wiring, hostile);
        assert.equal(refused.failed, 1);
        assert.match(JSON.stringify(refused.outcomes), /social_image/);
      } finally {
        await target.cleanup();
        await again.cleanup();
        await rm(folder, { recursive: true, force: true });
      }
    });
  });
}
