import type { MediaVariant } from './ports/media-store.ts';

/** An uploaded image as a page offers it: its sizes in each format, and its own width and height. */
export interface ResponsiveImage {
  src: string;
  alt: string;
  /** The largest copy's size: what width and height say, so the page keeps its place while it loads. */
  width: number;
  height: number;
  /** AVIF, then WebP: the browser takes the first it can show. */
  sources: { type: string; srcset: string }[];
  /** The JPEG or PNG copies, for browsers that show neither. */
  srcset: string;
}

const SOURCE_TYPES = [
  { format: 'avif', type: 'image/avif' },
  { format: 'webp', type: 'image/webp' },
] as const;

/**
 * The image at `src` with the copies an upload made of it, or undefined when it has none (an
 * image elsewhere, or copied in by an import as it was): such an image is shown as it is.
 */
export function responsiveImage(input: {
  src: string;
  alt: string | null;
  variants: MediaVariant[];
}): ResponsiveImage | undefined {
  const srcsetOf = (list: MediaVariant[]) =>
    [...list]
      .sort((a, b) => a.width - b.width)
      .map((v) => `${v.url} ${v.width}w`)
      .join(', ');
  const fallback = input.variants.filter((v) => v.format === 'jpeg' || v.format === 'png');
  const largest = fallback.reduce<MediaVariant | undefined>(
    (max, v) => (!max || v.width > max.width ? v : max),
    undefined,
  );
  if (!largest) return undefined;
  return {
    src: input.src,
    alt: input.alt ?? '',
    width: largest.width,
    height: largest.height,
    sources: SOURCE_TYPES.flatMap(({ format, type }) => {
      const list = input.variants.filter((v) => v.format === format);
      return list.length ? [{ type, srcset: srcsetOf(list) }] : [];
    }),
    srcset: srcsetOf(fallback),
  };
}

/** More than this many uploads in one body are shown as they are written (a gallery, say). */
export const BODY_IMAGES_MAX = 60;

/**
 * The uploads (`/media/…`) a rendered, sanitized body shows as images, in order, without
 * repeats: the sanitizer writes every image as `<img src="…"`, its address HTML-escaped.
 */
export function uploadedImageUrls(bodyHtml: string): string[] {
  const urls = new Set<string>();
  for (const match of bodyHtml.matchAll(/<img src="(\/media\/[^"]*)"/g)) {
    urls.add(unescapeAttribute(match[1] ?? ''));
    if (urls.size >= BODY_IMAGES_MAX) break;
  }
  return [...urls];
}

/** The attribute value as written before escaping (the sanitizer escapes only these). */
export function unescapeAttribute(value: string): string {
  return value.replace(/&(amp|quot|lt|gt|#39);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'quot' ? '"' : name === 'lt' ? '<' : name === 'gt' ? '>' : "'",
  );
}
