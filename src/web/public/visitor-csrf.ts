import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors.ts';
import {
  isRequestFromSite,
  isSameToken,
  isVisitorNonce,
  newVisitorNonce,
  originOf,
  visitorCsrfToken,
} from '../newsroom/csrf.ts';

/**
 * CSRF defences of a reader's form, as the admin's sign-in forms have them (see csrf.ts): a
 * token bound to a per-browser HttpOnly cookie, and the browser's own word on where the request
 * comes from. The cookie is the admin's visitor cookie; it is set only by the form's own page,
 * which is never cached, so cached reader pages stay free of cookies.
 */
export function visitorForms(siteUrl: string) {
  const isSecure = siteUrl.startsWith('https:');
  const cookie = `${isSecure ? '__Host-' : ''}pressroom_visitor`;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: isSecure } as const;
  const siteOrigin = originOf(siteUrl) ?? '';
  const nonceOf = (request: FastifyRequest): string | undefined => {
    const value = request.cookies[cookie];
    return isVisitorNonce(value) ? value : undefined;
  };
  return {
    /** The token for this browser's form, setting its cookie when it has none. */
    token(request: FastifyRequest, reply: FastifyReply): string {
      let nonce = nonceOf(request);
      if (nonce === undefined) {
        nonce = newVisitorNonce();
        reply.setCookie(cookie, nonce, cookieOptions);
      }
      return visitorCsrfToken(nonce);
    },
    /** Throws CSRF_REFUSED unless the request comes from this site with this browser's token. */
    check(request: FastifyRequest, sent: string | undefined): void {
      const isAllowed = isRequestFromSite(request, siteOrigin);
      const nonce = nonceOf(request);
      if (!isAllowed || nonce === undefined || !isSameToken(visitorCsrfToken(nonce), sent ?? ''))
        throw Errors.CSRF_REFUSED();
    },
  };
}
