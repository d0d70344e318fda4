import { toIsoTimestamp } from '../../domain/article.ts';
import { readMemberEmail, readMemberName } from '../../domain/member.ts';
import { SUBSCRIPTION_SOURCES } from '../../domain/newsletter.ts';
import { safeReturnPath } from '../../domain/paths.ts';
import type { FieldError } from '../../errors.ts';
import { Errors } from '../../errors.ts';
import { applyChoice, readChoice } from '../newsletters/subscriptions.ts';
import type { MembersContext } from './context.ts';
import { countLinkRequest } from './link-requests.ts';
import { queueMemberLink } from './links.ts';

/** What a sign-up or sign-in form sends, with where it comes from. */
export interface LinkFormInput {
  email: string;
  /** A field people never see: a bot that fills it is answered as anyone, and nothing is done. */
  honeypot: string;
  /** The sender's address group (see addressGroup in auth.ts). */
  sender: string;
}

/** Every answer to these forms is this one, whatever the address: nobody learns who has an account. */
export type LinkFormAnswer = 'check-your-inbox';

function refuse(errors: FieldError[]): never {
  throw Errors.VALIDATION_FAILED({ details: errors });
}

/**
 * Takes a sign-up (double opt-in): a new address becomes a pending member and is mailed a
 * link to confirm; a pending one is mailed that link again; an active one is mailed a sign-in
 * link instead. The answer is the same in every case. VALIDATION_FAILED names a wrong field;
 * MEMBER_LINKS_LIMIT past the day's links.
 *
 * The newsletters chosen (the form's raw "newsletters" field) are kept for a pending member
 * only, replacing an earlier sign-up's choice: newsletters go to active members alone, so
 * nothing is sent before the address is confirmed. An active member's choice is theirs to make
 * signed in; a sign-up form cannot change it.
 */
export async function signUpMember(
  ctx: MembersContext,
  input: LinkFormInput & { name: string; newsletters?: unknown },
): Promise<LinkFormAnswer> {
  const log = ctx.log.child({ module: 'members' });
  const email = readMemberEmail(input.email);
  const name = readMemberName(input.name);
  const errors = [...(email.ok ? [] : email.errors), ...(name.ok ? [] : name.errors)];
  if (errors.length > 0 || !email.ok || !name.ok) refuse(errors);
  const chosen = await readChoice(ctx, input.newsletters);
  if (input.honeypot.trim() !== '') {
    log.info('member sign-up dropped: the hidden field was filled');
    return 'check-your-inbox';
  }
  const createdAt = toIsoTimestamp(ctx.now());
  await ctx.store.transaction(async (repos) => {
    await countLinkRequest(ctx, repos, { sender: input.sender, email: email.value });
    const id =
      (await repos.members.insertPending({ email: email.value, name: name.value, createdAt })) ??
      // Taken: by a member already here, or by a sign-up a moment before (this transaction can still read it).
      (await repos.members.findByEmail(email.value))?.id;
    const member = id === undefined ? undefined : await repos.members.findById(id);
    if (!member || member.isBanned) return;
    if (member.status === 'pending')
      await applyChoice(ctx, repos, { memberId: member.id, chosen, source: SUBSCRIPTION_SOURCES.signup });
    await queueMemberLink(ctx, repos, {
      memberId: member.id,
      kind: member.status === 'active' ? 'signin' : 'signup',
    });
  });
  log.info('member sign-up taken');
  return 'check-your-inbox';
}

/**
 * Mails a sign-in link to an active member, a confirmation link to a pending one, and nothing
 * to an unknown address, answering the same in each case. Refuses as signUpMember does.
 */
export async function requestMemberSignIn(
  ctx: MembersContext,
  input: LinkFormInput & {
    /** Where the link leads once followed; kept only if safeReturnPath keeps it. */
    returnTo?: string | undefined;
  },
): Promise<LinkFormAnswer> {
  const email = readMemberEmail(input.email);
  if (!email.ok) refuse(email.errors);
  if (input.honeypot.trim() !== '') return 'check-your-inbox';
  await ctx.store.transaction(async (repos) => {
    await countLinkRequest(ctx, repos, { sender: input.sender, email: email.value });
    // Queued for every address; the job looks the member up (sendMemberLink), so the answer
    // takes as long whether or not the address has an account.
    const returnTo = safeReturnPath(input.returnTo);
    await queueMemberLink(ctx, repos, {
      address: email.value,
      kind: 'signin',
      ...(returnTo ? { returnTo } : {}),
    });
  });
  return 'check-your-inbox';
}
