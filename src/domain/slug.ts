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

const SLUG_PATTERN = /^[a-z0-9\p{Ll}\p{Lo}\p{N}]+(?:-[a-z0-9\p{Ll}\p{Lo}\p{N}]+)*$/u;
const MAX_SLUG_LENGTH = 120;

/**
 * Turns a title into a URL slug: lower case, accents folded, words joined by hyphens.
 * Letters of non-Latin scripts are kept, so a Cyrillic or Arabic title still gets a readable slug.
 * @example slugify('Law & Justice — São Paulo') // 'law-justice-sao-paulo'
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, MAX_SLUG_LENGTH).replace(/-+$/g, '');
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
