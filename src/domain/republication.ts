/** Longest host kept (a DNS name is at most 253 characters, plus a port). */
export const MAX_REPUBLICATION_HOST = 260;
/** Longest page address kept; a longer one is refused rather than cut, so two pages never merge. */
export const MAX_REPUBLICATION_PAGE = 600;

/** A page of another site that displayed one of our articles, as the tracking image saw it. */
export interface RepublicationPage {
  /** Lower-case host, with the port when it is not the scheme's default ("example.org", "127.0.0.1:8080"). */
  host: string;
  /** Scheme, host and path: no query, no fragment, no credentials ("https://example.org/news/a"). */
  page: string;
}

/**
 * The republishing page named by a Referer, or null when there is none worth counting: missing,
 * not an http(s) address, too long, or on one of `ownHosts` (our own pages are not republications).
 *
 * @example republicationPage('https://Example.org/a?utm=x#top', ['news.test']) // { host: 'example.org', page: 'https://example.org/a' }
 */
export function republicationPage(
  referer: string | undefined,
  ownHosts: readonly string[],
): RepublicationPage | null {
  // A Referer is at most an address; a longer one is garbage (or an attack on the parser).
  if (!referer || referer.length > 4 * MAX_REPUBLICATION_PAGE) return null;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.host.toLowerCase();
  if (host === '' || host.length > MAX_REPUBLICATION_HOST) return null;
  if (ownHosts.includes(host)) return null;
  const page = `${url.protocol}//${host}${url.pathname}`;
  if (page.length > MAX_REPUBLICATION_PAGE) return null;
  return { host, page };
}

/** The host of an address (as `republicationPage` writes it), or null when it is not an http(s) one. */
export function hostOf(address: string): string | null {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host.toLowerCase() : null;
  } catch {
    return null;
  }
}
