// The public URL paths of everything a reader can visit, in one place: routes, feeds, sitemaps,
// redirects and templates all build links here, so a path can change in one line.

/** An article: stable, as renaming the slug leaves a 301 from the old path. */
export function articlePath(slug: string): string {
  return `/articles/${encodeURIComponent(slug)}`;
}

/** An article's republish kit: its copy-ready HTML and text. */
export function republishKitPath(slug: string): string {
  return `${articlePath(slug)}/republish`;
}

/** The form that asks the publication for permission to reprint or translate an article. */
/** An article's comments: the plain page with the thread and the form (and its posts). */
export function commentsPath(slug: string): string {
  return `${articlePath(slug)}/comments`;
}

/** The comments alone, as the article page's script fetches them into the page (never cached). */
export function commentsFragmentPath(slug: string): string {
  return `${commentsPath(slug)}/fragment`;
}

export function reprintRequestPath(slug: string): string {
  return `${articlePath(slug)}/reprint-request`;
}

/** Where the form leads once a request is sent. */
export function reprintRequestSentPath(slug: string): string {
  return `${reprintRequestPath(slug)}/sent`;
}

/** An author page. */
export function personPath(slug: string): string {
  return `/authors/${encodeURIComponent(slug)}`;
}

/** A term listing, e.g. /region/europe. */
export function termPath(taxonomySlug: string, termSlug: string): string {
  return `/${encodeURIComponent(taxonomySlug)}/${encodeURIComponent(termSlug)}`;
}

/** A static page: pages live at the top level (/about). */
export function pagePath(slug: string): string {
  return `/${encodeURIComponent(slug)}`;
}

/** The RSS or Atom feed of a listing ('' for the whole site, else an author's or a term's path). */
export function feedPathOf(listingPath: string, format: 'rss' | 'atom'): string {
  return `${listingPath}/feed.${format === 'atom' ? 'atom' : 'xml'}`;
}

/** Where other sites send webmentions of our articles (https://www.w3.org/TR/webmention/). */
export const WEBMENTION_PATH = '/webmention';

/** Members' pages: joining, signing in by a mailed link, and the account. */
export const MEMBER_PATHS = {
  join: '/members/join',
  signIn: '/members/signin',
  /** Where the join and sign-in forms lead: "check your inbox". */
  checkInbox: '/members/check-inbox',
  /** The page a mailed link opens (a button that POSTs: mail scanners open links by themselves). */
  confirm: '/members/confirm',
  account: '/members/account',
  accountName: '/members/account/name',
  accountEmail: '/members/account/email',
  accountNewsletters: '/members/account/newsletters',
  accountData: '/members/account/data',
  accountDelete: '/members/account/delete',
  /** Where a deleted account leads. */
  deleted: '/members/deleted',
  signOut: '/members/signout',
} as const;

// A base no real address has: a return path is read against it, and kept only if it stays there.
const RETURN_BASE = 'https://return.invalid';

/**
 * A path on this site to send a reader back to (after signing in), or undefined for anything
 * else: it must begin with one "/", hold no backslash, space or control character, and lead
 * nowhere else once read as a browser reads it, its percent escapes undone too (`/%2F%2Fevil`,
 * `/%5Cevil`, twice-escaped forms), since something on the way may decode them again, and
 * still one "/" once its dot segments are removed (`/.//evil`).
 * @example safeReturnPath('/articles/a/comments#comment-form') // '/articles/a/comments#comment-form'
 * @example safeReturnPath('//evil.example') // undefined
 */
export function safeReturnPath(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > 500) return undefined;
  let decoded = raw;
  // Escaped more deeply than this is no path a page of ours links to.
  for (let round = 0; ; round++) {
    if (!decoded.startsWith('/') || decoded.startsWith('//') || /[\\\s\p{Cc}]/u.test(decoded))
      return undefined;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return undefined;
    }
    if (next === decoded) break;
    if (round === 3) return undefined;
    decoded = next;
  }
  let url: URL;
  try {
    url = new URL(raw, RETURN_BASE);
  } catch {
    return undefined;
  }
  // Reading removes dot segments: "/.//evil.example" stays on the base but its path becomes
  // "//evil.example", which a browser sent there reads as another site.
  if (url.origin !== RETURN_BASE || url.pathname.startsWith('//')) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
