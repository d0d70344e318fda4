import { articlePath } from './paths.ts';
import { slugify } from './slug.ts';
import type { Taxonomy, Term } from './taxonomy.ts';

/** One thing to look at before publishing: done or not, and what to do about it. */
export interface ChecklistItem {
  key: 'summary' | 'featured_image' | 'featured_image_alt' | 'terms' | 'slug';
  label: string;
  isDone: boolean;
  /** What is missing, or what was found; safe to show as text. */
  note: string;
}

/**
 * Another article holds the slug the form asks for: `takenBy` is its title, `free` the first of
 * `-2`, `-3` … that is free. A slug made from the title takes `free` when saved; a slug typed
 * by hand is refused.
 */
export interface AddressClash {
  takenBy: string;
  free: string;
}

/** The taxonomies an article is expected to be filed under before it goes out. */
const FILING_TAXONOMIES = ['region', 'theme'];

/**
 * What an editor checks before publishing: a summary, a featured image with its description, at
 * least one region or theme, and the address. It warns; nothing here stops a publication.
 */
export function publishChecklist(
  article: {
    title: string;
    slug: string;
    summary: string | null;
    featuredImage: string | null;
    featuredImageAlt: string | null;
    termIds: number[];
  },
  filing: { taxonomies: Taxonomy[]; terms: Term[] },
  address?: AddressClash,
): ChecklistItem[] {
  const expected = filing.taxonomies.filter((t) => FILING_TAXONOMIES.includes(t.slug));
  const named = expected.length > 0 ? expected : filing.taxonomies;
  const names = named.map((t) => t.name.toLowerCase()).join(' or ') || 'term';
  const isFiled = filing.terms.some(
    (term) => article.termIds.includes(term.id) && named.some((t) => t.id === term.taxonomyId),
  );
  const slug = article.slug.trim() || slugify(article.title);
  const hasImage = Boolean(article.featuredImage?.trim());
  return [
    {
      key: 'summary',
      label: 'Summary',
      isDone: Boolean(article.summary?.trim()),
      note: article.summary?.trim()
        ? 'Written.'
        : 'Missing: listings, feeds and search results show the first lines instead.',
    },
    {
      key: 'featured_image',
      label: 'Featured image',
      isDone: hasImage,
      note: hasImage ? 'Chosen.' : 'None: the article shows no image on listings or when shared.',
    },
    {
      key: 'featured_image_alt',
      label: 'Featured image description',
      isDone: !hasImage || Boolean(article.featuredImageAlt?.trim()),
      note: !hasImage
        ? 'No image to describe.'
        : article.featuredImageAlt?.trim()
          ? 'Written.'
          : 'Missing: readers who cannot see the image are told nothing about it.',
    },
    {
      key: 'terms',
      label: `At least one ${names}`,
      isDone: isFiled,
      note: isFiled ? 'Filed.' : `None: the article appears on no ${names} page.`,
    },
    addressItem(slug, article.slug.trim() !== '', address),
  ];
}

function addressItem(slug: string, isTyped: boolean, clash: AddressClash | undefined): ChecklistItem {
  const item = { key: 'slug', label: 'Address' } as const;
  if (slug === '')
    return { ...item, isDone: false, note: 'None can be made from the title: give the article a URL slug.' };
  if (!clash) return { ...item, isDone: true, note: articlePath(slug) };
  if (!isTyped) {
    return {
      ...item,
      isDone: true,
      note: `${articlePath(clash.free)}: ${articlePath(slug)} is the address of “${clash.takenBy}”.`,
    };
  }
  return {
    ...item,
    isDone: false,
    note: `${articlePath(slug)} is the address of “${clash.takenBy}”: publishing is refused until the URL slug is changed. “${clash.free}” is free.`,
  };
}
