import sharp from 'sharp';
import { LocalMediaStore, mediaDir } from '../../src/adapters/media-store.ts';
import { inputOf, updateArticle } from '../../src/services/newsroom/editor.ts';
import { uploadImage } from '../../src/services/newsroom/media.ts';
import type { Wiring } from '../../src/wiring.ts';
import { addStaff } from './newsroom.ts';

/** Colours far enough apart to tell the thumbnails apart in a screenshot. */
const COLOURS = ['#2a6f97', '#a44a3f', '#4f772d', '#7b2cbf', '#b5838d', '#e09f3e'];

/**
 * Gives each article an uploaded featured image (a 1200×800 gradient, so uploads make all their
 * sizes), saved by an editor as the newsroom would. Returns the images' main addresses by slug.
 */
export async function addFeaturedImages(wiring: Wiring, slugs: string[]): Promise<Map<string, string>> {
  const editor = await addStaff(wiring, 'editor', 'Picture editor');
  const ctx = { ...wiring, media: new LocalMediaStore(mediaDir(wiring.config.data.dir)) };
  const urls = new Map<string, string>();
  for (const [i, slug] of slugs.entries()) {
    const article = await wiring.store.articles.findBySlug(slug);
    if (!article) throw new Error(`no article ${slug}`);
    const colour = COLOURS[i % COLOURS.length] ?? '#336699';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"><defs><linearGradient id="g"><stop offset="0" stop-color="${colour}"/><stop offset="1" stop-color="#f1faee"/></linearGradient></defs><rect width="1200" height="800" fill="url(#g)"/><circle cx="${300 + i * 120}" cy="400" r="180" fill="#1d3557" opacity="0.6"/></svg>`;
    const bytes = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
    const { media } = await uploadImage(ctx, editor, { bytes, filename: `${slug}.jpg`, alt: '' });
    await updateArticle(wiring, editor, {
      id: article.id,
      expectedVersion: article.version,
      article: {
        ...inputOf(article),
        featuredImage: media.url,
        featuredImageAlt: `Illustration for ${article.title}`,
      },
    });
    urls.set(slug, media.url);
  }
  return urls;
}

/**
 * Gives the person a photo uploaded as an editor would (a 600×600 portrait-like square, so
 * uploads make their sizes); returns its address.
 */
export async function addAuthorPhoto(wiring: Wiring, slug: string): Promise<string> {
  const editor = await addStaff(wiring, 'editor', 'Portrait editor');
  const ctx = { ...wiring, media: new LocalMediaStore(mediaDir(wiring.config.data.dir)) };
  const person = await wiring.store.people.findBySlug(slug);
  if (!person) throw new Error(`no person ${slug}`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><rect width="600" height="600" fill="#e9c46a"/><circle cx="300" cy="240" r="120" fill="#264653"/><ellipse cx="300" cy="560" rx="220" ry="180" fill="#264653"/></svg>`;
  const bytes = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
  const { media } = await uploadImage(ctx, editor, { bytes, filename: `${slug}.jpg`, alt: '' });
  const { id, ...record } = person;
  await wiring.store.people.update(id, { ...record, photo: media.url });
  return media.url;
}
