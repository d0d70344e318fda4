import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeHTML } from 'entities';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { ArticleDraft } from '../../src/domain/article.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const SITE = 'https://review.example';
const CC_BY = 'https://creativecommons.org/licenses/by/4.0/';
const PUBLISHED = { status: 'published' as const, publishedAt: '2026-11-01T09:00:00.000Z' };
const BODY_WITH_IMAGES = [
  'The wall **holds**, as [the survey](/articles/survey) shows.',
  '',
  '![The sea wall at dawn](/media/wall.jpg)',
  '*Photo: Rui Matos*',
  '',
  '![A gauge](/media/gauge.jpg)',
  '',
  'The end.',
].join('\n');

/** The text of the kit page's textarea with that id, as a browser would put it in the field. */
function field(page: string, id: string): string {
  const found = new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page);
  assert.ok(found, `no textarea ${id}`);
  return decodeHTML(found[1] ?? '');
}

for (const kind of DATABASE_KINDS) {
  describe(`republish kit on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const ids = new Map<string, number>();
    const publish = async (overrides: Partial<ArticleDraft> & { slug: string; title: string }) => {
      const existing = ids.get(overrides.slug);
      const current = existing ? await t.wiring.store.articles.findById(existing) : undefined;
      const { article } = await saveArticle(
        t.wiring,
        articleDraft({ ...PUBLISHED, ...overrides }),
        current ? { actor: 'cli', id: current.id, expectedVersion: current.version } : { actor: 'cli' },
      );
      ids.set(article.slug, article.id);
      return article;
    };

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      app = await buildApp(t.wiring, { shouldLog: false });
      const authorIds = await t.wiring.store.transaction(async (repos) => [
        (await findOrCreatePerson(repos, { name: 'Ana Reis' }, t.wiring.now())).id,
        (await findOrCreatePerson(repos, { name: 'Bruno Sá' }, t.wiring.now())).id,
      ]);
      await publish({
        slug: 'open-water',
        title: 'Open water',
        license: 'cc-by-4.0',
        authorIds,
        bodyMarkdown: BODY_WITH_IMAGES,
      });
      await publish({
        slug: 'unchanged',
        title: 'Unchanged',
        license: 'cc-by-nd-4.0',
        bodyMarkdown: 'Keep it whole.',
      });
      await publish({
        slug: 'house-rules',
        title: 'House rules',
        bodyMarkdown: BODY_WITH_IMAGES,
        authorIds: authorIds.slice(0, 1),
      });
      await publish({ slug: 'closed-book', title: 'Closed book', license: 'all-rights-reserved' });
      await publish({
        slug: 'from-elsewhere',
        title: 'From elsewhere',
        license: 'cc-by-4.0',
        source: { name: 'The Coast Gazette', url: 'https://gazette.example/sea-walls' },
        canonicalUrl: 'https://gazette.example/sea-walls',
        authorIds: authorIds.slice(0, 1),
      });
      await publish({
        slug: 'hostile',
        title: '</textarea><script>alert(1)</script>',
        license: 'cc-by-4.0',
        bodyMarkdown: 'Before </textarea><script>alert(2)</script> <img src=x onerror=alert(3)> after.',
      });
      await publish({ slug: 'unfinished', title: 'Unfinished', license: 'cc-by-4.0', status: 'draft' });
      await publish({
        slug: 'for-members',
        title: 'For members',
        license: 'cc-by-4.0',
        visibility: 'members',
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('gives a CC BY article title, byline, date, body, attribution with link, license, canonical link and tracking image', async () => {
      const answer = await app.inject('/articles/open-water/republish');
      assert.equal(answer.statusCode, 200);
      assert.match(answer.headers['cache-control'] ?? '', /max-age|no-cache/);
      const kit = field(answer.body, 'kit-html');
      const id = ids.get('open-water');
      assert.match(kit, /^<article>\n<h1>Open water<\/h1>\n/);
      assert.match(
        kit,
        /<p>By Ana Reis and Bruno Sá, <time datetime="2026-11-01T09:00:00.000Z">[^<]*2026<\/time><\/p>/,
      );
      assert.match(kit, /The wall <strong>holds<\/strong>/);
      // The site's own addresses work from another site.
      assert.match(kit, new RegExp(`<a href="${SITE}/articles/survey" rel="noopener">the survey</a>`));
      assert.match(kit, new RegExp(`<img src="${SITE}/media/wall.jpg" alt="The sea wall at dawn"`));
      assert.match(
        kit,
        new RegExp(
          `<p>This article was originally published by <a href="${SITE}/articles/open-water">Pressroom</a>\\. Copyright © Ana Reis and Bruno Sá, Pressroom, 2026\\.</p>`,
        ),
      );
      assert.match(kit, new RegExp(`License: <a rel="license" href="${CC_BY}">CC BY 4.0</a>\\.`));
      assert.match(
        kit,
        new RegExp(
          `<img src="${SITE}/r/${id}\\.gif" alt="" width="1" height="1" referrerpolicy="no-referrer-when-downgrade" style="[^"]+">\n</article>$`,
        ),
      );
      assert.equal(
        field(answer.body, 'kit-canonical'),
        `<link rel="canonical" href="${SITE}/articles/open-water">`,
      );
      const text = field(answer.body, 'kit-text');
      assert.match(
        text,
        /^Open water\n\nBy Ana Reis and Bruno Sá, [^\n]*2026\n\nThe wall holds, as the survey shows\.\n\n/,
      );
      assert.match(
        text,
        new RegExp(`This article was originally published by Pressroom: ${SITE}/articles/open-water\n`),
      );
      assert.match(text, new RegExp(`License: CC BY 4\\.0 \\(${CC_BY}\\)`));
      assert.doesNotMatch(text, /[<>]/);
      assert.match(
        answer.body,
        /What you may do[\s\S]*Edit, shorten or translate it, if you say that you changed it\./,
      );
      assert.match(answer.body, /<button type="button" class="kit-copy__button" data-copy="#kit-html"/);
      assert.match(answer.body, /<meta name="robots" content="noindex">/);

      const article = (await app.inject('/articles/open-water')).body;
      assert.match(article, /<a href="\/articles\/open-water\/republish">Republish this article<\/a>/);
    });

    it('tells the republisher of a CC BY-ND article to make no modifications', async () => {
      const page = (await app.inject('/articles/unchanged/republish')).body;
      assert.match(
        page,
        /What you may not do<\/h2>\s*<ul class="kit__may-not"><li>Edit, shorten or translate the text, or its title: the license allows no modified versions\. Publish it whole\.<\/li>/,
      );
      assert.doesNotMatch(page, /Edit, shorten or translate it, if you say/);
      assert.match(
        field(page, 'kit-html'),
        /CC BY-ND 4\.0<\/a>\. You may share this article for any purpose, even commercially, unchanged/,
      );
    });

    it('leaves images out, keeping their credits, where the license does not grant them', async () => {
      const page = (await app.inject('/articles/house-rules/republish')).body;
      const kit = field(page, 'kit-html');
      assert.doesNotMatch(kit, /wall\.jpg|gauge\.jpg/);
      assert.match(kit, /<figure>\s*<figcaption>Photo: Rui Matos<\/figcaption>\s*<\/figure>/);
      assert.match(kit, /The end\./);
      // The only image left is the tracking image.
      assert.equal(kit.match(/<img /g)?.length, 1);
      assert.match(page, /Use the article’s images: they are left out of the kit/);
      assert.match(page, /Use it commercially \(behind a paywall, or sold\): ask the publication/);
      assert.match(kit, new RegExp(`<a rel="license" href="${SITE}/republishing-terms">`));
    });

    it('credits the original source of an article first published elsewhere', async () => {
      const page = (await app.inject('/articles/from-elsewhere/republish')).body;
      const kit = field(page, 'kit-html');
      assert.match(
        kit,
        new RegExp(
          `originally published by <a href="https://gazette.example/sea-walls">The Coast Gazette</a> and republished by <a href="${SITE}/articles/from-elsewhere">Pressroom</a>\\. Copyright © Ana Reis, The Coast Gazette, 2026\\.`,
        ),
      );
      assert.equal(
        field(page, 'kit-canonical'),
        '<link rel="canonical" href="https://gazette.example/sea-walls">',
      );
      assert.match(
        field(page, 'kit-text'),
        /originally published by The Coast Gazette \(https:\/\/gazette\.example\/sea-walls\)/,
      );
    });

    it('has no kit for an all-rights-reserved article, and its page no kit link', async () => {
      assert.equal((await app.inject('/articles/closed-book/republish')).statusCode, 404);
      const article = await app.inject('/articles/closed-book');
      assert.equal(article.statusCode, 200);
      assert.doesNotMatch(article.body, /\/republish"|Republish this article/);
    });

    it('has no kit for a draft, an unknown article or an article for members', async () => {
      for (const slug of ['unfinished', 'no-such-article', 'for-members']) {
        const answer = await app.inject(`/articles/${slug}/republish`);
        assert.equal(answer.statusCode, 404, slug);
        assert.doesNotMatch(answer.body, /kit-html/);
      }
      assert.doesNotMatch((await app.inject('/articles/for-members')).body, /Republish this article/);
    });

    it('keeps hostile article text escaped in the textareas', async () => {
      const answer = await app.inject('/articles/hostile/republish');
      assert.equal(answer.statusCode, 200);
      // Nothing closes a textarea early or runs: the page's only scripts are its own.
      assert.equal(answer.body.match(/<\/textarea>/g)?.length, 3);
      assert.doesNotMatch(answer.body, /<script>alert|onerror=|<img src=x/);
      const kit = field(answer.body, 'kit-html');
      assert.match(kit, /<h1>&lt;\/textarea&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h1>/);
      assert.doesNotMatch(kit, /<script|onerror/);
      assert.match(field(answer.body, 'kit-text'), /^<\/textarea><script>alert\(1\)<\/script>\n/);
    });

    it('shows an edit of the article in its kit', async () => {
      assert.match((await app.inject('/articles/unchanged/republish')).body, /Keep it whole\./);
      await publish({
        slug: 'unchanged',
        title: 'Unchanged',
        license: 'cc-by-nd-4.0',
        bodyMarkdown: 'Keep it whole, as revised.',
      });
      const page = (await app.inject('/articles/unchanged/republish')).body;
      assert.match(field(page, 'kit-html'), /Keep it whole, as revised\./);
      await publish({ slug: 'unchanged', title: 'Unchanged', license: 'all-rights-reserved' });
      assert.equal((await app.inject('/articles/unchanged/republish')).statusCode, 404);
    });
  });
}
