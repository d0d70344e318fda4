/** An attachment of the export a [gallery] shortcode may show. */
export interface GalleryImage {
  id: string;
  url: string | null;
  alt: string | null;
  /** The attachment's excerpt, which WordPress shows under the image in a gallery. */
  caption: string | null;
}

/**
 * Where a gallery's images lead (its `link` attribute): the image file, nowhere, or (WordPress's
 * default, any other value) the attachment's page, which here is the file: an import leads the
 * attachment pages' addresses there.
 */
export type GalleryLink = 'file' | 'none' | 'attachment';

/** What a [gallery] shortcode shows: its images, where they lead, and the ids it names that the file lacks. */
export interface ResolvedGallery {
  images: GalleryImage[];
  link: GalleryLink;
  /** Ids named by the shortcode with no attachment of the file, or one that is no image. */
  missing: string[];
}

/** The galleries of a body, by the shortcode's attributes as written (trimmed): `ids="1,2"`. */
export type Galleries = Record<string, ResolvedGallery>;

/** Where the attachments a gallery shows are found: by id, or all those of a post. */
export interface GalleryLookup {
  attachment(postId: string): GalleryImage | undefined;
  /** The attachments whose post_parent is this post, in WordPress's gallery order (menu order, then id). */
  attachmentsOf(parentId: string): GalleryImage[];
}

// "[gallery]" and "[gallery …]", not WordPress's escaped "[[gallery]]". Attributes hold no brackets.
const GALLERY = /(\[?)\[gallery(\s[^\][]*)?\]/gi;
const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif|bmp|svg|tiff?|heic|ico)(?:[?#]|$)/i;

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))/g))
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
  return attributes;
}

function isImage(image: GalleryImage): boolean {
  return image.url !== null && IMAGE_FILE.test(image.url.trim());
}

/**
 * Resolves the [gallery] shortcodes of a post's body against the export's attachments, as
 * WordPress shows them: `ids` (or the older `include`) in the order given; without them, the
 * images attached to the post (`post_parent`), less any `exclude`d. Null when there are none.
 * @example resolveGalleries('[gallery ids="4,5"]', '9', lookup) // { 'ids="4,5"': { images: […], missing: [] } }
 */
export function resolveGalleries(
  content: string,
  postId: string | null,
  lookup: GalleryLookup,
): Galleries | null {
  if (!/\[gallery/i.test(content)) return null;
  const galleries: Galleries = {};
  for (const match of content.matchAll(GALLERY)) {
    if (match[1]) continue;
    const key = (match[2] ?? '').trim();
    if (key in galleries) continue;
    const attributes = attributesOf(key);
    const listed = (attributes.ids ?? attributes.include ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const images: GalleryImage[] = [];
    const missing: string[] = [];
    if (listed.length > 0) {
      for (const id of listed) {
        const image = /^\d+$/.test(id) ? lookup.attachment(id) : undefined;
        if (image && isImage(image)) images.push(image);
        else missing.push(id);
      }
    } else if (postId) {
      const excluded = new Set((attributes.exclude ?? '').split(',').map((id) => id.trim()));
      for (const image of lookup.attachmentsOf(postId))
        if (isImage(image) && !excluded.has(image.id)) images.push(image);
    }
    const link = (attributes.link ?? '').trim().toLowerCase();
    galleries[key] = { images, link: link === 'file' || link === 'none' ? link : 'attachment', missing };
  }
  return galleries;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A gallery as the block editor writes one: a figure of image figures, each with its caption,
 * each image a link to its file unless the gallery's images lead nowhere (link="none").
 */
export function galleryHtml(gallery: ResolvedGallery): string {
  const figures = gallery.images.map((image) => {
    const caption = image.caption?.trim();
    const url = escapeHtml(image.url?.trim() ?? '');
    const img = `<img src="${url}" alt="${escapeHtml(image.alt?.trim() ?? '')}">`;
    const shown = gallery.link === 'none' || url === '' ? img : `<a href="${url}">${img}</a>`;
    return `<figure class="wp-block-image">${shown}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
  });
  return `<figure class="wp-block-gallery">${figures.join('')}</figure>`;
}

/** What a report says of a gallery's ids that the file has no image for, or of an empty gallery. */
export function galleryProblem(gallery: ResolvedGallery | undefined): string | undefined {
  if (!gallery) return 'the post has no attached images in the file';
  const { missing, images } = gallery;
  if (missing.length > 0) {
    const list =
      missing.slice(0, 10).join(', ') + (missing.length > 10 ? ` and ${missing.length - 10} more` : '');
    return `${missing.length === 1 ? 'attachment' : 'attachments'} ${list} ${missing.length === 1 ? 'is' : 'are'} not in the file (or not an image)`;
  }
  return images.length === 0 ? 'the post has no attached images in the file' : undefined;
}
