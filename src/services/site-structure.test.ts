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
    return { ctx, region, structure: SiteStructure.of(ctx) };
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
});
