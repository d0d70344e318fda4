import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalImageLabel, linkExternalImages } from './external-images.ts';

const OWN = new Set(['old.example']);

test("links to images at other sites' addresses instead of showing them, and lists each", () => {
  const result = linkExternalImages(
    [
      'A pixel ![](https://track.example/p.gif?u=1) and a chart ![Rain \\[mm\\]](https://cdn.example/img/rain.png "Rain").',
      '[![Logo](https://cdn.example/logo.png)](https://partner.example/)',
      '<table><tr><td><img src="https://cdn.example/cell.png" alt="Cell"></td></tr></table>',
      'Ours: ![Old](https://www.old.example/wp-content/uploads/a.png) ![Here](/media/b.png)',
    ].join('\n\n'),
    OWN,
  );
  assert.equal(
    result.markdown,
    [
      'A pixel [Image: p.gif, on track.example](https://track.example/p.gif?u=1) and a chart [Image: Rain \\[mm\\], on cdn.example](https://cdn.example/img/rain.png).',
      '[Image: Logo, on cdn.example](https://cdn.example/logo.png) ([link](https://partner.example/))',
      '<table><tr><td><a href="https://cdn.example/cell.png">Image: Cell, on cdn.example</a></td></tr></table>',
      'Ours: ![Old](https://www.old.example/wp-content/uploads/a.png) ![Here](/media/b.png)',
    ].join('\n\n'),
  );
  assert.deepEqual(
    result.images.map((image) => image.url),
    [
      'https://track.example/p.gif?u=1',
      'https://cdn.example/img/rain.png',
      'https://cdn.example/logo.png',
      'https://cdn.example/cell.png',
    ],
  );
});

test('leaves images in code as written', () => {
  const source = '```\n![](https://cdn.example/a.png)\n```\n\nSee `![](https://cdn.example/b.png)`.';
  assert.deepEqual(linkExternalImages(source, OWN), { markdown: source, images: [] });
  assert.equal(
    externalImageLabel('https://www.cdn.example/x/y%20z.jpg', ''),
    'Image: y z.jpg, on cdn.example',
  );
});

test('an image linked to its own file (full size, or with a resizing query) becomes one link, to the file', () => {
  const result = linkExternalImages(
    [
      '[![A](https://files.example/2012/03/a.jpg?w=1024)](https://files.example/2012/03/a.jpg)',
      '[![B](https://files.example/2020/06/b-300x200.jpg)](https://files.example/2020/06/b.jpg)',
      '[![C](https://files.example/c.png)](https://files.example/c.png?w=2048&h=1024)',
      '[![D](https://files.example/d-300x200.jpg)](https://files.example/other.jpg)',
    ].join('\n\n'),
    OWN,
  );
  assert.equal(
    result.markdown,
    [
      '[Image: A, on files.example](https://files.example/2012/03/a.jpg)',
      '[Image: B, on files.example](https://files.example/2020/06/b.jpg)',
      '[Image: C, on files.example](https://files.example/c.png?w=2048&h=1024)',
      '[Image: D, on files.example](https://files.example/d-300x200.jpg) ([link](https://files.example/other.jpg))',
    ].join('\n\n'),
  );
});
