import type { FastifyRequest } from 'fastify';
import {
  MEMBER_SESSION_COOKIE,
  type MemberReader,
  type MemberReaderOfSession,
} from '../../domain/article-access.ts';

/**
 * Who is reading a request, for gated articles: the signed-in member, or undefined for an
 * anonymous reader. Reader routes take the reader through this one function only.
 */
export type ReaderFor = (request: Pick<FastifyRequest, 'headers'>) => Promise<MemberReader | undefined>;

/** Everyone is anonymous: the reader when no member sessions are wired. */
export const anonymousReaders: ReaderFor = async () => undefined;

/**
 * Whether a Cookie header may carry a member session: a string test, no parsing and no query,
 * so that pages for anonymous readers stay as cheap as before.
 */
export function hasMemberCookie(cookieHeader: string | undefined): boolean {
  return cookieHeader?.includes(`${MEMBER_SESSION_COOKIE}=`) === true;
}

/**
 * The reader of a request by its member cookie (`cookieName`: memberCookieName, which on https
 * has the __Host- prefix), looked up through `memberOfSession` only when the request carries one.
 */
export function readerForSessions(memberOfSession: MemberReaderOfSession, cookieName: string): ReaderFor {
  return async (request) => {
    const header = request.headers.cookie;
    if (!hasMemberCookie(header) || header === undefined) return undefined;
    const token = cookieValue(header, cookieName);
    return token ? memberOfSession(token) : undefined;
  };
}

/**
 * The value of one cookie in a Cookie header. Read here rather than through the cookie plugin,
 * which parses only once it has been registered in the app (the reader routes do not need it
 * otherwise); session tokens are URL-safe, so no value needs decoding.
 */
function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}
