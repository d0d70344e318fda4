import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaStore } from '../../adapters/media-store.ts';
import { trimEndOf } from '../../domain/text.ts';
import { isAppError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { storeImage } from '../newsroom/media.ts';
import { fileInFolder } from './folder-files.ts';
import { keptSourceId } from './session.ts';

/**
 * Ghost keeps images in its content/images folder and writes them in exports as
 * `__GHOST_URL__/content/images/<path>` (or `/content/images/<path>` in old versions). This finds
 * them, copies them into the media library when the folder is given, and says where each one
 * now lives, so bodies, feature images and profile photos can point there.
 */

export interface GhostImageOptions {
  /** A copy of Ghost's content/images folder. */
  imagesDir?: string;
  /** The address the Ghost site had: images not copied keep their absolute URL there. */
  oldUrl?: string;
  /** Where copied images and their variants are written. */
  media?: MediaStore;
}

/** What became of one image the export refers to. */
export interface PlacedImage {
  path: string;
  /** The URL to use in place of the reference; null when the image cannot be reached. */
  url: string | null;
  outcome: 'imported' | 'unchanged' | 'skipped';
  reason?: string;
  /** The media entry an image copied by this run became, and its files (see removeGhostImages). */
  stored?: StoredImage;
}

/** An image copied into the media library: its entry and the files of its variants. */
export interface StoredImage {
  mediaId: number;
  files: string[];
}

// The path of an absolute URL (another site's /content/images/) is not one of the export's own images.
const IMAGE_REF = /(?:__GHOST_URL__|(?<![\w.~%:/-]))\/content\/images\/([^"'\s)\\<>?#]+)/g;

/**
 * Stands for an image that could not be placed: rewriteGhostImages writes it in place of the
 * reference, and withoutMissingImages then takes the image out of the converted body. An address
 * (one that can lead nowhere) rather than a marker: the converter treats it as any image's, so the
 * image is left out once, by the import, and named once, among the images.
 */
export const MISSING_IMAGE = 'https://missing-image.invalid/ghost';
const MISSING = MISSING_IMAGE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const IMPORT_ACTOR = { userId: null, label: 'import' };

/** The image paths (below content/images) that the given texts refer to, each once (see imageKey). */
export function ghostImagePaths(texts: Iterable<string | null | undefined>): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(IMAGE_REF)) {
      // One that leads out of the folder (../../etc/passwd) is listed too, to be skipped.
      const key = imageKey(match[1] ?? '');
      if (key) found.add(key);
    }
  }
  return [...found].sort();
}

function decoded(relative: string): string {
  try {
    return decodeURIComponent(relative);
  } catch {
    return relative;
  }
}

/**
 * What an image reference is known by: its path decoded (the file's name, "a b.png" for
 * "a%20b.png"), or, for one that leads out of the folder, the path as the source writes it
 * ("%2e%2e/etc/passwd"), which is how the report names it.
 */
function imageKey(written: string): string {
  const path = decoded(written);
  return isInsideImages(path) ? path : written;
}

/** Whether a path below content/images (decoded or not) stays inside it: no "..", "." or empty parts. */
export function isInsideImages(relative: string): boolean {
  return !decoded(relative)
    .split('/')
    .some((part) => part === '..' || part === '.' || part === '');
}

/** Ghost's resized copies live under size/w600/ (and format/webp/); the original is the path without. */
export function originalImageOf(relative: string): string {
  return relative.replace(/^size\/w\d+(?:h\d+)?\//, '').replace(/^format\/\w+\//, '');
}

/** Where images now live, by their path below content/images (a Map, or a lookup in a spool). */
export interface ImageUrls {
  get(path: string): string | null | undefined;
}

/**
 * Places every image: copied into the media library (with its variants) when `imagesDir` is
 * given and the file is there, else left at the old site's address when `oldUrl` is given, else
 * reported missing. Images copied by an earlier run are found again by their source. Each is
 * handed to `onPlaced` as it is done, so that a long list need not be held.
 */
export async function placeGhostImages(
  ctx: ServiceContext,
  paths: Iterable<string>,
  options: GhostImageOptions,
  onPlaced: (image: PlacedImage) => void,
): Promise<void> {
  const oldUrl = options.oldUrl === undefined ? undefined : trimEndOf(options.oldUrl, '/');
  const atOldSite = (relative: string) => (oldUrl ? `${oldUrl}/content/images/${relative}` : null);
  const known = new Map<string, string>();
  if (options.imagesDir && options.media)
    for (const item of await ctx.store.media.listAll())
      if (item.sourceId?.startsWith('ghost#image:')) known.set(item.sourceId, item.url);
  for (const relative of paths) {
    // Neither copied nor linked at the old site: it names no image of the site.
    if (!isInsideImages(relative)) {
      onPlaced({
        path: relative,
        url: null,
        outcome: 'skipped',
        reason: 'leads out of the images folder (../); not an image of the site, left out',
      });
      continue;
    }
    const fallback = atOldSite(relative);
    const missing = (reason: string): PlacedImage => ({
      path: relative,
      url: fallback,
      outcome: 'skipped',
      reason: fallback
        ? `${reason}; it stays at ${fallback}`
        : `${reason}; left out (give --old-url to link to it at the old site instead)`,
    });
    if (!options.imagesDir || !options.media) {
      onPlaced(missing('not copied (no --images folder given)'));
      continue;
    }
    const original = originalImageOf(relative);
    const sourceId = keptSourceId(`ghost#image:${original}`);
    const earlier = known.get(sourceId);
    if (earlier) {
      onPlaced({ path: relative, url: earlier, outcome: 'unchanged' });
      continue;
    }
    const file = path.join(options.imagesDir, original);
    const found = await fileInFolder(options.imagesDir, original);
    const bytes = found === 'file' ? await readFile(file).catch(() => null) : null;
    if (!bytes) {
      onPlaced(
        missing(
          found === 'outside'
            ? `${original} leads out of the images folder (a link?); not copied`
            : `${original} is not in the images folder`,
        ),
      );
      continue;
    }
    try {
      const stored = await storeImage({ ...ctx, media: options.media }, IMPORT_ACTOR, {
        bytes,
        filename: path.basename(original),
        alt: '',
        sourceId,
      });
      known.set(sourceId, stored.media.url);
      const files = [...new Set([stored.media.localPath, ...stored.variants.map((v) => v.localPath)])];
      onPlaced({
        path: relative,
        url: stored.media.url,
        outcome: 'imported',
        stored: { mediaId: stored.media.id, files: files.filter((file) => file !== null) },
      });
    } catch (error) {
      if (!isAppError(error)) throw error;
      onPlaced(missing(`${original} could not be stored (${error.message})`));
    }
  }
}

/**
 * Takes out of the media library the images a strict import copied before it was undone: their
 * entries (in one transaction, with an audit entry each) and then their files.
 */
export async function removeGhostImages(
  ctx: ServiceContext,
  media: MediaStore,
  images: StoredImage[],
): Promise<void> {
  if (images.length === 0) return;
  await ctx.store.transaction(async (repos) => {
    for (const image of images) {
      await repos.media.remove(image.mediaId);
      await recordAudit(repos, {
        actor: IMPORT_ACTOR,
        action: 'media.delete',
        entity: ['media', image.mediaId],
        summary: 'Removed an image the Ghost import copied: the import was undone (strict)',
        at: ctx.now(),
      });
    }
  });
  for (const image of images) for (const file of image.files) await media.remove(file).catch(() => undefined);
}

/**
 * Points every image reference in a text at where the image now lives; one that could not be
 * placed becomes MISSING_IMAGE, never a path below /content/images/ (which this site does not have).
 */
export function rewriteGhostImages(text: string, urls: ImageUrls): string {
  return text.replace(IMAGE_REF, (whole, relative: string) => {
    const url = urls.get(imageKey(relative));
    if (url === undefined) return whole;
    return url ?? MISSING_IMAGE;
  });
}

/**
 * Takes images that could not be placed out of a converted body (a linked one with its link);
 * captions stay, and a link to one becomes its text.
 */
export function withoutMissingImages(markdown: string): string {
  if (!markdown.includes(MISSING_IMAGE)) return markdown;
  return markdown
    .replace(new RegExp(`\\[!\\[[^\\]]*\\]\\(${MISSING}[^)]*\\)\\]\\([^)]*\\)`, 'g'), '')
    .replace(new RegExp(`!\\[[^\\]]*\\]\\(${MISSING}[^)]*\\)`, 'g'), '')
    .replace(new RegExp(`\\[([^\\]]*)\\]\\(${MISSING}[^)]*\\)`, 'g'), '$1')
    .replace(new RegExp(`<img\\b[^>]*${MISSING}[^>]*>`, 'gi'), '')
    .replaceAll(MISSING_IMAGE, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
