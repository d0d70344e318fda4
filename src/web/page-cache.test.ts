import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PageCache } from './page-cache.js';

test('drops exactly the pages that show what changed', () => {
  const cache = new PageCache(10);
  cache.set('/articles/a', { body: 'a', status: 200, tags: ['article:1', 'person:5', 'nav'] });
  cache.set('/articles/b', { body: 'b', status: 200, tags: ['article:2', 'person:6', 'nav'] });
  cache.set('/', { body: 'home', status: 200, tags: ['listing', 'nav'] });
  cache.apply({ kind: 'article', id: 1, slugs: ['a'] });
  assert.equal(cache.get('/articles/a'), undefined);
  assert.equal(cache.get('/'), undefined);
  assert.ok(cache.get('/articles/b'));
  cache.apply({ kind: 'person', id: 6 });
  assert.equal(cache.get('/articles/b'), undefined);
});

test('evicts the oldest page when full', () => {
  const cache = new PageCache(2);
  cache.set('1', { body: '1', status: 200, tags: [] });
  cache.set('2', { body: '2', status: 200, tags: [] });
  cache.set('3', { body: '3', status: 200, tags: [] });
  assert.equal(cache.size, 2);
  assert.equal(cache.get('1'), undefined);
});

test('settings changes clear everything', () => {
  const cache = new PageCache(10);
  cache.set('/x', { body: 'x', status: 200, tags: ['article:1'] });
  cache.apply({ kind: 'settings' });
  assert.equal(cache.size, 0);
});
