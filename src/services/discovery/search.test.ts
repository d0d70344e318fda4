import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SNIPPET_SCAN_LIMIT } from '../../domain/search-query.ts';
import { isAppError } from '../../errors.ts';
import { draftOf, saveArticle } from '../articles.ts';
import { addTerm, articleDraft, seedBasics } from '../testing/fixtures.ts';
import { createMemoryContext } from '../testing/in-memory-store.ts';
import { distinctiveWords, htmlToText, rebuildSearchIndex, Search } from './search.ts';

async function library() {
  const ctx = createMemoryContext({ now: '2026-03-01T09:00:00.000Z' });
  const basics = await ctx.store.transaction(seedBasics);
  const region = basics.taxonomies.get('region') as number;
  const europe = await ctx.store.transaction((repos) =>
    addTerm(repos, { taxonomyId: region, slug: 'europe', name: 'Europe' }),
  );
  const publish = (slug: string, title: string, body: string, publishedAt: string, termIds: number[] = []) =>
    saveArticle(
      ctx,
      articleDraft({
        slug,
        title,
        bodyMarkdown: body,
        status: 'published',
        publishedAt,
        termIds,
        authorIds: [basics.personId],
      }),
      { actor: 'cli' },
    );
  const aquifer = await publish(
    'aquifer-ledger',
    'The Aquifer Ledger',
    'Counting water under the plain.',
    '2026-02-01T00:00:00Z',
    [europe],
  );
  const river = await publish(
    'river-budget',
    'River Budget',
    'Every aquifer feeds a river.',
    '2026-02-15T00:00:00Z',
  );
  await publish('courts', 'Courts and Reform', 'Justice moves slowly.', '2026-02-20T00:00:00Z');
  return { ctx, search: new Search(ctx), aquifer: aquifer.article, river: river.article };
}

describe('search (in memory)', () => {
  test('finds published articles by their words, title matches first, with a marked snippet', async () => {
    const { search } = await library();
    const outcome = await search.search({ q: 'aquifer' });
    assert.deepEqual(
      outcome.results.map((r) => [r.card.article.slug, r.isTitleMatch]),
      [
        ['aquifer-ledger', true],
        ['river-budget', false],
      ],
    );
    assert.equal(outcome.pagination.total, 2);
    const marked = outcome.results[1]?.snippet.filter((p) => p.isMatch).map((p) => p.text);
    assert.deepEqual(marked, ['aquifer']);
  });

  test('filters by term and by author, and says so when a filter names nothing', async () => {
    const { search } = await library();
    const inEurope = await search.search({ q: 'aquifer', terms: { region: 'europe' } });
    assert.deepEqual(
      inEurope.results.map((r) => r.card.article.slug),
      ['aquifer-ledger'],
    );
    const nowhere = await search.search({ q: 'aquifer', terms: { region: 'atlantis' } });
    assert.equal(nowhere.results.length, 0);
    assert.match(nowhere.message ?? '', /no region called “atlantis”/);
    const byAuthor = await search.search({ q: 'aquifer', author: 'nobody' });
    assert.match(byAuthor.message ?? '', /no author “nobody”/);
  });

  test('an empty query asks for words; a bad date names its field', async () => {
    const { search } = await library();
    assert.equal((await search.search({ q: '' })).message, null);
    assert.match((await search.search({ q: '"" --' })).message ?? '', /at least one word/);
    await assert.rejects(
      search.search({ q: 'water', from: '2026-02-30' }),
      (error: unknown) => isAppError(error) && error.details?.[0]?.field === 'from',
    );
  });

  test('an unpublished article leaves the results at once, and a rebuild indexes only published ones', async () => {
    const { ctx, search, river } = await library();
    await saveArticle(ctx, { ...draftOf(river), status: 'unpublished' }, { actor: 'cli', id: river.id });
    assert.deepEqual(
      (await search.search({ q: 'aquifer' })).results.map((r) => r.card.article.slug),
      ['aquifer-ledger'],
    );
    assert.deepEqual(await rebuildSearchIndex(ctx), { indexed: 2 });
    assert.equal(await ctx.store.search.count(), 2);
  });

  test('related articles share terms or distinctive words, never the article itself', async () => {
    const { search, aquifer } = await library();
    const related = await search.related(aquifer);
    // Both share the summary's words; the river article also shares "aquifer", so it ranks first.
    assert.deepEqual(
      related.map((card) => card.article.slug),
      ['river-budget', 'courts'],
    );
    assert.deepEqual(distinctiveWords('The Aquifer Ledger and the aquifer'), ['aquifer', 'ledger']);
  });

  test('a related list is kept, read back without ranking, and worked out again after a change or a day', async () => {
    const { ctx, search, aquifer, river } = await library();
    await search.related(aquifer);
    // Written shortly after, with any others worked out meanwhile, not on the reader's request.
    assert.equal(await ctx.store.related.get(aquifer.id), undefined);
    await search.relatedLists.flush();
    const kept = await ctx.store.related.get(aquifer.id);
    assert.ok(kept);
    assert.equal(kept.articleIds[0], river.id);
    assert.equal(kept.computedAt, '2026-03-01T09:00:00.000Z');

    // The page shows what the kept list says, in its order, without ranking again.
    const courts = (await ctx.store.articles.findBySlug('courts'))!;
    await ctx.store.related.put(aquifer.id, {
      articleIds: [courts.id, river.id],
      computedAt: kept.computedAt,
    });
    const shown = async () => (await search.related(aquifer)).map((c) => c.article.slug);
    assert.deepEqual(await shown(), ['courts', 'river-budget']);

    // An article unpublished since it was listed is left out; the list is not rewritten for it.
    await saveArticle(ctx, { ...draftOf(courts), status: 'unpublished' }, { actor: 'cli', id: courts.id });
    assert.deepEqual(await shown(), ['river-budget']);
    assert.deepEqual((await ctx.store.related.get(aquifer.id))?.articleIds, [courts.id, river.id]);

    // Editing the article forgets its list: the next view ranks again, from what it says now.
    await saveArticle(
      ctx,
      { ...draftOf(aquifer), summary: 'Nothing shared here at all.' },
      {
        actor: 'cli',
        id: aquifer.id,
      },
    );
    assert.equal(await ctx.store.related.get(aquifer.id), undefined);

    // A list older than a day is ranked again on the next view.
    await ctx.store.related.put(aquifer.id, { articleIds: [], computedAt: '2026-03-01T09:00:00.000Z' });
    ctx.clock.set('2026-03-01T20:00:00.000Z');
    assert.deepEqual(await shown(), []);
    ctx.clock.set('2026-03-02T09:00:01.000Z');
    await search.related(aquifer);
    await search.relatedLists.flush();
    assert.equal((await ctx.store.related.get(aquifer.id))?.computedAt, '2026-03-02T09:00:01.000Z');
  });
});

describe('snippet text of body HTML', () => {
  test('reads tags and references away, and only the start of a long body', () => {
    assert.equal(
      htmlToText('<p>Tea &amp; <em>toast</em></p>\n<script>x()</script><p>&lt;b&gt; &quot;q&quot;</p>'),
      'Tea & toast <b> "q"',
    );
    const paragraph = '<p>Rivers &amp; ports <a href="/x">link</a></p>';
    const body = paragraph.repeat(200_000);
    const text = htmlToText(body);
    // Enough text for a snippet's whole scan, far from all of it, and nothing cut in half.
    assert.ok(text.length > SNIPPET_SCAN_LIMIT, `${text.length} characters`);
    assert.ok(text.length < body.length / 10, `${text.length} characters`);
    assert.ok(`${htmlToText(paragraph.repeat(2000))} `.startsWith(text.slice(0, 10_000)));
    assert.doesNotMatch(text, /[<>]|&(amp|lt|gt|quot)/);
    // A cut inside a tag or a reference leaves that piece out.
    for (let shift = 0; shift < paragraph.length; shift++) {
      const cutText = htmlToText('x'.repeat(shift) + body);
      assert.doesNotMatch(cutText, /[<>]|&(amp|lt|gt|quot)|&a|href/, `shift ${shift}`);
    }
  });

  test('decodes each reference once and collapses white space', () => {
    assert.equal(htmlToText('<p>a &amp;lt; b&nbsp;&nbsp;\n c</p>\t<p>&#39;d&#39;</p>'), "a &lt; b c 'd'");
  });
});
