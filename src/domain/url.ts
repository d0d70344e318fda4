import { BIDI_MESSAGE, hasBidiControls } from './text.ts';

// Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
// "java\tscript:" runs script and "/\evil.example" leaves the site; a bidirectional control
// shows an address other than the one it is ("/\u202Egpj.exe" reads ".../exe.jpg"). Such values
// are refused outright rather than cleaned: no honest link contains them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE_CHARACTERS = /[\s\u0000-\u001f\u007f\\\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Whether a value is an absolute http or https URL with a host: the only kinds we link to or fetch. */
export function isHttpUrl(value: string | null | undefined): value is string {
  if (!value || UNSAFE_CHARACTERS.test(value) || !/^https?:\/\/[^/]/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname !== '' &&
      // "https://user:pass@host/" shows readers a password, or dresses one host up as another
      // ("https://bank.example@evil.example/").
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}

/** Whether a URL carries a user name or password before its host (`https://user:pass@host/`). */
export function hasUserinfo(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** The message for a URL field whose value was refused: `otherwise`, or why when it has userinfo. */
export function urlFieldMessage(value: string, otherwise: string): string {
  if (hasBidiControls(value)) return BIDI_MESSAGE;
  return hasUserinfo(value)
    ? 'must not carry a user name or password (the "name:password@" before the host)'
    : otherwise;
}

/**
 * Whether a value is a path on this site ("/media/2026/a.jpg", "/membership?x=1"): one leading
 * slash (never "//" or "/\", which browsers send to another host), and no "." or ".." segment,
 * even percent-encoded.
 */
export function isSitePath(value: string | null | undefined): value is string {
  if (!value || UNSAFE_CHARACTERS.test(value) || !value.startsWith('/') || value.startsWith('//'))
    return false;
  const path = value.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  if (UNSAFE_CHARACTERS.test(decoded)) return false;
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) return false;
  try {
    return new URL(value, 'http://site.invalid').host === 'site.invalid';
  } catch {
    return false;
  }
}

/** Encoded dots, slashes, backslashes and percent signs: a later hop that decodes them could climb out. */
const ENCODED_PATH_PARTS = /%(?:2e|2f|5c|25)/i;

/**
 * Where to send someone back to in the admin (the sign-in form's `next`): the path resolved
 * against the site, as the browser would resolve it ("/admin/people/../articles" is
 * "/admin/articles"), when it stays under /admin on this site; "/admin" for anything else
 * ("//evil.example", "/\evil.example", "/admin/../../evil", "/admin/..%2f..%2fevil"). Only
 * printable ASCII comes back, so it is a valid Location header as it stands.
 */
export function adminReturnPath(next: unknown): string {
  const fallback = '/admin';
  if (typeof next !== 'string' || next.length > 2000) return fallback;
  if (!/^\/[\x21-\x7e]*$/.test(next) || next.includes('//') || next.includes('\\')) return fallback;
  let url: URL;
  try {
    url = new URL(next, 'http://site.invalid');
  } catch {
    return fallback;
  }
  if (url.origin !== 'http://site.invalid' || ENCODED_PATH_PARTS.test(url.pathname)) return fallback;
  if (url.pathname !== '/admin' && !url.pathname.startsWith('/admin/')) return fallback;
  return `${url.pathname}${url.search}`;
}

/** A link a writer may set: an http(s) URL or a path on this site. */
export function isLinkTarget(value: string | null | undefined): value is string {
  return isHttpUrl(value) || isSitePath(value);
}

/**
 * The absolute form of a stored URL or site path, or null when it cannot be read. Lists (feeds,
 * sitemaps) use this so that one bad stored value drops one image, never the whole document.
 */
export function absoluteUrl(value: string | null | undefined, base: string): string | null {
  if (!isLinkTarget(value)) return null;
  try {
    return new URL(value, base).toString();
  } catch {
    return null;
  }
}

// A DNS name of two or more labels ending in a letters-only (or punycode) top-level label, so
// that no IP address, "localhost" or intranet name passes.
const LABEL = '(?!-)[a-z0-9-]{1,63}(?<!-)';
const PUBLIC_HOST_NAME = new RegExp(`^(?:${LABEL}\\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`);

/**
 * The server name in what a reader typed into a "your server" field ("mastodon.social",
 * "https://Mastodon.Social/"), lower-cased and in ASCII; undefined for anything else: a path, a
 * port, user info, an IP address, a single-label name, a backslash or a control character.
 *
 * @example typedServerName(' https://Mastodon.Social/ ') // 'mastodon.social'
 */
export function typedServerName(value: string): string | undefined {
  const bare = value
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/$/, '');
  // Anything that could make the name part of a longer URL is refused before it is parsed.
  if (bare === '' || /[^\p{L}\p{N}.-]/u.test(bare)) return undefined;
  let host: string;
  try {
    host = new URL(`https://${bare}/`).hostname;
  } catch {
    return undefined;
  }
  return host.length <= 253 && PUBLIC_HOST_NAME.test(host) ? host : undefined;
}
