// The addresses a WordPress site answered that readers and feed readers still ask for after
// the site moved here: feeds, listing pages and date archives. Pure: the reader service looks up
// what the parts became.

import { trimEndOf } from './text.ts';

/** What an old WordPress address asks for, once its feed or page suffix is taken off. */
export type WordPressAddress =
  /** A feed: of the whole site (base null), or of what `base` was (a term, an author, a post). */
  | { kind: 'feed'; base: string | null; format: 'rss' | 'atom' }
  /** Page N of a listing: of the whole site (base null), or of a term or an author. */
  | { kind: 'page'; base: string | null; page: number }
  /**
   * A date archive (/2019/, /2019/05/, /2019/05/12/), of the site at the root (base null) or,
   * for one that may have lived in a folder of its host, under `base` (/blog/2019/05/).
   */
  | { kind: 'archive'; base: string | null }
  /** Ghost's AMP copy of a post (/<post>/amp/): the post itself. */
  | { kind: 'amp'; base: string };

/** The highest listing page an old address may ask for (WordPress paginates without limit). */
const MAX_PAGE = 100_000;

const FEED_SUFFIX = /^(.*?)\/feed(?:\/(rss2?|rdf|atom))?$/;
// Ghost's feeds: /rss/, /tag/<slug>/rss/, /author/<slug>/rss/.
const GHOST_FEED_SUFFIX = /^(.*?)\/rss$/;
const AMP_SUFFIX = /^(\/[^/]+)\/amp$/;
const PAGE_SUFFIX = /^(.*?)\/page\/(\d{1,6})$/;
const DATE_ARCHIVE = /^\/\d{4}(?:\/(?:0[1-9]|1[0-2])(?:\/(?:0[1-9]|[12]\d|3[01]))?)?$/;
const FOLDER_DATE_ARCHIVE = /^(\/.+?)\/\d{4}(?:\/(?:0[1-9]|1[0-2])(?:\/(?:0[1-9]|[12]\d|3[01]))?)?$/;
const QUERY_FEED = /^(?:rss2?|rdf|atom|comments-rss2|comments-atom)$/;

/**
 * The WordPress form of a path (decoded, without a trailing slash), or undefined when it has none.
 * @example wordPressAddress('/category/news/feed') // { kind: 'feed', base: '/category/news', format: 'rss' }
 * @example wordPressAddress('/feed/atom') // { kind: 'feed', base: null, format: 'atom' }
 * @example wordPressAddress('/author/ana/page/2') // { kind: 'page', base: '/author/ana', page: 2 }
 * @example wordPressAddress('/tag/news/rss') // { kind: 'feed', base: '/tag/news', format: 'rss' } (Ghost's)
 * @example wordPressAddress('/a-post/amp') // { kind: 'amp', base: '/a-post' } (Ghost's)
 */
export function wordPressAddress(path: string): WordPressAddress | undefined {
  const ghostFeed = GHOST_FEED_SUFFIX.exec(path);
  if (ghostFeed) return { kind: 'feed', base: ghostFeed[1] || null, format: 'rss' };
  const amp = AMP_SUFFIX.exec(path);
  if (amp) return { kind: 'amp', base: amp[1] ?? '' };
  const feed = FEED_SUFFIX.exec(path);
  if (feed) {
    const base = feed[1] ?? '';
    const format = feed[2] === 'atom' ? 'atom' : 'rss';
    // The comments feed has no equivalent here; the site's feed is the nearest.
    if (base === '' || base === '/comments') return { kind: 'feed', base: null, format };
    return { kind: 'feed', base, format };
  }
  const paged = PAGE_SUFFIX.exec(path);
  if (paged) {
    const page = Number(paged[2]);
    if (page < 1 || page > MAX_PAGE) return undefined;
    const base = paged[1] ?? '';
    if (base === '') return { kind: 'page', base: null, page };
    return dateArchive(base) ?? { kind: 'page', base, page };
  }
  return dateArchive(path);
}

/** A date archive at the root (/2019/05) or under what may be a folder (/blog/2019/05), or undefined. */
function dateArchive(path: string): WordPressAddress | undefined {
  if (DATE_ARCHIVE.test(path)) return { kind: 'archive', base: null };
  const folder = FOLDER_DATE_ARCHIVE.exec(path)?.[1];
  return folder === undefined ? undefined : { kind: 'archive', base: folder };
}

/**
 * The feed a WordPress `?feed=` query asks for (on the home page), or undefined.
 * @example wordPressQueryFeed('rss2') // 'rss'
 */
export function wordPressQueryFeed(value: string): 'rss' | 'atom' | undefined {
  if (!QUERY_FEED.test(value)) return undefined;
  return value.endsWith('atom') ? 'atom' : 'rss';
}

/**
 * WordPress's query addresses on the home page that name one thing, in the order one is taken
 * when an address has several: a post, a page, an attachment, a category (by id), a tag (by
 * slug), an author (by id).
 */
const QUERY_KEYS = ['p', 'page_id', 'attachment_id', 'cat', 'tag', 'author'] as const;
const QUERY_VALUES: Record<(typeof QUERY_KEYS)[number], RegExp> = {
  p: /^\d+$/,
  page_id: /^\d+$/,
  attachment_id: /^\d+$/,
  cat: /^\d+$/,
  // A tag's slug, decoded: letters of any script, digits, hyphens.
  tag: /^[\p{L}\p{M}\p{N}_-]+$/u,
  author: /^\d+$/,
};

/**
 * The one form a WordPress query address on the home page (`/?p=12`, `/index.php?cat=3`,
 * `/?tag=rivers`) is recorded and looked up by, or undefined when it names none of those.
 * @example wordPressQueryAddress('/', new URLSearchParams('cat=3&paged=2')) // '/?cat=3'
 * @example wordPressQueryAddress('/', new URLSearchParams('s=water')) // undefined
 */
export function wordPressQueryAddress(path: string, query: URLSearchParams): string | undefined {
  if (path !== '/' && path !== '/index.php') return undefined;
  for (const key of QUERY_KEYS) {
    // PHP keeps the last of repeated keys (?p=1&p=2 is post 2).
    const value = query.getAll(key).at(-1);
    if (value === undefined) continue;
    if (!QUERY_VALUES[key].test(value.toLowerCase())) return undefined;
    // WordPress reads ids as integers: ?p=0101 is post 101.
    const normal = key === 'tag' ? value.toLowerCase() : value.replace(/^0+(?=\d)/, '');
    return `/?${key}=${encodeURIComponent(normal)}`;
  }
  return undefined;
}

/**
 * wordPressQueryAddress for a site that may live in a folder of its host (https://old.example/blog):
 * the query address at any path, under that path (`/blog/?p=12` for /blog/?p=12 and
 * /blog/index.php?p=12; `/?p=12` at the root), or undefined when it names none of those.
 * @example wordPressQueryAddressAt('/blog/index.php', new URLSearchParams('p=12')) // '/blog/?p=12'
 */
export function wordPressQueryAddressAt(path: string, query: URLSearchParams): string | undefined {
  const folder = trimEndOf(path.replace(/\/index\.php$/, '/'), '/');
  const address = wordPressQueryAddress('/', query);
  return address === undefined ? undefined : `${folder}${address}`;
}

/**
 * Whether a query on the home page carries one of WordPress's keys for one thing (?p=, ?cat=...),
 * as itself or as PHP's array form (?p[]=), whatever its value: such an address was a link to
 * something on the old site, and one that names nothing is not the home page.
 */
export function hasWordPressQueryKey(path: string, query: URLSearchParams): boolean {
  if (path !== '/' && path !== '/index.php') return false;
  for (const key of query.keys()) {
    const name = key.replace(/\[.*$/, '');
    if ((QUERY_KEYS as readonly string[]).includes(name)) return true;
  }
  return false;
}
