import { isHttpUrl } from './url.ts';

// Webmention (https://www.w3.org/TR/webmention/): another site tells us that a page of theirs
// (the source) links to one of our articles (the target). We answer 202 at once and check the
// claim later, from the job queue, by fetching the source and looking for the link.

/** The longest source or target URL accepted, in characters. */
export const MAX_WEBMENTION_URL_LENGTH = 2000;

/** Where a mention stands after its latest check. */
export type WebmentionStatus = 'verified' | 'removed' | 'refused';

/** A mention of one of our articles by another page, as last checked. */
export interface Webmention {
  id: number;
  articleId: number;
  source: string;
  target: string;
  status: WebmentionStatus;
  /** The source page's <title>, when it had one. */
  sourceTitle: string | null;
  /** Why the latest check did not verify it (no link back, an address refused…); null when it did. */
  reason: string | null;
  firstVerifiedAt: string | null;
  lastVerifiedAt: string | null;
  /** When the latest notice for this source arrived. */
  receivedAt: string;
  updatedAt: string;
}

/** Settings of the webmention receiver (config section `webmention`). */
export interface WebmentionSettings {
  /**
   * Fetch sources on private, loopback and link-local addresses too. Off in production: a
   * stranger could otherwise make the server read its own network. Tests serve sources locally.
   */
  allowPrivateAddresses: boolean;
}

/** A URL as compared for "links to": scheme and host in lower case, no default port, no fragment, no trailing slash. */
export function normalizeMentionUrl(value: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = base === undefined ? new URL(value) : new URL(value.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  // The URL parser already lower-cases scheme and host and drops a default port.
  let text = url.toString();
  if (url.search === '' && url.pathname.length > 1 && url.pathname.endsWith('/')) text = text.slice(0, -1);
  return text;
}

/** The problems with a webmention's fields, by field, before the target is looked up; empty when none. */
export function webmentionFieldProblems(fields: {
  source: string | undefined;
  target: string | undefined;
}): { field: 'source' | 'target'; message: string }[] {
  const problems: { field: 'source' | 'target'; message: string }[] = [];
  for (const field of ['source', 'target'] as const) {
    const value = fields[field];
    if (value === undefined || value.trim() === '') problems.push({ field, message: 'is required' });
    else if (value.length > MAX_WEBMENTION_URL_LENGTH)
      problems.push({ field, message: `must be at most ${MAX_WEBMENTION_URL_LENGTH} characters` });
    else if (!isHttpUrl(value))
      problems.push({ field, message: 'must be an absolute http or https URL, without a user name' });
  }
  if (problems.length > 0) return problems;
  const source = normalizeMentionUrl(fields.source ?? '');
  const target = normalizeMentionUrl(fields.target ?? '');
  if (source === target)
    problems.push({ field: 'source', message: 'must not be the same URL as the target' });
  return problems;
}

/** Attributes whose value is a URL a page may link or embed with (the spec names <a href>, <img src>, <video src>). */
const URL_ATTRIBUTES = ['href', 'src', 'cite', 'data', 'poster'] as const;

/** The URLs an HTML element's attributes point at, as written. */
export function urlsInAttributes(attributes: Readonly<Record<string, string>>): string[] {
  return URL_ATTRIBUTES.flatMap((name) => {
    const value = attributes[name];
    return value === undefined || value === '' ? [] : [value];
  });
}

/**
 * The address a page's relative links resolve against: its `<base href>` (itself resolved
 * against the page) when that is an http(s) URL, else the page's own address.
 */
export function documentBase(pageUrl: string, baseHref: string | undefined): string {
  if (baseHref === undefined) return pageUrl;
  try {
    const base = new URL(baseHref.trim(), pageUrl);
    return base.protocol === 'http:' || base.protocol === 'https:' ? base.toString() : pageUrl;
  } catch {
    return pageUrl;
  }
}

/**
 * Whether a page links to `target`: one of `links` (as written in the page at `pageUrl`, so
 * relative ones count) is the target once both are normalised.
 */
export function hasLinkTo(options: { links: readonly string[]; pageUrl: string; target: string }): boolean {
  const wanted = normalizeMentionUrl(options.target);
  if (wanted === undefined) return false;
  return options.links.some((link) => normalizeMentionUrl(link, options.pageUrl) === wanted);
}

/** Whether a plain-text source names the target (a text file has no elements, only the URL written out). */
export function textMentions(text: string, target: string): boolean {
  const wanted = normalizeMentionUrl(target);
  if (wanted === undefined) return false;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/gi)) {
    if (normalizeMentionUrl(match[0].replace(/[.,;:!?]+$/, '')) === wanted) return true;
  }
  return false;
}
