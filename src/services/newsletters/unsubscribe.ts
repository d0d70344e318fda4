import { toIsoTimestamp } from '../../domain/article.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { type UnsubscribeTarget, UnsubscribeTokens } from './unsubscribe-token.ts';

/** Where a member's one-click unsubscribe link points (the page and the RFC 8058 POST alike). */
export function unsubscribeUrl(
  siteUrl: string,
  tokens: UnsubscribeTokens,
  target: UnsubscribeTarget,
): string {
  return `${siteUrl}/newsletters/unsubscribe?token=${encodeURIComponent(tokens.sign(target))}`;
}

/** What an unsubscribe page shows: the newsletter's name, and whether the member is still on it. */
export interface UnsubscribeView {
  newsletterName: string;
  isSubscribed: boolean;
}

async function targetOf(ctx: ServiceContext, token: string) {
  const tokens = await loadTokens(ctx);
  const target = tokens.verify(token);
  if (!target) throw Errors.UNSUBSCRIBE_LINK_INVALID();
  const newsletter = await ctx.store.newsletters.findNewsletter(target.newsletterId);
  if (!newsletter) throw Errors.UNSUBSCRIBE_LINK_INVALID();
  return { target, newsletter };
}

/** The signing keys for unsubscribe links, as stored in the database. */
export function loadTokens(ctx: ServiceContext): Promise<UnsubscribeTokens> {
  return UnsubscribeTokens.load(ctx.store.newsletters, toIsoTimestamp(ctx.now()));
}

/** Whether a token carries a valid signature (it may name a member or newsletter since gone). */
export async function isSignedUnsubscribeToken(ctx: ServiceContext, token: string): Promise<boolean> {
  return (await loadTokens(ctx)).verify(token) !== undefined;
}

/** What the unsubscribe page shows for a token; throws UNSUBSCRIBE_LINK_INVALID for a bad one. */
export async function describeUnsubscribe(ctx: ServiceContext, token: string): Promise<UnsubscribeView> {
  const { target, newsletter } = await targetOf(ctx, token);
  return {
    newsletterName: newsletter.name,
    isSubscribed: await ctx.store.newsletters.isSubscribed(target.newsletterId, target.memberId),
  };
}

/**
 * Ends the subscription a token names (the page's button, or a mail client's one-click POST).
 * Doing it twice is no error: the second finds nothing to end.
 */
export async function unsubscribeByToken(ctx: ServiceContext, token: string): Promise<UnsubscribeView> {
  const { target, newsletter } = await targetOf(ctx, token);
  const wasSubscribed = await ctx.store.newsletters.unsubscribe(target.newsletterId, target.memberId);
  if (wasSubscribed)
    ctx.log.info({ newsletterId: target.newsletterId, memberId: target.memberId }, 'member unsubscribed');
  return { newsletterName: newsletter.name, isSubscribed: false };
}
