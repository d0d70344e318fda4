import type { FieldError } from '../errors.ts';
/** What a newsletter carries: the daily or weekly digest, or alerts for one term or one author. */
export type NewsletterKind = 'daily' | 'weekly' | 'term' | 'author';
export const NEWSLETTER_KINDS: readonly NewsletterKind[] = ['daily', 'weekly', 'term', 'author'];

/** draft → scheduled → sending → sent; a draft may also be sent at once. */
export type IssueStatus = 'draft' | 'scheduled' | 'sending' | 'sent';

/**
 * One member's copy of an issue: pending (waiting for its turn or a retry), sending (claimed by a
 * worker under a lease), sent (the SMTP server accepted it), failed (refused for good, or given
 * up after temporary failures), bounced (reported back afterwards), skipped (the member left,
 * bounced or complained before their turn came).
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'bounced' | 'skipped';

export interface Newsletter {
  id: number;
  slug: string;
  name: string;
  kind: NewsletterKind;
  termId: number | null;
  personId: number | null;
  isActive: boolean;
  sendHour: number | null;
}

export interface NewsletterIssue {
  id: number;
  newsletterId: number;
  subject: string;
  intro: string;
  articleIds: number[];
  status: IssueStatus;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  htmlBody: string | null;
  textBody: string | null;
  /** The last member id already enumerated into deliveries, and whether all of them are. */
  recipientsAfter: number;
  isEnumerated: boolean;
  recipientCount: number;
  sentCount: number;
  failedCount: number;
  bouncedCount: number;
}

/** A delivery claimed for sending, with what the message needs of its member. */
export interface ClaimedDelivery {
  id: number;
  memberId: number;
  email: string;
  name: string;
  messageId: string;
  attempts: number;
  /** False when the member may no longer be written to (left the list, bounced, complained). */
  isStillWanted: boolean;
}

/** Bounce kinds: a hard bounce and a complaint stop every further send to the member. */
export type BounceKind = 'hard' | 'soft' | 'complaint';

/** A bounce or complaint as recorded: who, which delivery when known, and the report's words. */
export interface BounceEvent {
  email: string;
  memberId: number | null;
  deliveryId: number | null;
  kind: BounceKind;
  source: 'webhook' | 'dsn';
  statusCode: string;
  diagnostic: string;
  messageId: string;
}

/** How many times a delivery is tried on temporary failures before it is recorded as failed. */
export const MAX_DELIVERY_ATTEMPTS = 5;

const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];

/** Wait before the next try after `attempts` tries that failed for the time being. */
export function deliveryRetryDelayMs(attempts: number): number {
  return RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1] ?? 3_600_000;
}

/**
 * Whether a failed SMTP send may succeed later: a 4xx reply (greylisting, a full mailbox, rate
 * limits), or no reply at all (the server unreachable, the connection dropped). A 5xx reply is
 * the server's final word.
 */
export function isTemporarySmtpFailure(responseCode: number | undefined): boolean {
  if (responseCode === undefined) return true;
  return responseCode < 500;
}

/**
 * The Message-ID of an issue's copy for a member: the same on every try, so a copy sent twice
 * (see the sending notes in the README) is recognisably the same message, and a bounce names its
 * delivery. `tag` is a secret made from the issue and member (UnsubscribeTokens.messageTag): a
 * returned report carrying the Message-ID shows the message really went there, which anyone
 * could otherwise claim by counting issue and member numbers.
 */
export function newsletterMessageId(input: {
  issueId: number;
  memberId: number;
  tag: string;
  domain: string;
}): string {
  return `<newsletter-${input.issueId}-${input.memberId}-${input.tag}@${input.domain}>`;
}

/**
 * The kind of a bounce from its RFC 3463 status code: 5.x.x is permanent (hard), 4.x.x temporary
 * (soft); anything else is read as soft, which stops nothing.
 */
export function bounceKindOfStatus(status: string): Exclude<BounceKind, 'complaint'> {
  return /^5\.\d{1,3}\.\d{1,3}$/.test(status.trim()) ? 'hard' : 'soft';
}

/** One recipient's report in a delivery status notification (RFC 3464). */
export interface DsnRecipient {
  finalRecipient: string;
  action: string;
  status: string;
  diagnostic: string;
}

/**
 * The recipients' reports in the text of a message/delivery-status part: a block of
 * per-message fields, then a block per recipient, separated by blank lines. Folded lines are
 * unfolded; address types ("rfc822;") are dropped.
 */
export function parseDeliveryStatus(text: string): DsnRecipient[] {
  const blocks = text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/);
  const recipients: DsnRecipient[] = [];
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
    if (!recipient) continue;
    recipients.push({
      finalRecipient: withoutAddressType(recipient).toLowerCase(),
      action: (fields.get('action') ?? '').toLowerCase(),
      status: (fields.get('status') ?? '').split(/\s/)[0] ?? '',
      diagnostic: fields.get('diagnostic-code') ?? '',
    });
  }
  return recipients;
}

function withoutAddressType(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim();
}

/** Whether a report in a DSN says the message will not arrive: a failure with a 5.x.x status. */
export function isHardBounce(recipient: DsnRecipient): boolean {
  return recipient.action === 'failed' && bounceKindOfStatus(recipient.status) === 'hard';
}

/** How long the link to a reader's newsletter choices in each message works, in days. */
export const PREFERENCES_LINK_DAYS = 90;

/** Where each subscription was chosen, kept with it as the record of the member's consent. */
export const SUBSCRIPTION_SOURCES = {
  signup: 'signup form',
  account: 'account page',
  emailLink: 'newsletter email link',
} as const;
export type SubscriptionSource = (typeof SUBSCRIPTION_SOURCES)[keyof typeof SUBSCRIPTION_SOURCES];

/**
 * The newsletters a form chose (its repeated "newsletters" field of ids), each one of those
 * offered; the problem under `newsletters` for anything else. No field at all is no choice.
 */
export function readNewsletterChoice(
  raw: unknown,
  offered: readonly number[],
): { ok: true; value: number[] } | { ok: false; errors: FieldError[] } {
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const chosen = new Set<number>();
  for (const value of values) {
    const id = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
    if (!offered.includes(id))
      return {
        ok: false,
        errors: [{ field: 'newsletters', message: 'names a newsletter that is not offered' }],
      };
    chosen.add(id);
  }
  return { ok: true, value: [...chosen].sort((a, b) => a - b) };
}
