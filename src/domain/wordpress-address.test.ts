import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wordPressAddress, wordPressQueryFeed } from './wordpress-address.ts';

test('feeds of the site, of a listing and of a post, in RSS or Atom', () => {
  assert.deepEqual(wordPressAddress('/feed'), { kind: 'feed', base: null, format: 'rss' });
  assert.deepEqual(wordPressAddress('/feed/rdf'), { kind: 'feed', base: null, format: 'rss' });
  assert.deepEqual(wordPressAddress('/feed/atom'), { kind: 'feed', base: null, format: 'atom' });
  assert.deepEqual(wordPressAddress('/comments/feed'), { kind: 'feed', base: null, format: 'rss' });
  assert.deepEqual(wordPressAddress('/category/a/b/feed/atom'), {
    kind: 'feed',
    base: '/category/a/b',
    format: 'atom',
  });
  assert.deepEqual(wordPressAddress('/2020/06/first/feed'), {
    kind: 'feed',
    base: '/2020/06/first',
    format: 'rss',
  });
});

test('listing pages and date archives', () => {
  assert.deepEqual(wordPressAddress('/page/2'), { kind: 'page', base: null, page: 2 });
  assert.deepEqual(wordPressAddress('/author/ana/page/3'), { kind: 'page', base: '/author/ana', page: 3 });
  assert.deepEqual(wordPressAddress('/2019'), { kind: 'archive' });
  assert.deepEqual(wordPressAddress('/2019/05'), { kind: 'archive' });
  assert.deepEqual(wordPressAddress('/2019/05/31'), { kind: 'archive' });
  assert.deepEqual(wordPressAddress('/2019/05/page/4'), { kind: 'archive' });
});

test('what is none of those has no WordPress form', () => {
  for (const path of [
    '/',
    '/about',
    '/2019/13',
    '/2019/05/32',
    '/tag/x/page/0',
    '/page/9999999',
    '/feeds',
    '/x/feedback',
  ])
    assert.equal(wordPressAddress(path), undefined, path);
});

test('?feed= values', () => {
  assert.equal(wordPressQueryFeed('rss2'), 'rss');
  assert.equal(wordPressQueryFeed('comments-atom'), 'atom');
  assert.equal(wordPressQueryFeed('json'), undefined);
});
