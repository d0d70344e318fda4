import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { draftOf, saveArticle } from './articles.ts';
import { savePageIn } from './pages.ts';
import { Reader } from './reader.ts';
import { addTerm, articleDraft, seedBasics } from './testing/fixtures.ts';
import { createMemoryContext } from './testing/in-memory-store.ts';

/** A small publication: Europe with Portugal under it, one author, and articles in every state. */
async function publication() {
  const ctx = createMemoryContext({ now: '2026-03-01T09:00:00.000Z' });
  const basics = await ctx.store.transaction(seedBasics);
  const region = basics.taxonomies.get('region') as number;
  const [europe, portugal] = await ctx.store.transaction(async (repos) => {
    const europe = await addTerm(repos, { taxonomyId: region, slug: 'europe', name: 'Europe' });
    return [
      europe,
      await addTerm(repos, { taxonomyId: region, slug: 'portugal', name: 'Portugal', parentId: europe }),
    ];
  });
  const save = (slug: string, overrides: Parameters<typeof articleDraft>[0]) =>
    saveArticle(ctx, articleDraft({ slug, title: slug, authorIds: [basics.personId], ...overrides }), {
      actor: 'cli',
    });
  await save('lisbon-water', {
    status: 'published',
    publishedAt: '2026-02-10T00:00:00Z',
    termIds: [portugal as number],
  });
  await save('alpine-melt', {
    status: 'published',
    publishedAt: '2026-02-20T00:00:00Z',
    termIds: [europe as number],
  });
  // Imports may bring published articles dated in the future: they wait for their time.
  await save('next-week', {
    status: 'published',
    publishedAt: '2026-03-08T00:00:00Z',
    termIds: [europe as number],
  });
  await save('on-schedule', { status: 'scheduled', publishedAt: '2026-03-02T00:00:00Z' });
  await save('unfinished', { status: 'draft' });
  return { ctx, reader: new Reader(ctx), basics };
}

describe('the reader (in memory)', () => {
  test('the home page lists published articles newest first, with authors, terms and reading time', async () => {
    const { reader } = await publication();
    const home = await reader.home({ page: 1, pageSize: 10 });
    assert.deepEqual(
      home.latest.cards.map((c) => c.article.slug),
      ['alpine-melt', 'lisbon-water'],
    );
    const [card] = home.latest.cards;
    assert.equal(card?.url, '/articles/alpine-melt');
    assert.deepEqual(
      card?.authors.map((a) => a.name),
      ['Ana Reis'],
    );
    assert.deepEqual(
      card?.terms.map((t) => `${t.taxonomy.slug}/${t.term.slug}`),
      ['region/europe'],
    );
    assert.equal(card?.readingMinutes, 1);
    assert.deepEqual(home.latest.pagination, { page: 1, pageCount: 1, total: 2 });
  });

  test('drafts, scheduled articles and articles dated later are not there; the last appear at their time', async () => {
    const { ctx, reader } = await publication();
    assert.equal(await reader.article('unfinished'), undefined);
    assert.equal(await reader.article('next-week'), undefined);
    ctx.clock.set('2026-03-08T00:00:01.000Z');
    assert.equal((await reader.article('next-week'))?.article.slug, 'next-week');
    // A scheduled article waits for the scheduler to publish it, whatever the clock says.
    assert.equal(await reader.article('on-schedule'), undefined);
  });

  test('an article page carries its attribution, canonical URL and classification', async () => {
    const { reader } = await publication();
    const page = await reader.article('lisbon-water');
    assert.ok(page);
    assert.equal(page.absoluteUrl, 'https://press.example/articles/lisbon-water');
    assert.equal(page.canonicalUrl, page.absoluteUrl);
    assert.deepEqual(
      page.classification.map((g) => [g.taxonomy.slug, g.terms.map((t) => t.slug)]),
      [['region', ['portugal']]],
    );
    assert.equal(page.attribution.copyrightHolders, 'Ana Reis, Pressroom');
    assert.equal(page.attribution.isRepublished, false);
  });

  test('a term page lists the articles of the term and of the terms under it', async () => {
    const { reader } = await publication();
    const europe = await reader.term('region', 'europe', { page: 1, pageSize: 10 });
    assert.deepEqual(
      europe?.listing.cards.map((c) => c.article.slug),
      ['alpine-melt', 'lisbon-water'],
    );
    assert.deepEqual(
      europe?.children.map((t) => t.slug),
      ['portugal'],
    );
    const portugal = await reader.term('region', 'portugal', { page: 1, pageSize: 10 });
    assert.deepEqual(
      portugal?.ancestors.map((t) => t.slug),
      ['europe'],
    );
    assert.equal(await reader.term('region', 'atlantis', { page: 1, pageSize: 10 }), undefined);
  });

  test('renamed articles and pages are found at their old addresses', async () => {
    const { ctx, reader } = await publication();
    const old = await ctx.store.articles.findBySlug('alpine-melt');
    assert.ok(old);
    await saveArticle(ctx, { ...draftOf(old), slug: 'alpine-thaw' }, { actor: 'cli', id: old.id });
    assert.deepEqual(await reader.oldAddress('/articles/alpine-melt'), {
      kind: 'moved',
      to: '/articles/alpine-thaw',
    });
    const page = await ctx.store.transaction((repos) =>
      savePageIn(
        repos,
        {
          slug: 'about',
          title: 'About',
          bodyMarkdown: 'Us.',
          status: 'published',
          showInNavigation: true,
          position: 1,
        },
        { actor: 'cli', now: ctx.now() },
      ),
    );
    await ctx.store.transaction((repos) =>
      savePageIn(
        repos,
        { ...page.page, slug: 'about-us' },
        { actor: 'cli', now: ctx.now(), id: page.page.id },
      ),
    );
    assert.deepEqual(await reader.oldAddress('/about'), { kind: 'moved', to: '/about-us' });
    assert.equal((await reader.page('about-us'))?.page.title, 'About');
    assert.equal((await ctx.store.revisions.list('page', page.page.id)).length, 2);
    const site = await reader.site();
    assert.deepEqual(
      site.navigation.map((p) => p.slug),
      ['about-us'],
    );
  });
});
