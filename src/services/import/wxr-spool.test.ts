import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WxrSpool } from './wxr-spool.ts';

test('what the writing phase records is read back at once, across its commits, as written', () => {
  const spool = new WxrSpool();
  try {
    // More targets than one commit holds, so that reads see both committed and pending writes.
    const n = 2_500;
    for (let i = 1; i <= n; i += 1)
      spool.addLinks({ postId: String(i), kind: 'article', slug: `post-${i}`, paths: [`/old/${i}`] });
    spool.finish();
    for (let i = 1; i <= n; i += 1) {
      spool.setTargetPath(String(i), `/articles/post-${i}`);
      // The first path set is kept, as the first item with a post id keeps it.
      spool.setTargetPath(String(i), `/articles/other-${i}`);
      assert.deepEqual(spool.linkTarget(`/old/${i}`), {
        postId: String(i),
        kind: 'article',
        path: `/articles/post-${i}`,
      });
      if (i % 3 === 0) spool.setFile(`2020/01/${i}.jpg`, i % 2 === 0 ? `wordpress/2020/01/${i}.jpg` : null);
      if (i % 5 === 0) spool.addRelink('article', i);
      if (i % 7 === 0) spool.addParentRedirect(`a${i}`, String(i), `/attachment/${i}`);
    }
    assert.equal(spool.slugTarget('post-2500')?.path, '/articles/post-2500');
    assert.equal(spool.file('2020/01/6.jpg'), 'wordpress/2020/01/6.jpg');
    assert.equal(spool.file('2020/01/9.jpg'), null);
    assert.equal(spool.file('2020/01/10.jpg'), undefined);
    assert.equal(spool.relinks().length, n / 5);
    const parents = spool.parentRedirects();
    assert.equal(parents.length, Math.floor(n / 7));
    assert.deepEqual(
      parents.find((r) => r.postId === 'a7'),
      {
        postId: 'a7',
        link: '/attachment/7',
        target: '/articles/post-7',
      },
    );
  } finally {
    spool.close();
  }
});
