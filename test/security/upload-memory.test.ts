// Large images are decoded in a child process, not in the server: decoding four 59-megapixel
// PNGs at once kept about 400 MB in the server after they were stored (the C allocator does not
// give it back), and only a process that exits returns it. Also: an image over the pixel limit
// is refused naming its size, and a damaged one is refused as damaged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { LocalMediaStore, mediaDir } from '../../src/adapters/media-store.ts';
import { isAppError } from '../../src/errors.ts';
import { IMAGE_MEMORY_ENV } from '../../src/services/newsroom/image-limits.ts';
import { uploadImage } from '../../src/services/newsroom/media.ts';
import { makeUser } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** A small file that decodes to width × height 16-bit RGB pixels. */
function plainPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#7a2ac8' } })
    .toColourspace('rgb16')
    .png({ compressionLevel: 9 })
    .toBuffer();
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

for (const kind of DATABASE_KINDS) {
  describe(`large images and the server's memory (${kind})`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(() => t.cleanup());

    it('four parallel 59-megapixel uploads are stored and leave the server no larger than a little', async (test) => {
      const ctx = { ...t.wiring, media: new LocalMediaStore(mediaDir(t.database.dataDir)) };
      const staff = await makeUser(t.wiring, 'contributor');
      const big = await plainPng(9000, 6555);
      // One small upload first, so that what loading the image library costs is not counted.
      await uploadImage(ctx, staff, { bytes: await plainPng(40, 30), filename: 'warm.png', alt: '' });
      const before = process.memoryUsage().rss;
      const stored = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          uploadImage(ctx, staff, { bytes: big, filename: `big-${i}.png`, alt: '' }),
        ),
      );
      for (const upload of stored) {
        assert.deepEqual([upload.width, upload.height], [9000, 6555]);
        assert.deepEqual([...new Set(upload.variants.map((v) => v.width))], [480, 960, 1600]);
      }
      const grown = process.memoryUsage().rss - before;
      test.diagnostic(`the server grew by ${megabytes(grown)} MB`);
      assert.ok(grown < 100 * 1024 * 1024, `the server grew by ${megabytes(grown)} MB`);
    });

    it('an image whose process grows past its memory limit is refused as too large to process', async () => {
      const ctx = { ...t.wiring, media: new LocalMediaStore(mediaDir(t.database.dataDir)) };
      const staff = await makeUser(t.wiring, 'contributor');
      const big = await plainPng(9000, 6555);
      // Read by each image process as it starts; a 59-megapixel 16-bit PNG needs about 370 MB.
      // Processes left waiting by earlier uploads leave after 2 s of rest: the next one is new.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      process.env[IMAGE_MEMORY_ENV] = '120';
      try {
        await assert.rejects(
          uploadImage(ctx, staff, { bytes: big, filename: 'hungry.png', alt: '' }),
          (error: unknown) =>
            isAppError(error) && /needs more memory to process than is allowed/.test(error.message),
        );
      } finally {
        delete process.env[IMAGE_MEMORY_ENV];
      }
      // The next image gets a process with the usual limit, and is stored.
      const stored = await uploadImage(ctx, staff, {
        bytes: await plainPng(400, 300),
        filename: 'small.png',
        alt: '',
      });
      assert.equal(stored.width, 400);
    });

    it('an image over the pixel limit is refused naming its size; a damaged one as damaged', async () => {
      const ctx = { ...t.wiring, media: new LocalMediaStore(mediaDir(t.database.dataDir)) };
      const staff = await makeUser(t.wiring, 'contributor');
      await assert.rejects(
        uploadImage(ctx, staff, { bytes: await plainPng(8000, 8000), filename: 'bomb.png', alt: '' }),
        (error: unknown) =>
          isAppError(error) &&
          error.code === 'MEDIA_INVALID' &&
          /64 megapixels; at most 60 are accepted/.test(error.message),
      );
      const whole = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#123456' } })
        .jpeg()
        .toBuffer();
      await assert.rejects(
        uploadImage(ctx, staff, { bytes: whole.subarray(0, 300), filename: 'cut.jpg', alt: '' }),
        (error: unknown) => isAppError(error) && /damaged or cannot be read/.test(error.message),
      );
    });
  });
}
