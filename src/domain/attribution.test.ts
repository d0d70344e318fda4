import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAttribution, joinNames } from './attribution.ts';

const base = {
  siteName: 'The Meridian Review',
  siteUrl: 'https://review.example',
  articleUrl: 'https://review.example/articles/a',
  publishedAt: '2025-03-04T10:00:00.000Z',
};

test('names this publication as the source of its own articles', () => {
  const a = buildAttribution({ ...base, authorNames: ['Ana Reis', 'Tom Li'], source: null });
  assert.equal(a.isRepublished, false);
  assert.equal(a.sourceName, 'The Meridian Review');
  assert.equal(a.sourceUrl, 'https://review.example/articles/a');
  assert.equal(
    a.text,
    'The original source of this article is The Meridian Review. Copyright © Ana Reis and Tom Li, The Meridian Review, 2025.',
  );
});

test('names the outlet where a republished article first appeared', () => {
  const a = buildAttribution({
    ...base,
    authorNames: ['Ana Reis'],
    source: { name: 'Harbour Quarterly', url: 'https://hq.example/x' },
  });
  assert.equal(a.isRepublished, true);
  assert.equal(a.sourceUrl, 'https://hq.example/x');
  assert.equal(a.copyrightHolders, 'Ana Reis, Harbour Quarterly');
  assert.equal(a.year, 2025);
});

test('joins names with commas and a final "and"', () => {
  assert.equal(joinNames([]), '');
  assert.equal(joinNames(['A']), 'A');
  assert.equal(joinNames(['A', 'B', 'C']), 'A, B and C');
});
