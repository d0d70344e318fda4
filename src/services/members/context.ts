import type { Config } from '../../config.ts';
import type { MemberTokenKind } from '../../domain/member.ts';
import type { ServiceContext } from '../context.ts';

/** What the members' services need beyond the usual context: their settings. */
export interface MembersContext extends ServiceContext {
  config: Pick<Config, 'members'>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How long a link of a kind stays valid, in milliseconds, as configured. */
export function linkLifetimeMs(ctx: MembersContext, kind: MemberTokenKind): number {
  const settings = ctx.config.members;
  if (kind === 'signin') return settings.signinLinkMinutes * MINUTE_MS;
  return (kind === 'signup' ? settings.signupLinkHours : settings.emailLinkHours) * HOUR_MS;
}

/** The lifetime of a link in words, for the mail that carries it ("30 minutes", "48 hours"). */
export function linkLifetimeText(ctx: MembersContext, kind: MemberTokenKind): string {
  const settings = ctx.config.members;
  const [n, unit] =
    kind === 'signin'
      ? [settings.signinLinkMinutes, 'minute']
      : [kind === 'signup' ? settings.signupLinkHours : settings.emailLinkHours, 'hour'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
