import { toIsoTimestamp } from '../../domain/article.ts';
import { canSignIn, type Member } from '../../domain/member.ts';
import {
  type Newsletter,
  PREFERENCES_LINK_DAYS,
  readNewsletterChoice,
  type SubscriptionSource,
} from '../../domain/newsletter.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { loadTokens } from './unsubscribe.ts';
import type { UnsubscribeTokens } from './unsubscribe-token.ts';

/** Where the page of a member's newsletter choices opened from an email lives. */
export const PREFERENCES_PATH = '/newsletters/preferences';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The newsletters a member may choose from, and the ones of them they have chosen. */
export interface NewsletterChoices {
  newsletters: Newsletter[];
  chosenIds: number[];
}

/** The newsletters offered (active ones), digests first: what the join form shows. */
export function offeredNewsletters(ctx: ServiceContext): Promise<Newsletter[]> {
  return ctx.store.newsletters.listActiveNewsletters();
}

/** The offered newsletters with the member's choice among them. */
export async function newsletterChoicesOf(ctx: ServiceContext, memberId: number): Promise<NewsletterChoices> {
  const [newsletters, subscriptions] = await Promise.all([
    offeredNewsletters(ctx),
    ctx.store.newsletters.listSubscriptionsOf(memberId),
  ]);
  const subscribed = new Set(subscriptions.map((s) => s.newsletterId));
  return { newsletters, chosenIds: newsletters.filter((n) => subscribed.has(n.id)).map((n) => n.id) };
}

/**
 * Reads a form's choice among the offered newsletters; VALIDATION_FAILED under `newsletters`
 * for an id that is not offered (a newsletter retired since the form was shown, or a forged one).
 */
export async function readChoice(ctx: ServiceContext, raw: unknown): Promise<number[]> {
  const offered = (await offeredNewsletters(ctx)).map((n) => n.id);
  const choice = readNewsletterChoice(raw, offered);
  if (!choice.ok) throw Errors.VALIDATION_FAILED({ details: choice.errors });
  return choice.value;
}

/**
 * Makes the member's subscriptions among the offered newsletters exactly `chosen`, in the
 * caller's transaction; subscriptions to newsletters no longer offered are left as they are.
 * Each new subscription keeps when and where it was chosen: the record of the member's consent.
 * A change is audited as the member's own action (by id: the log outlives a deleted account,
 * and must not keep its address).
 */
export async function applyChoice(
  ctx: ServiceContext,
  repos: Pick<Repositories, 'newsletters' | 'audit'>,
  input: { memberId: number; chosen: readonly number[]; source: SubscriptionSource },
): Promise<{ added: Newsletter[]; removed: Newsletter[] }> {
  const now = ctx.now();
  const offered = await repos.newsletters.listActiveNewsletters();
  const current = new Set(
    (await repos.newsletters.listSubscriptionsOf(input.memberId)).map((s) => s.newsletterId),
  );
  const added: Newsletter[] = [];
  const removed: Newsletter[] = [];
  for (const newsletter of offered) {
    const isChosen = input.chosen.includes(newsletter.id);
    if (isChosen && !current.has(newsletter.id)) {
      await repos.newsletters.subscribe(
        { newsletterId: newsletter.id, memberId: input.memberId, source: input.source },
        toIsoTimestamp(now),
      );
      added.push(newsletter);
    } else if (!isChosen && current.has(newsletter.id)) {
      await repos.newsletters.unsubscribe(newsletter.id, input.memberId);
      removed.push(newsletter);
    }
  }
  if (added.length > 0 || removed.length > 0)
    await recordAudit(repos, {
      actor: { userId: null, label: `member ${input.memberId}` },
      action: 'member.subscriptions',
      entity: ['member', input.memberId],
      summary: choiceSummary(added, removed, input.source),
      at: now,
    });
  return { added, removed };
}

function choiceSummary(added: Newsletter[], removed: Newsletter[], source: string): string {
  const names = (list: Newsletter[]) => list.map((n) => `“${n.name}”`).join(', ');
  const parts = [
    ...(added.length > 0 ? [`subscribed to ${names(added)}`] : []),
    ...(removed.length > 0 ? [`unsubscribed from ${names(removed)}`] : []),
  ];
  return `Member ${parts.join('; ')} (${source})`;
}

/** Saves a signed-in member's choice from the account page, in one transaction. */
export async function saveNewsletterChoice(
  ctx: ServiceContext,
  member: Pick<Member, 'id'>,
  raw: unknown,
  source: SubscriptionSource,
): Promise<void> {
  const chosen = await readChoice(ctx, raw);
  const result = await ctx.store.transaction((repos) =>
    applyChoice(ctx, repos, { memberId: member.id, chosen, source }),
  );
  ctx.log
    .child({ module: 'newsletters' })
    .info(
      { memberId: member.id, added: result.added.length, removed: result.removed.length },
      'newsletter choice saved',
    );
}

/** The link to a member's choices that each newsletter message carries; it works PREFERENCES_LINK_DAYS. */
export function preferencesUrl(
  siteUrl: string,
  tokens: UnsubscribeTokens,
  input: { memberId: number; now: Date },
): string {
  const expiresAt = new Date(input.now.getTime() + PREFERENCES_LINK_DAYS * DAY_MS);
  const token = tokens.signPreferences({ memberId: input.memberId, expiresAt });
  return `${siteUrl}${PREFERENCES_PATH}?token=${encodeURIComponent(token)}`;
}

/**
 * The member a choices link opens, with no session: the signed token is the guard.
 * PREFERENCES_LINK_INVALID for a token forged, altered or run out, and for a member gone,
 * unconfirmed or banned.
 */
export async function memberOfPreferencesToken(ctx: ServiceContext, token: string): Promise<Member> {
  const tokens = await loadTokens(ctx);
  const target = tokens.verifyPreferences(token, ctx.now());
  const member = target && (await ctx.store.members.findById(target.memberId));
  if (!member || !canSignIn(member)) throw Errors.PREFERENCES_LINK_INVALID();
  return member;
}
