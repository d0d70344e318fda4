import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sniffImageType, srcsetOf } from './media.ts';

describe('recognising uploaded images by their bytes', () => {
  it('names raster formats from their magic numbers', () => {
    assert.equal(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
    assert.equal(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'png');
    assert.equal(sniffImageType(Buffer.from('GIF89a')), 'gif');
    assert.equal(sniffImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
    assert.equal(sniffImageType(Buffer.from('\0\0\0\x1cftypavif')), 'heif');
  });

  it('refuses SVG, HTML and anything else whatever the file is called', () => {
    assert.equal(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
    assert.equal(sniffImageType(Buffer.from('<!doctype html><script>')), undefined);
    assert.equal(sniffImageType(Buffer.alloc(0)), undefined);
  });

  it('builds a srcset from the variants of one format', () => {
    const variant = (width: number, format: string) => ({
      id: width,
      mediaId: 1,
      format,
      width,
      height: width / 2,
      byteSize: 1,
      localPath: `a-${width}.${format}`,
      url: `/media/a-${width}.${format}`,
    });
    assert.equal(
      srcsetOf([variant(480, 'webp'), variant(480, 'avif'), variant(960, 'webp')], 'webp'),
      '/media/a-480.webp 480w, /media/a-960.webp 960w',
    );
  });
});
