import { fastifyCookie } from '@fastify/cookie';
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
 * The reader of a request by its member cookie, looked up through `memberOfSession` only when
 * the request carries one.
 */
export function readerForSessions(memberOfSession: MemberReaderOfSession): ReaderFor {
  return async (request) => {
    const header = request.headers.cookie;
    if (!hasMemberCookie(header) || header === undefined) return undefined;
    const token = fastifyCookie.parse(header)[MEMBER_SESSION_COOKIE];
    return token ? memberOfSession(token) : undefined;
  };
}
