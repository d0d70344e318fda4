import { createHash, randomBytes } from 'node:crypto';
import type { MediaStore } from '../../adapters/media-store.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { can } from '../../domain/permissions.ts';
import type { MediaItem, MediaUse, MediaVariant } from '../../domain/ports/media-store.ts';
import { Errors } from '../../errors.ts';
import { type Actor, recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { ImageProcessFailed, processImage } from './image-processes.ts';
import { MAX_INPUT_PIXELS, type VariantsResult } from './image-variants.ts';
import { auditActor, permissionDenied, requireCan, type Staff } from './staff.ts';
import { checkDailyWrite } from './write-quota.ts';

export { VARIANT_WIDTHS } from './image-variants.ts';

export const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;

const MIME: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
};

/** What the bytes are, from their magic numbers; undefined when not a raster image we take. */
export function sniffImageType(bytes: Buffer): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'webp';
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') {
    const brand = bytes.subarray(8, 12).toString('latin1');
    if (['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  return undefined;
}

export interface UploadedImage {
  media: MediaItem;
  variants: MediaVariant[];
  width: number;
  height: number;
}

/**
 * Stores an uploaded image: checks what the bytes really are and their size, strips metadata
 * (EXIF, GPS, camera serials) after applying the orientation, and writes resized variants in
 * AVIF, WebP and a JPEG/PNG fallback. The largest fallback is the image's main URL.
 */
export async function uploadImage(
  ctx: ServiceContext & { media: MediaStore },
  staff: Staff,
  input: { bytes: Buffer; filename: string; alt: string },
): Promise<UploadedImage> {
  requireCan(staff, 'media.upload', 'Your role may not upload files.');
  await checkDailyWrite(ctx, ctx.store, staff, () => input.bytes.length);
  return storeImage(ctx, auditActor(staff), { ...input, uploadedBy: staff.id });
}

/**
 * Stores an image as {@link uploadImage} does, for callers that checked their right to already
 * (an import run from the command line); `sourceId` marks where an imported image came from.
 */
export async function storeImage(
  ctx: ServiceContext & { media: MediaStore },
  actor: Actor,
  input: {
    bytes: Buffer;
    filename: string;
    alt: string;
    sourceId?: string | null;
    /** The staff user uploading it, who may then describe it whatever their role. */
    uploadedBy?: number | null;
  },
): Promise<UploadedImage> {
  if (input.bytes.length === 0) throw Errors.MEDIA_INVALID({ reason: 'The file is empty.' });
  if (input.bytes.length > MAX_UPLOAD_BYTES) {
    throw Errors.MEDIA_INVALID({ reason: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` });
  }
  const sniffed = sniffImageType(input.bytes);
  if (!sniffed)
    throw Errors.MEDIA_INVALID({
      reason: NOT_ACCEPTED,
    });
  // The image is read and its variants made in a child process (image-processes.ts).
  let made: VariantsResult;
  try {
    made = await processImage(input.bytes);
  } catch (cause) {
    if (!(cause instanceof ImageProcessFailed)) throw cause;
    const problem = {
      time: {
        reason: 'The image took too long to process: upload a smaller one.',
        fieldMessage: 'took too long to process',
      },
      memory: {
        reason: 'The image needs more memory to process than is allowed: upload a smaller one.',
        fieldMessage: 'needs too much memory to process',
      },
      failed: {
        reason: 'The image is damaged or cannot be read.',
        fieldMessage: 'cannot be read as an image',
      },
    }[cause.reason];
    throw Errors.MEDIA_INVALID(problem, { cause });
  }
  if (!made.ok) throw Errors.MEDIA_INVALID(problemOf(made));
  const { fallback, width, height } = made;

  const hash = createHash('sha256').update(input.bytes).digest('hex').slice(0, 16);
  const now = ctx.now();
  const folder = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  // Random too: the same image uploaded twice in one millisecond must not collide on its name.
  const base = `${hash}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

  const written: { path: string; format: string; width: number; height: number; size: number }[] = [];
  try {
    for (const variant of made.variants) {
      const file = `${folder}/${base}-${variant.width}.${variant.format === 'jpeg' ? 'jpg' : variant.format}`;
      await ctx.media.put(
        file,
        Buffer.from(variant.data.buffer, variant.data.byteOffset, variant.data.byteLength),
      );
      written.push({
        path: file,
        format: variant.format,
        width: variant.width,
        height: variant.height,
        size: variant.data.byteLength,
      });
    }
  } catch (error) {
    await Promise.all(written.map((w) => ctx.media.remove(w.path).catch(() => {})));
    throw error;
  }

  const main = [...written].reverse().find((w) => w.format === fallback);
  if (!main) throw new Error('no fallback variant written');
  const url = (file: string) => `/media/${file}`;
  try {
    return await ctx.store.transaction(async (repos) => {
      const record = {
        url: url(main.path),
        localPath: main.path,
        mime: MIME[fallback] ?? null,
        alt: input.alt.trim() || null,
        caption: null,
        title: input.filename.slice(0, 300) || null,
        createdAt: toIsoTimestamp(now),
        sourceId: input.sourceId ?? null,
        uploadedBy: input.uploadedBy ?? null,
      };
      const id = await repos.media.insert(record);
      const variants: MediaVariant[] = [];
      for (const w of written) {
        const variant = {
          mediaId: id,
          format: w.format,
          width: w.width,
          height: w.height,
          byteSize: w.size,
          localPath: w.path,
          url: url(w.path),
        };
        variants.push({ id: await repos.mediaVariants.add(variant), ...variant });
      }
      await recordAudit(repos, {
        actor,
        action: 'media.upload',
        entity: ['media', id],
        summary: `Uploaded image “${record.title ?? record.url}” (${width}×${height})`,
        at: now,
      });
      return { media: { id, ...record }, variants, width, height };
    });
  } catch (error) {
    await Promise.all(written.map((w) => ctx.media.remove(w.path).catch(() => {})));
    throw error;
  }
}

const NOT_ACCEPTED = 'This is not an image we accept: upload a JPEG, PNG, WebP, GIF, AVIF or TIFF file.';

/** What the uploader is told about an image that could not be made into variants. */
function problemOf(made: Extract<VariantsResult, { ok: false }>): { reason: string; fieldMessage?: string } {
  switch (made.problem) {
    case 'format':
      return { reason: NOT_ACCEPTED };
    case 'too-large': {
      const megapixels = Math.round((made.pixels ?? 0) / 1e6);
      const limit = MAX_INPUT_PIXELS / 1e6;
      return {
        reason: `The image has ${megapixels} megapixels; at most ${limit} are accepted. Make it smaller and upload it again.`,
        fieldMessage: `has ${megapixels} megapixels (at most ${limit})`,
      };
    }
    default:
      return {
        reason: 'The image is damaged or cannot be read.',
        fieldMessage: 'cannot be read as an image',
      };
  }
}

/** A srcset for the variants of one format, e.g. "…-480.webp 480w, …-960.webp 960w". */
export function srcsetOf(variants: MediaVariant[], format: string): string {
  return variants
    .filter((v) => v.format === format)
    .map((v) => `${v.url} ${v.width}w`)
    .join(', ');
}

/** How long an image's description may be, in characters. */
export const MEDIA_ALT_MAX = 1000;

/** Words of a library search past this many are not looked for (each is one more condition). */
const MAX_SEARCH_WORDS = 12;

/**
 * Uploaded images whose description, caption, title or address contains every word of `query`
 * (case-insensitive), newest first, with their variants; all recent ones for an empty query.
 * `beforeId` continues a list after its last image.
 */
export async function searchImages(
  ctx: ServiceContext,
  input: { query: string; limit?: number; beforeId?: number | undefined },
): Promise<{ media: MediaItem; variants: MediaVariant[] }[]> {
  const words = input.query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  const items = await ctx.store.media.searchUploads({
    words,
    limit: input.limit ?? 60,
    ...(input.beforeId !== undefined ? { beforeId: input.beforeId } : {}),
  });
  const variants = await ctx.store.mediaVariants.listFor(items.map((m) => m.id));
  return items.map((media) => ({ media, variants: variants.filter((v) => v.mediaId === media.id) }));
}

/**
 * Changes an image's description (alt text) and, when given, its caption in the library;
 * articles that pick the image later carry them. An empty caption removes it.
 */
export async function describeImage(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; alt: string; caption?: string },
): Promise<MediaItem> {
  requireCan(staff, 'media.upload', 'Your role may not change images.');
  const alt = input.alt.trim();
  const caption = input.caption?.trim().replace(/\s+/g, ' ');
  const errors = [];
  if (alt.length > MEDIA_ALT_MAX)
    errors.push({ field: 'alt', message: `must be at most ${MEDIA_ALT_MAX} characters` });
  if (caption !== undefined && caption.length > MEDIA_ALT_MAX)
    errors.push({ field: 'caption', message: `must be at most ${MEDIA_ALT_MAX} characters` });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  return ctx.store.transaction(async (repos) => {
    const media = await repos.media.findById(input.id);
    if (!media) throw Errors.MEDIA_NOT_FOUND({ id: input.id });
    if (!canDescribe(staff, media))
      throw permissionDenied(
        'You may describe only the images you uploaded; an editor describes the others.',
      );
    const { id, ...record } = media;
    const updated = {
      ...record,
      alt: alt || null,
      ...(caption === undefined ? {} : { caption: caption || null }),
    };
    await repos.media.update(id, updated);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'media.describe',
      entity: ['media', id],
      summary: `Described image “${media.title ?? media.url}”`,
      at: ctx.now(),
    });
    return { id, ...updated };
  });
}

/** Whether this staff member may change an image's alt text and caption. */
export function canDescribe(staff: Staff, media: Pick<MediaItem, 'uploadedBy'>): boolean {
  return can(staff.role, 'media.describe_any') || (media.uploadedBy != null && media.uploadedBy === staff.id);
}

/** The smallest variant of one format (for thumbnails), else the image itself. */
export function thumbnailOf(media: MediaItem, variants: MediaVariant[]): string {
  const smallest = [...variants].filter((v) => v.format === 'webp').sort((a, b) => a.width - b.width)[0];
  return smallest?.url ?? media.url;
}

/** How many uses of each kind the deletion warning lists. */
const USES_LISTED = 50;

/** What deleting an image would leave without it: the warning shown before the deletion. */
export async function planImageDeletion(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
): Promise<{ media: MediaItem; variants: MediaVariant[]; uses: MediaUse[] }> {
  requireCan(staff, 'media.delete', 'Your role may not delete images.');
  const media = await ctx.store.media.findById(id);
  if (!media) throw Errors.MEDIA_NOT_FOUND({ id });
  const [variants, uses] = await Promise.all([
    ctx.store.mediaVariants.listFor([id]),
    ctx.store.media.findUses(media.url, USES_LISTED),
  ]);
  return { media, variants, uses };
}

/**
 * Deletes an image from the library: its entry, its variants and their files. Articles and pages
 * that still show it keep their text; the image is gone from them (the warning said where).
 */
export async function deleteImage(
  ctx: ServiceContext & { media: MediaStore },
  staff: Staff,
  id: number,
): Promise<MediaItem> {
  requireCan(staff, 'media.delete', 'Your role may not delete images.');
  const { media, files } = await ctx.store.transaction(async (repos) => {
    const found = await repos.media.findById(id);
    if (!found) throw Errors.MEDIA_NOT_FOUND({ id });
    const variants = await repos.mediaVariants.listFor([id]);
    await repos.media.remove(id);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'media.delete',
      entity: ['media', id],
      summary: `Deleted image “${found.title ?? found.url}”`,
      at: ctx.now(),
    });
    const paths = new Set([
      ...variants.map((v) => v.localPath),
      ...(found.localPath ? [found.localPath] : []),
    ]);
    return { media: found, files: [...paths] };
  });
  // The files go once the entry is gone; one that cannot be removed is left, unlisted, not an error.
  await Promise.all(files.map((path) => ctx.media.remove(path).catch(() => {})));
  return media;
}
