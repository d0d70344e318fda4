// Cross-site request forgery defences of the admin's forms, in two layers that each stand alone:
//
// 1. A token bound to a secret the attacker never sees. Signed in, it is a one-way function of
//    the session cookie; before signing in (sign-in, forgotten password, reset, invitation), of
//    a random per-browser cookie set with the page. Both cookies are HttpOnly, and on https
//    carry the __Host- prefix, so a sibling subdomain cannot plant one of its own: an attacker's
//    own cookie-and-token pair is worth nothing in a victim's browser.
// 2. What the browser says about where the request comes from: Sec-Fetch-Site (every current
//    browser sends it) must be same-origin, or "none" for a request the user made directly;
//    without it, an Origin header must be this site's. A request with neither (a script, a
//    very old browser) is left to the token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The token the forms of a signed-in session carry. */
export function sessionCsrfToken(sessionToken: string): string {
  return derive('pressroom-csrf', sessionToken);
}

/** The token a visitor's forms carry, from their per-browser cookie. */
export function visitorCsrfToken(visitorNonce: string): string {
  return derive('pressroom-csrf-visitor', visitorNonce);
}

/** A new per-browser secret for a visitor's cookie. */
export function newVisitorNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a cookie value looks like a nonce we made (anything else is ignored, never echoed). */
export function isVisitorNonce(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** Whether `sent` is the token `expected`, compared in constant time. */
export function isSameToken(expected: string, sent: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether the browser's own headers allow a state-changing request: Sec-Fetch-Site same-origin
 * or none; failing that header, an Origin equal to the site's or to the address the request
 * was sent to (a proxy may serve the site under another name as well).
 *
 * @example isAllowedOrigin({ secFetchSite: 'cross-site' }, { siteOrigin: 'https://a.example', requestOrigin: 'https://a.example' }) // false
 */
export function isAllowedOrigin(
  headers: { secFetchSite?: string | undefined; origin?: string | undefined },
  site: { siteOrigin: string; requestOrigin: string },
): boolean {
  const fetchSite = headers.secFetchSite?.trim().toLowerCase();
  if (fetchSite) return fetchSite === 'same-origin' || fetchSite === 'none';
  const origin = headers.origin?.trim();
  if (!origin) return true;
  // "null" is what browsers send for sandboxed frames and after cross-origin redirects.
  if (origin === 'null') return false;
  const normalized = originOf(origin);
  return normalized !== null && (normalized === site.siteOrigin || normalized === site.requestOrigin);
}

/** `isAllowedOrigin` for a request, read off its own headers and the address it was sent to. */
export function isRequestFromSite(
  request: {
    headers: Readonly<Record<string, string | string[] | undefined>>;
    protocol: string;
    host: string;
  },
  siteOrigin: string,
): boolean {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return isAllowedOrigin(
    { secFetchSite: header('sec-fetch-site'), origin: header('origin') },
    { siteOrigin, requestOrigin: `${request.protocol}://${request.host}` },
  );
}

/** The origin (scheme://host[:port]) of a URL, lower-cased with default ports dropped; null if unreadable. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

function derive(purpose: string, secret: string): string {
  return createHash('sha256').update(`${purpose}\u0000${secret}`).digest('base64url');
}
