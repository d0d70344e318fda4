import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MediaVariant } from './ports/media-store.ts';
import { responsiveImage } from './responsive-image.ts';

const variant = (format: string, width: number): MediaVariant => ({
  id: width,
  mediaId: 1,
  format,
  width,
  height: width / 2,
  byteSize: 100,
  localPath: `a-${width}.${format}`,
  url: `/media/a-${width}.${format}`,
});

test('offers AVIF, then WebP, then the JPEG copies, sized by the largest copy', () => {
  const image = responsiveImage({
    src: '/media/a-960.jpeg',
    alt: 'A river',
    variants: [variant('jpeg', 960), variant('webp', 480), variant('avif', 960), variant('jpeg', 480)],
  });
  assert.deepEqual(image, {
    src: '/media/a-960.jpeg',
    alt: 'A river',
    width: 960,
    height: 480,
    sources: [
      { type: 'image/avif', srcset: '/media/a-960.avif 960w' },
      { type: 'image/webp', srcset: '/media/a-480.webp 480w' },
    ],
    srcset: '/media/a-480.jpeg 480w, /media/a-960.jpeg 960w',
  });
});

test('an image with no JPEG or PNG copy is not offered responsively', () => {
  assert.equal(responsiveImage({ src: '/x.jpg', alt: null, variants: [variant('webp', 480)] }), undefined);
  assert.equal(responsiveImage({ src: '/x.jpg', alt: null, variants: [] }), undefined);
});
