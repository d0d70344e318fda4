import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Action, can, canOnItem } from '../../domain/permissions.ts';
import type { SessionRecord } from '../../domain/ports/session-store.ts';
import type { User } from '../../domain/user.ts';
import { type AppError, Errors } from '../../errors.ts';

/** The signed-in user of an admin request. */
export interface AdminAuth {
  user: User;
  session: SessionRecord;
}

/**
 * Who may open an admin route, declared on every route as `config: { access }`:
 * an Action from domain/permissions.ts, 'signed-in' (any staff user), or 'public' (sign-in pages).
 * The admin plugin refuses to register a route without it, and enforces it before the handler.
 */
export type AdminAccess = Action | 'signed-in' | 'public';

export function permissionDenied(): AppError {
  return Errors.PERMISSION_DENIED({});
}

/** The signed-in user, for handlers on routes that are not 'public'. */
export function currentUser(request: FastifyRequest): User {
  if (!request.admin) throw permissionDenied();
  return request.admin.user;
}

/**
 * A preHandler that checks the signed-in user's role allows `action`: anonymous visitors are sent
 * to the sign-in page (GET) or refused with 401, other roles get 403. Routes normally declare
 * `config: { access: action }` and the admin plugin runs this for them.
 */
export function requirePermission(action: Action | 'signed-in') {
  return async function checkPermission(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.admin) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const next = encodeURIComponent(request.url);
        await reply.redirect(`/admin/login?next=${next}`, 303);
        return;
      }
      throw Errors.PERMISSION_DENIED({
        reason: 'You are not signed in (or your session has ended). Sign in and try again.',
      });
    }
    if (action !== 'signed-in' && !can(request.admin.user.role, action)) throw permissionDenied();
  };
}

/**
 * Refuses (403) unless the user may do `verb` to this article: the `_any` permission, or the
 * `_own` one when `isOwn` (their person is on the byline).
 */
export function assertCanOnArticle(
  request: FastifyRequest,
  verb: 'edit' | 'publish' | 'delete',
  context: { isOwn: boolean },
): void {
  const user = currentUser(request);
  if (!canOnItem(user.role, 'article', verb, context)) throw permissionDenied();
}
