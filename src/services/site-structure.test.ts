import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { saveArticle } from './articles.ts';
import { updateSettings } from './settings.ts';
import { SiteStructure } from './site-structure.ts';
import { addTerm, articleDraft, seedBasics } from './testing/fixtures.ts';
import { createMemoryContext } from './testing/in-memory-store.ts';

describe('site structure (settings, pages, taxonomies, terms kept between reader pages)', () => {
  async function setUp() {
    const ctx = createMemoryContext();
    const basics = await ctx.store.transaction(seedBasics);
    const region = basics.taxonomies.get('region') as number;
    return { ctx, region, personId: basics.personId, structure: SiteStructure.of(ctx) };
  }

  test('is one per store, and reads once until something changes', async () => {
    const { ctx, structure } = await setUp();
    assert.equal(SiteStructure.of(ctx), structure);
    assert.equal(SiteStructure.of(createMemoryContext()) === structure, false);
    assert.equal(await structure.taxonomies(), await structure.taxonomies());
    // A write that announces nothing (none of ours does) is not seen: the kept list stays.
    const kept = await structure.taxonomies();
    await ctx.store.settings.set('site_name', 'Unannounced', '2026-03-01T09:00:00.000Z');
    assert.equal(await structure.taxonomies(), kept);
  });

  test('a settings change is seen at once, with its Markdown rendered', async () => {
    const { ctx, structure } = await setUp();
    const before = await structure.settings();
    await updateSettings(ctx, { site_name: 'The Basin Review', disclaimer: 'Read *us*' }, 'cli');
    const after = await structure.settings();
    assert.notEqual(after, before);
    assert.equal(after.siteName, 'The Basin Review');
    assert.match(after.html.disclaimer, /<em>us<\/em>/);
  });

  test('an article change drops the terms (a save can create one) but keeps the rest', async () => {
    const { ctx, region, structure } = await setUp();
    const settings = await structure.settings();
    assert.deepEqual(await structure.terms(region), []);
    const europe = await ctx.store.transaction((repos) =>
      addTerm(repos, { taxonomyId: region, slug: 'europe', name: 'Europe' }),
    );
    await saveArticle(ctx, articleDraft({ termIds: [europe] }), { actor: 'cli' });
    assert.deepEqual(
      (await structure.terms(region)).map((t) => t.slug),
      ['europe'],
    );
    assert.equal(await structure.settings(), settings);
  });

  test('a change relayed from another process drops everything kept', async () => {
    const { ctx, structure } = await setUp();
    const taxonomies = await structure.taxonomies();
    ctx.changes.publish({ kind: 'everything' }, { isRemote: true });
    assert.notEqual(await structure.taxonomies(), taxonomies);
  });

  test('a failed read is not kept', async () => {
    const { ctx, structure } = await setUp();
    const listTaxonomies = ctx.store.taxonomies.listTaxonomies;
    ctx.store.taxonomies.listTaxonomies = async () => {
      throw new Error('database gone');
    };
    await assert.rejects(structure.taxonomies(), /database gone/);
    ctx.store.taxonomies.listTaxonomies = listTaxonomies;
    assert.ok((await structure.taxonomies()).length > 0);
  });

  test('people and terms by id are read once, until a change to them is announced', async () => {
    const { ctx, region, personId, structure } = await setUp();
    const europe = await ctx.store.transaction((repos) =>
      addTerm(repos, { taxonomyId: region, slug: 'europe', name: 'Europe' }),
    );
    let reads = 0;
    const findByIds = ctx.store.people.findByIds.bind(ctx.store.people);
    ctx.store.people.findByIds = (ids) => {
      reads += 1;
      return findByIds(ids);
    };
    assert.deepEqual(
      (await structure.people([personId, 999, personId])).map((p) => p.name),
      ['Ana Reis', 'Ana Reis'],
    );
    await structure.people([personId]);
    assert.equal(reads, 1, 'the second read comes from what was kept');

    const person = (await ctx.store.people.findById(personId))!;
    await ctx.store.people.update(personId, { ...person, name: 'Ana Reis Lobo' });
    // An article saved (which can make people and terms) keeps them; the person's own change drops them.
    ctx.changes.publish({ kind: 'article', id: 1, slugs: [] }, { isRemote: false });
    assert.equal((await structure.people([personId]))[0]?.name, 'Ana Reis');
    ctx.changes.publish({ kind: 'person', id: personId }, { isRemote: false });
    assert.equal((await structure.people([personId]))[0]?.name, 'Ana Reis Lobo');

    assert.equal((await structure.termsByIds([europe]))[0]?.name, 'Europe');
    const term = (await ctx.store.taxonomies.findTermsByIds([europe]))[0]!;
    await ctx.store.taxonomies.updateTerm(
      europe,
      { ...term, name: 'Western Europe' },
      '2026-03-01T09:00:00.000Z',
    );
    ctx.changes.publish({ kind: 'person', id: personId }, { isRemote: false });
    assert.equal((await structure.termsByIds([europe]))[0]?.name, 'Europe');
    ctx.changes.publish({ kind: 'term', id: europe }, { isRemote: true });
    assert.equal((await structure.termsByIds([europe]))[0]?.name, 'Western Europe');
  });

  test('a read that a change overtakes returns its rows but keeps none of them', async () => {
    const { ctx, personId, structure } = await setUp();
    const findByIds = ctx.store.people.findByIds.bind(ctx.store.people);
    let reads = 0;
    ctx.store.people.findByIds = async (ids) => {
      reads += 1;
      const rows = await findByIds(ids);
      ctx.changes.publish({ kind: 'person', id: personId }, { isRemote: false });
      return rows;
    };
    assert.equal((await structure.people([personId])).length, 1);
    assert.equal((await structure.people([personId])).length, 1);
    assert.equal(reads, 2, 'the overtaken read was not kept');
  });
  test("articles' summaries are read once, and dropped when their article, a person or a term changes", async () => {
    const { ctx, structure } = await setUp();
    const saved = await saveArticle(
      ctx,
      articleDraft({
        title: 'Rivers in court',
        status: 'published',
        publishedAt: '2026-02-01T09:00:00.000Z',
      }),
      {
        actor: 'cli',
      },
    );
    const other = await saveArticle(
      ctx,
      articleDraft({
        title: 'Aquifers',
        slug: 'aquifers',
        status: 'published',
        publishedAt: '2026-02-01T09:00:00.000Z',
      }),
      {
        actor: 'cli',
      },
    );
    let reads = 0;
    const findSummariesByIds = ctx.store.articles.findSummariesByIds.bind(ctx.store.articles);
    ctx.store.articles.findSummariesByIds = (ids) => {
      reads += 1;
      return findSummariesByIds(ids);
    };
    const titles = async (ids: number[]) => (await structure.articleSummaries(ids)).map((a) => a.title);
    assert.deepEqual(await titles([saved.article.id, 999, other.article.id]), [
      'Rivers in court',
      'Aquifers',
    ]);
    assert.deepEqual(await titles([other.article.id, saved.article.id]), ['Aquifers', 'Rivers in court']);
    assert.equal(reads, 1, 'the second read comes from what was kept');

    // An edit of one article drops only its summary.
    const article = (await ctx.store.articles.findById(saved.article.id))!;
    await saveArticle(
      ctx,
      {
        ...articleDraft({ status: 'published', publishedAt: '2026-02-01T09:00:00.000Z' }),
        title: 'Rivers on trial',
      },
      {
        actor: 'cli',
        id: saved.article.id,
        expectedVersion: article.version,
      },
    );
    assert.deepEqual(await titles([saved.article.id, other.article.id]), ['Rivers on trial', 'Aquifers']);
    assert.equal(reads, 2);
    await titles([other.article.id]);
    assert.equal(reads, 2, "the other article's summary was kept");

    // A person or term change may rewrite any article's authors or terms; a page or the settings cannot.
    ctx.changes.publish({ kind: 'page', slug: 'about' }, { isRemote: false });
    ctx.changes.publish({ kind: 'settings' }, { isRemote: false });
    await titles([other.article.id]);
    assert.equal(reads, 2);
    ctx.changes.publish({ kind: 'person', id: 1 }, { isRemote: false });
    await titles([other.article.id]);
    assert.equal(reads, 3);
    ctx.changes.publish({ kind: 'term', id: 1 }, { isRemote: true });
    await titles([other.article.id]);
    assert.equal(reads, 4);
    ctx.changes.publish({ kind: 'everything' }, { isRemote: true });
    await titles([other.article.id]);
    assert.equal(reads, 5);
  });
});
