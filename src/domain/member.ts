import { domainToASCII, domainToUnicode } from 'node:url';
import type { FieldError } from '../errors.ts';
import { lengthErrors } from './limits.ts';
import { BIDI_MESSAGE, hasBidiControls, stripXmlForbidden } from './text.ts';

/** A member is pending from sign-up until they follow the link mailed to them, then active. */
export const MEMBER_STATUSES = ['pending', 'active'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/**
 * What a mailed link does: confirm a sign-up (and record consent), sign in, or confirm a new
 * address (the link goes to that address; the old one works until it is followed).
 */
export const MEMBER_TOKEN_KINDS = ['signup', 'signin', 'email'] as const;
export type MemberTokenKind = (typeof MEMBER_TOKEN_KINDS)[number];

/** The longest value of each field, in characters; no column is smaller. */
export const MEMBER_LIMITS = { email: 320, name: 200 } as const;

/** How the consent of a member who signed up on the site is recorded. */
export const SIGNUP_CONSENT_SOURCE = 'signup form';

/** A reader with an account, as stored. */
export interface Member {
  id: number;
  /** Lower-cased and trimmed (normaliseMemberEmail): one account per inbox. */
  email: string;
  name: string;
  status: MemberStatus;
  tierId: number | null;
  confirmedAt: string | null;
  consentAt: string | null;
  consentSource: string | null;
  isBanned: boolean;
  bouncedAt: string | null;
  complainedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A mailed link as stored: only the hash of its token is kept. */
export interface MemberToken {
  id: number;
  tokenHash: string;
  kind: MemberTokenKind;
  memberId: number;
  /** For an "email" link: the address it confirms. */
  newEmail: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

/** A member's signed-in browser; `id` is the SHA-256 of the cookie's token. */
export interface MemberSession {
  id: string;
  memberId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

// The same test as staff accounts and reprint requests use: one @, something before and a dot
// after, no spaces (so no line break can reach a mail header).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An address as members are kept and looked up, so that one inbox is one account however it is
 * written: trimmed, in Unicode's composed form (NFC: "ë" typed as e + ¨ is the same "ë") and
 * lower-cased; its domain as IDNA reads it (the ASCII "xn--" spelling and full-width letters
 * become the Unicode name) without a final dot. A domain IDNA cannot read is left as typed, for
 * readMemberEmail to refuse.
 *
 * @example normaliseMemberEmail('  Ana@Example.ORG ') === 'ana@example.org'
 * @example normaliseMemberEmail('ana@xn--exmple-cua.org') === 'ana@exämple.org'
 */
export function normaliseMemberEmail(raw: string): string {
  const email = stripXmlForbidden(raw).trim().normalize('NFC').toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const domain = email.slice(at + 1).replace(/\.$/, '');
  const ascii = domainToASCII(domain);
  return `${email.slice(0, at)}@${ascii === '' ? domain : domainToUnicode(ascii)}`;
}

/** Whether an address's domain is a name IDNA can read (so mail could be routed to it). */
function hasReadableDomain(email: string): boolean {
  return domainToASCII(email.slice(email.lastIndexOf('@') + 1)) !== '';
}

/** A member's address, normalised, or the problem with it under `field`. */
export function readMemberEmail(
  raw: string,
  field = 'email',
): { ok: true; value: string } | { ok: false; errors: FieldError[] } {
  const email = normaliseMemberEmail(raw);
  const errors = lengthErrors([[field, email, MEMBER_LIMITS.email]]);
  if (errors.length === 0) {
    if (email === '') errors.push({ field, message: 'must not be empty' });
    else if (!EMAIL.test(email) || !hasReadableDomain(email))
      errors.push({ field, message: 'must be an email address, such as name@example.org' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: email };
}

/** A member's name, tidied (it may be empty), or the problem with it under `name`. */
export function readMemberName(
  raw: string,
): { ok: true; value: string } | { ok: false; errors: FieldError[] } {
  // Characters no page can show are dropped and line breaks become spaces; direction controls
  // are refused, as for every name shown among others.
  const name = stripXmlForbidden(raw).replace(/\s+/g, ' ').trim();
  const errors = lengthErrors([['name', name, MEMBER_LIMITS.name]]);
  if (errors.length === 0 && hasBidiControls(name)) errors.push({ field: 'name', message: BIDI_MESSAGE });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: name };
}

/** Whether a member may be signed in: active (their address confirmed) and not banned. */
export function canSignIn(member: Pick<Member, 'status' | 'isBanned'>): boolean {
  return member.status === 'active' && !member.isBanned;
}

/** Whether a link may still be followed at `now`: unused and not expired. */
export function isTokenUsable(token: Pick<MemberToken, 'usedAt' | 'expiresAt'>, now: string): boolean {
  return token.usedAt === null && token.expiresAt > now;
}
