import type { MemberReaderOfSession } from '../../domain/article-access.ts';
import type { MembersContext } from './context.ts';
import { memberForSession } from './sessions.ts';

/**
 * Who a member cookie's token belongs to, as gated articles ask (canReadFull): the signed-in
 * member (memberForSession: active, not banned, live session) and whether their tier is paid.
 * The wiring hands it to the reader routes' readerFor.
 */
export function memberReaderOf(ctx: MembersContext): MemberReaderOfSession {
  return async (token) => {
    const member = await memberForSession(ctx, token);
    if (!member) return undefined;
    const isPaid = member.tierId !== null && (await ctx.store.members.isPaidTier(member.tierId));
    return { memberId: member.id, isPaid };
  };
}
