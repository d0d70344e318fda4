import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  hasWordPressQueryKey,
  wordPressAddress,
  wordPressQueryAddress,
  wordPressQueryAddressAt,
  wordPressQueryFeed,
} from './wordpress-address.ts';

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
  assert.deepEqual(wordPressAddress('/2019'), { kind: 'archive', base: null });
  assert.deepEqual(wordPressAddress('/2019/05'), { kind: 'archive', base: null });
  assert.deepEqual(wordPressAddress('/2019/05/31'), { kind: 'archive', base: null });
  assert.deepEqual(wordPressAddress('/2019/05/page/4'), { kind: 'archive', base: null });
  // Under what may be the folder a site lived in (the reader checks it was).
  assert.deepEqual(wordPressAddress('/blog/2019/05'), { kind: 'archive', base: '/blog' });
  assert.deepEqual(wordPressAddress('/blog/2019/05/page/2'), { kind: 'archive', base: '/blog' });
  assert.deepEqual(wordPressAddress('/blog/feed/atom'), { kind: 'feed', base: '/blog', format: 'atom' });
  assert.deepEqual(wordPressAddress('/blog/page/2'), { kind: 'page', base: '/blog', page: 2 });
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

test('query addresses that name a post, page, attachment, category, tag or author', () => {
  const query = (text: string, path = '/') => wordPressQueryAddress(path, new URLSearchParams(text));
  assert.equal(query('p=12'), '/?p=12');
  assert.equal(query('page_id=7', '/index.php'), '/?page_id=7');
  assert.equal(query('attachment_id=201'), '/?attachment_id=201');
  assert.equal(query('cat=3&paged=2'), '/?cat=3');
  assert.equal(query('tag=Rivers'), '/?tag=rivers');
  assert.equal(query('tag=%E6%B0%B4'), `/?tag=${encodeURIComponent('水')}`);
  assert.equal(query('author=2'), '/?author=2');
  // The first key WordPress would read wins; a value of the wrong form names nothing.
  assert.equal(query('cat=3&p=12'), '/?p=12');
  assert.equal(query('cat=-3'), undefined);
  assert.equal(query('author=ana'), undefined);
  assert.equal(query('tag=a/b'), undefined);
  assert.equal(query('s=water'), undefined);
  assert.equal(query('p=12', '/blog/'), undefined);
});

test('query addresses of a site in a folder of its host are kept under the folder', () => {
  const at = (path: string, text: string) => wordPressQueryAddressAt(path, new URLSearchParams(text));
  assert.equal(at('/blog/', 'p=123'), '/blog/?p=123');
  assert.equal(at('/blog', 'p=0123'), '/blog/?p=123');
  assert.equal(at('/blog/index.php', 'page_id=7'), '/blog/?page_id=7');
  assert.equal(at('/', 'cat=3'), '/?cat=3');
  assert.equal(at('/index.php', 'p=1'), '/?p=1');
  assert.equal(at('/blog/', 's=water'), undefined);
});

test('query ids read as WordPress reads them, and WordPress keys told apart from other queries', () => {
  const query = (text: string) => wordPressQueryAddress('/', new URLSearchParams(text));
  assert.equal(query('p=0101'), '/?p=101');
  assert.equal(query('p=0'), '/?p=0');
  assert.equal(query('p=1&p=2'), '/?p=2');
  assert.equal(query('p=1e3'), undefined);
  const hasKey = (text: string, path = '/') => hasWordPressQueryKey(path, new URLSearchParams(text));
  assert.equal(hasKey('p=-1'), true);
  assert.equal(hasKey('p[]=101'), true);
  assert.equal(hasKey('tag[x]=rivers'), true);
  assert.equal(hasKey('post=42&utm_source=mail'), false);
  assert.equal(hasKey('p=1', '/blog/'), false);
});

test("Ghost's feeds and AMP copies have their forms too", () => {
  assert.deepEqual(wordPressAddress('/rss'), { kind: 'feed', base: null, format: 'rss' });
  assert.deepEqual(wordPressAddress('/tag/news/rss'), { kind: 'feed', base: '/tag/news', format: 'rss' });
  assert.deepEqual(wordPressAddress('/author/ana/rss'), { kind: 'feed', base: '/author/ana', format: 'rss' });
  assert.deepEqual(wordPressAddress('/a-post/amp'), { kind: 'amp', base: '/a-post' });
  assert.equal(wordPressAddress('/a/b/amp'), undefined);
});
