import type { ResponsiveImage } from '../../domain/responsive-image.ts';
import type { FeedLink } from '../../services/discovery/feeds.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * An uploaded image in AVIF, WebP and JPEG/PNG at each size, with its width and height so the
 * page does not move as it loads. Only the first image a reader sees loads at once; the rest
 * wait until scrolled near (`isLazy`).
 */
export function picture(
  image: ResponsiveImage,
  options: {
    sizes: string;
    isLazy: boolean;
    className: string;
    /** For an image loaded at once that is not the page's main one (a byline's photo). */
    isMinor?: boolean;
  },
): SafeHtml {
  const { sizes, isLazy, className, isMinor = false } = options;
  return html`<picture class="${className}">${image.sources.map(
    (s) => html`<source type="${s.type}" srcset="${s.srcset}" sizes="${sizes}">`,
  )}<img src="${image.src}" srcset="${image.srcset}" sizes="${sizes}" width="${image.width}" height="${image.height}" alt="${image.alt}"${
    isLazy
      ? html` loading="lazy" decoding="async"`
      : isMinor
        ? html` decoding="async"`
        : html` fetchpriority="high"`
  }></picture>`;
}

/**
 * Whether each image on a page loads lazily: the first one asked about does not (it is near the
 * top, likely in view), every later one does.
 */
export function lazinessAfterFirst(): () => boolean {
  let isFirst = true;
  return () => {
    if (!isFirst) return true;
    isFirst = false;
    return false;
  };
}

/** Visible links to a listing's feeds, for readers whose browser does not show the announced ones. */
export function subscribeLinks(feeds: FeedLink[]): SafeHtml {
  if (feeds.length === 0) return html``;
  return html`<p class="subscribe">Subscribe: ${feeds.map(
    (f, i) => html`${i ? ' · ' : ''}<a href="${f.url}" type="${f.type}">${f.label}</a>`,
  )}</p>`;
}

/**
 * A person's photo, small and round beside their name (which says who it is, so the photo's
 * text is empty): an upload as a picture of its sized copies, another address as it is.
 */
export function personPhoto(
  photo: string | null,
  photos: ReadonlyMap<string, ResponsiveImage>,
  options: { size: number; className: string; isLazy: boolean },
): SafeHtml {
  if (!photo) return html``;
  const image = photos.get(photo);
  if (image)
    return picture(image, {
      sizes: `${options.size}px`,
      isLazy: options.isLazy,
      className: options.className,
      isMinor: true,
    });
  return html`<img class="${options.className}" src="${photo}" width="${options.size}" height="${options.size}" alt=""${
    options.isLazy ? html` loading="lazy"` : ''
  } decoding="async">`;
}
