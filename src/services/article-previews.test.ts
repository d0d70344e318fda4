import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdownNow } from '../content/markdown.ts';
import { parseSearchQuery } from '../domain/search-query.ts';
import { fillMissingPreviews } from './article-previews.ts';
import { ChangeBus } from './context.ts';
import { searchDocument } from './discovery/search.ts';
import { articleDraft } from './testing/fixtures.ts';
import { createMemoryStore } from './testing/in-memory-store.ts';

test('fills the previews gated articles lack, once, and indexes them by the preview alone', async () => {
  const store = createMemoryStore();
  const changes = new ChangeBus();
  const announced: unknown[] = [];
  changes.subscribe((change) => announced.push(change));
  const body = 'Open to all.\n\n<!-- members-only -->\n\nSecret ledger.';
  const ids: number[] = [];
  for (const [slug, visibility] of [
    ['gated', 'members'],
    ['open', 'public'],
  ] as const) {
    const {
      authorIds: _a,
      termIds: _t,
      ...draft
    } = articleDraft({
      slug,
      visibility,
      bodyMarkdown: body,
      status: 'published',
      publishedAt: '2026-01-01T00:00:00.000Z',
    });
    ids.push(
      await store.articles.insert({
        ...draft,
        bodyHtml: renderMarkdownNow(body),
        previewHtml: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        wordCount: 6,
        version: 1,
        createdBy: null,
      }),
    );
  }
  // As an older version indexed it: its whole text.
  await store.search.put(
    searchDocument({
      articleId: ids[0] ?? 0,
      publishedAt: '2026-01-01T00:00:00.000Z',
      termIds: [],
      personIds: [],
      language: 'en',
      title: 'gated',
      subtitle: null,
      summary: null,
      bodyHtml: renderMarkdownNow(body),
      people: [],
      terms: [],
    }),
  );
  assert.deepEqual(await fillMissingPreviews({ store, changes }), { filled: 1 });
  const [gated, open] = await store.articles.findByIds(ids);
  assert.equal(gated?.previewHtml, '<p>Open to all.</p>');
  assert.equal(open?.previewHtml, null);
  assert.equal(announced.length, 1);
  const found = async (word: string) =>
    (
      await store.search.search({
        query: parseSearchQuery(word),
        configs: ['english', 'simple'],
        now: '2026-02-01T00:00:00.000Z',
        limit: 10,
        offset: 0,
      })
    ).hits.map((hit) => hit.articleId);
  assert.deepEqual(await found('secret'), [], 'the members-only text is not searchable');
  assert.deepEqual(await found('open'), [ids[0]]);
  assert.deepEqual(await fillMissingPreviews({ store, changes }), { filled: 0 });
});
