import { type ResponsiveImage, unescapeAttribute } from '../../domain/responsive-image.ts';
import { html } from './html.ts';

/** Body images fill the text column, as wide as the featured image. */
export const BODY_IMAGE_SIZES = '(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)';

/**
 * A rendered body with each upload that has sized copies shown as a `<picture>` (AVIF, WebP,
 * then the original format at each size), with its width and height so the text does not move
 * as it loads, and loading lazily. An image whose author gave it a width or height keeps the
 * size given; an image from elsewhere is left as written.
 */
export function bodyWithPictures(bodyHtml: string, images: ReadonlyMap<string, ResponsiveImage>): string {
  if (images.size === 0) return bodyHtml;
  return bodyHtml.replace(/<img src="(\/media\/[^"]*)"([^>]*?)\s*\/?>/g, (tag, src: string, rest: string) => {
    const image = images.get(unescapeAttribute(src));
    if (!image || /\s(?:width|height|srcset)=/.test(rest)) return tag;
    const attributes = rest.replace(/\sloading="[^"]*"/, '');
    const sources = image.sources.map(
      (s) => html`<source type="${s.type}" srcset="${s.srcset}" sizes="${BODY_IMAGE_SIZES}">`.value,
    );
    const sized = html` srcset="${image.srcset}" sizes="${BODY_IMAGE_SIZES}" width="${image.width}" height="${image.height}"`;
    return `<picture>${sources.join('')}<img src="${src}"${sized.value}${attributes} loading="lazy" decoding="async"></picture>`;
  });
}
