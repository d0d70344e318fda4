// The image work of an upload: reading the image and making its resized variants. It runs in a
// child process (image-worker.ts), never in the server: decoding a large image takes hundreds of
// megabytes that the C allocator keeps after the work is done, and a child gives them back when
// it exits.
import type { Metadata } from 'sharp';

/** Decoding more pixels than this is refused: a small file can expand into gigabytes (a "pixel bomb"). */
export const MAX_INPUT_PIXELS = 60_000_000;
export const VARIANT_WIDTHS = [480, 960, 1600] as const;
const MAX_WIDTH = 1600;

/** Raster formats accepted, by what libvips reads them as. SVG is refused: it can carry script. */
const ACCEPTED: Record<string, { fallback: 'jpeg' | 'png' }> = {
  jpeg: { fallback: 'jpeg' },
  png: { fallback: 'png' },
  webp: { fallback: 'jpeg' },
  gif: { fallback: 'png' },
  heif: { fallback: 'jpeg' },
  tiff: { fallback: 'jpeg' },
};

export interface Variant {
  format: 'avif' | 'webp' | 'jpeg' | 'png';
  width: number;
  height: number;
  data: Uint8Array;
}

export type VariantsResult =
  | {
      ok: true;
      /** The format of the JPEG/PNG fallback, the image's main URL. */
      fallback: 'jpeg' | 'png';
      /** The image's own size, as readers see it (turned upright). */
      width: number;
      height: number;
      variants: Variant[];
    }
  | { ok: false; problem: 'unreadable' | 'format' | 'too-large'; pixels?: number };

/**
 * Reads an image and makes its variants: every width of VARIANT_WIDTHS below its own (and its
 * own, up to the widest), each in AVIF, WebP and a JPEG/PNG fallback, with the orientation
 * applied and the metadata (EXIF, GPS, camera serials) left out.
 */
export async function makeVariants(bytes: Uint8Array): Promise<VariantsResult> {
  const { default: sharp } = await import('sharp');
  let metadata: Metadata;
  try {
    // Only the header is read here; the pixel count is checked before anything is decoded.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  const accepted = metadata.format ? ACCEPTED[metadata.format] : undefined;
  if (!accepted) return { ok: false, problem: 'format' };
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0) * Math.max(1, metadata.pages ?? 1);
  if (pixels > MAX_INPUT_PIXELS) return { ok: false, problem: 'too-large', pixels };
  const fallback = accepted.fallback === 'png' || metadata.hasAlpha ? 'png' : 'jpeg';

  // Orientation applied first, so the variants' widths are the widths readers see. The image is
  // brought down to the widest variant as it is decoded, and kept losslessly at that size: every
  // variant is made from it. Kept at full size, a 59-megapixel PNG was held decoded and
  // re-encoded whole, then decoded whole again for each of its nine variants.
  let oriented: { data: Buffer; info: { width: number; height: number } };
  try {
    oriented = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: MAX_WIDTH, withoutEnlargement: true })
      .png({ compressionLevel: 0 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  const { width, height } = metadata.autoOrient ?? oriented.info;
  const keptWidth = oriented.info.width;
  const widths = [
    ...new Set([...VARIANT_WIDTHS.filter((w) => w < keptWidth), Math.min(keptWidth, MAX_WIDTH)]),
  ].sort((a, b) => a - b);

  const variants: Variant[] = [];
  for (const w of widths) {
    for (const format of ['avif', 'webp', fallback] as const) {
      let pipeline = sharp(oriented.data).resize({ width: w, withoutEnlargement: true });
      pipeline =
        format === 'avif'
          ? pipeline.avif({ quality: 55, effort: 2 })
          : format === 'webp'
            ? pipeline.webp({ quality: 78 })
            : format === 'png'
              ? pipeline.png({ compressionLevel: 9 })
              : pipeline.jpeg({ quality: 82, mozjpeg: true });
      const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
      variants.push({ format, width: info.width, height: info.height, data });
    }
  }
  return { ok: true, fallback, width, height, variants };
}
