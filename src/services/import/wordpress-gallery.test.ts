import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type GalleryImage, galleryHtml, galleryProblem, resolveGalleries } from './wordpress-gallery.ts';

const image = (id: string, url: string | null = `https://example.org/${id}.jpg`): GalleryImage => ({
  id,
  url,
  alt: null,
  caption: null,
});
const lookup = {
  attachment: (id: string) =>
    ({ '1': image('1'), '2': image('2'), '3': image('3', 'https://example.org/a.pdf') })[id],
  attachmentsOf: (parent: string) => (parent === '9' ? [image('2'), image('1')] : []),
};

test('galleries name their images by ids (or include), or take the post’s own less those excluded', () => {
  const galleries = resolveGalleries(
    'a [gallery ids="2, 1,3,44"] b [gallery include="1"] c [gallery exclude="2"] d [[gallery]] e [gallery]',
    '9',
    lookup,
  );
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(galleries ?? {}).map(([key, g]) => [key, [g.images.map((i) => i.id), g.missing]]),
    ),
    {
      'ids="2, 1,3,44"': [
        ['2', '1'],
        ['3', '44'],
      ],
      'include="1"': [['1'], []],
      'exclude="2"': [['1'], []],
      '': [['2', '1'], []],
    },
  );
  assert.equal(
    galleryProblem(galleries?.['ids="2, 1,3,44"']),
    'attachments 3, 44 are not in the file (or not an image)',
  );
  assert.equal(resolveGalleries('no galleries here', '9', lookup), null);
  assert.equal(
    galleryProblem(resolveGalleries('[gallery]', '5', lookup)?.['']),
    'the post has no attached images in the file',
  );
});

test('a gallery honours link=: the file, none, or the attachment page (WordPress’s default), which here is the file', () => {
  const galleries = resolveGalleries(
    '[gallery ids="1" link="file"] [gallery ids="1" link="none"] [gallery ids="1" link="attachment"] [gallery ids="1"] [gallery ids="1" link=\'NONE\']',
    '9',
    lookup,
  );
  const html = (key: string) => {
    const gallery = galleries?.[key];
    assert.ok(gallery, key);
    return galleryHtml(gallery);
  };
  const linked = '<a href="https://example.org/1.jpg"><img src="https://example.org/1.jpg" alt=""></a>';
  assert.match(html('ids="1" link="file"'), new RegExp(linked.replace(/[.?]/g, '\\$&')));
  assert.match(html('ids="1" link="attachment"'), new RegExp(linked.replace(/[.?]/g, '\\$&')));
  assert.match(html('ids="1"'), new RegExp(linked.replace(/[.?]/g, '\\$&')));
  for (const key of ['ids="1" link="none"', 'ids="1" link=\'NONE\'']) {
    assert.doesNotMatch(html(key), /<a\b/, key);
    assert.match(html(key), /<img src="https:\/\/example\.org\/1\.jpg" alt="">/, key);
  }
});
