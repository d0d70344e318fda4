import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapOldSiteRefs, mediaUrlOf, oldSiteHosts, uploadCandidates, uploadPathOf } from './wxr-links.ts';

const hosts = oldSiteHosts({
  link: 'https://www.old.example/',
  baseSiteUrl: 'http://old.example',
  baseBlogUrl: null,
});

test('the old site is matched with or without www, over http, https or scheme-relative', () => {
  assert.deepEqual([...hosts], ['old.example']);
  const seen: string[] = [];
  const text = [
    '[a](https://old.example/x/) [b](http://www.old.example/?p=3) <img src="//old.example/y.jpg" />',
    '[c](https://other.example/x/) [d](https://old.example.evil/x) [e](/z/) https://other.example//old.example/q',
    'ends a sentence: https://old.example/w/.',
  ].join('\n');
  const mapped = mapOldSiteRefs(text, hosts, (ref) => {
    seen.push(`${ref.isAbsolute ? 'abs' : 'rel'} ${ref.path}`);
    return `NEW${ref.path}`;
  });
  assert.deepEqual(seen, ['abs /x/', 'abs /?p=3', 'abs /y.jpg', 'abs /w/', 'rel /z/']);
  assert.match(mapped, /\[a\]\(NEW\/x\/\)/);
  assert.match(mapped, /src="NEW\/y\.jpg"/);
  assert.match(mapped, /\[c\]\(https:\/\/other\.example\/x\/\)/);
  assert.match(mapped, /NEW\/w\/\.$/);
});

test('every address of a srcset is mapped', () => {
  const text = '<img srcset="https://old.example/a-300x200.jpg 300w, /b-600x400.jpg 600w" />';
  assert.equal(
    mapOldSiteRefs(text, hosts, (ref) => `/media${ref.path.replace(/-\d+x\d+/, '')}`),
    '<img srcset="/media/a.jpg 300w, /media/b.jpg 600w" />',
  );
});

test('uploads: the path below wp-content/uploads, and the files a variant stands for', () => {
  assert.equal(uploadPathOf('/wp-content/uploads/2019/05/caf%C3%A9.jpg?w=300'), '2019/05/café.jpg');
  assert.equal(uploadPathOf('/wp-content/uploads/../secret'), null);
  assert.equal(uploadPathOf('/2019/05/post/'), null);
  assert.equal(uploadPathOf('https://old.example/wp-content/uploads/2019/05/a.jpg'), '2019/05/a.jpg');
  // WordPress.com keeps a site's uploads on a host of their own.
  assert.equal(uploadPathOf('https://gazette.files.wordpress.com/2008/06/a.jpg'), '2008/06/a.jpg');
  assert.ok(
    oldSiteHosts({ link: 'https://gazette.wordpress.com', baseSiteUrl: null, baseBlogUrl: null }).has(
      'gazette.files.wordpress.com',
    ),
  );
  assert.deepEqual(uploadCandidates('2019/05/photo-300x169.jpg'), [
    '2019/05/photo-scaled.jpg',
    '2019/05/photo-rotated.jpg',
    '2019/05/photo.jpg',
    '2019/05/photo-300x169.jpg',
  ]);
  assert.deepEqual(uploadCandidates('photo.jpg'), ['photo.jpg', 'photo-scaled.jpg', 'photo-rotated.jpg']);
  assert.deepEqual(uploadCandidates('a/p-e1591000000-300x200.png'), [
    'a/p-e1591000000-scaled.png',
    'a/p-e1591000000-rotated.png',
    'a/p-e1591000000.png',
    'a/p-scaled.png',
    'a/p-rotated.png',
    'a/p.png',
    'a/p-e1591000000-300x200.png',
  ]);
  assert.deepEqual(uploadCandidates('p-scaled.jpg'), ['p-scaled.jpg', 'p-rotated.jpg', 'p.jpg']);
  assert.equal(mediaUrlOf('wordpress/2019/05/café 1.jpg'), '/media/wordpress/2019/05/caf%C3%A9%201.jpg');
});

test("Jetpack's image CDN (Photon) copies of the site's own files are the site's, without Photon's parameters", () => {
  const seen: string[] = [];
  const text = [
    '![g](https://i0.wp.com/old.example/wp-content/uploads/2020/01/g.jpg?w=640&ssl=1)',
    '![h](https://i3.wp.com/www.old.example/wp-content/uploads/2020/01/h.png).',
    '![o](https://i1.wp.com/other.example/wp-content/uploads/2020/01/o.jpg) ![p](https://i9.wp.com/old.example/p.jpg)',
  ].join('\n');
  const mapped = mapOldSiteRefs(text, hosts, (ref) => {
    seen.push(ref.path);
    assert.ok(ref.isAbsolute);
    assert.equal(uploadPathOf(ref.written)?.startsWith('2020/01/'), true);
    return `NEW${ref.path}`;
  });
  assert.deepEqual(seen, ['/wp-content/uploads/2020/01/g.jpg', '/wp-content/uploads/2020/01/h.png']);
  assert.match(mapped, /!\[g\]\(NEW\/wp-content\/uploads\/2020\/01\/g\.jpg\)/);
  assert.match(mapped, /!\[h\]\(NEW\/wp-content\/uploads\/2020\/01\/h\.png\)\.$/m);
  assert.match(mapped, /i1\.wp\.com\/other\.example/);
  assert.match(mapped, /i9\.wp\.com\/old\.example/);
});
