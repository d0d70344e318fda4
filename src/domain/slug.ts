/** Slugs that would shadow a fixed route if a page or article took them. */
export const RESERVED_SLUGS = new Set([
  'admin',
  'api',
  'assets',
  'media',
  'articles',
  'authors',
  'search',
  'feed',
  'feeds',
  'sitemap.xml',
  'robots.txt',
  'share',
  'health',
  'healthz',
  'login',
  'logout',
  'members',
  'newsletter',
  'oembed',
  'webmention',
  'well-known',
  '.well-known',
  'favicon.ico',
  'rss',
  'atom',
  'json',
  'tag',
  'region',
  'theme',
  'report',
]);

// What a slug is made of: lower-case letters, letters of scripts without case (including modifier
// letters such as the Japanese ー), and digits. slugify and the validator share this one class,
// so slugify cannot produce a slug the validator refuses.
const SLUG_CHARACTERS = '\\p{Ll}\\p{Lm}\\p{Lo}\\p{N}';
const SLUG_PATTERN = new RegExp(`^[${SLUG_CHARACTERS}]+(?:-[${SLUG_CHARACTERS}]+)*$`, 'u');
const NOT_SLUG_CHARACTERS = new RegExp(`[^${SLUG_CHARACTERS}]+`, 'gu');
// Apostrophes join a word rather than split it, including the modifier letters that write them
// (the ʻokina of Hawaiʻi, the ʼ of Taʼizz).
const APOSTROPHES = /['’ʻʼʽ]/g;
const MAX_SLUG_LENGTH = 120;

/**
 * Turns a title into a URL slug: lower case, accents folded, words joined by hyphens.
 * Letters of non-Latin scripts are kept, so a Cyrillic or Arabic title still gets a readable slug.
 * The result is empty (no letters or digits) or a slug `isValidSlug` accepts.
 * @example slugify('Law & Justice — São Paulo') // 'law-justice-sao-paulo'
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    // Lower-casing can leave marks or compatibility forms again (İ becomes i and a dot above).
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(APOSTROPHES, '')
    .replace(NOT_SLUG_CHARACTERS, '-')
    .replace(/^-+|-+$/g, '');
  // Cut by whole characters: slicing code units could split a surrogate pair.
  let cut = '';
  for (const character of slug) {
    if (cut.length + character.length > MAX_SLUG_LENGTH) break;
    cut += character;
  }
  return cut.replace(/-+$/g, '');
}

/** Whether a string is already a well-formed slug. */
export function isValidSlug(slug: string): boolean {
  return slug.length > 0 && slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug);
}

/** Problem with a proposed slug, or undefined when it is fine. */
export function slugProblem(slug: string): string | undefined {
  if (slug.length === 0) return 'must not be empty';
  if (slug.length > MAX_SLUG_LENGTH) return `must be at most ${MAX_SLUG_LENGTH} characters`;
  if (!SLUG_PATTERN.test(slug)) return 'may contain only lower-case letters, digits and single hyphens';
  return undefined;
}
