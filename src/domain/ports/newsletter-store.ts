import type {
  BounceEvent,
  ClaimedDelivery,
  DeliveryStatus,
  Newsletter,
  NewsletterIssue,
  NewsletterKind,
} from '../newsletter.ts';

/** One of a member's subscriptions: the newsletter, and when and from where it was chosen. */
export interface MemberSubscription {
  newsletterId: number;
  newsletterName: string;
  newsletterSlug: string;
  source: string;
  createdAt: string;
}

/** A subscriber as enumerated into an issue's deliveries, in member id order. */
export interface Recipient {
  memberId: number;
}

/**
 * Newsletters, subscriptions, issues and their deliveries. Deliveries are claimed with a
 * conditional UPDATE, as jobs are, so of several workers each row goes to one, and a row whose
 * worker died is claimed again once its lease runs out.
 */
export interface NewsletterStore {
  createNewsletter(
    newsletter: {
      slug: string;
      name: string;
      kind: NewsletterKind;
      termId?: number | null;
      personId?: number | null;
      sendHour?: number | null;
    },
    now: string,
  ): Promise<number>;
  findNewsletter(id: number): Promise<Newsletter | undefined>;
  findNewsletterBySlug(slug: string): Promise<Newsletter | undefined>;
  /** Every newsletter, active first, by name. */
  listNewsletters(): Promise<Newsletter[]>;
  /** Changes a newsletter's name, send hour and whether it is active; false when there is none. */
  updateNewsletter(
    id: number,
    changes: { name: string; sendHour: number | null; isActive: boolean },
    now: string,
  ): Promise<boolean>;
  /** A newsletter's issues, newest first (without their rendered bodies): its sending history. */
  listIssues(newsletterId: number, limit: number): Promise<NewsletterIssue[]>;
  /** Changes a draft or scheduled issue's content; false in any other status. */
  updateIssueContent(
    id: number,
    content: { subject: string; intro: string; articleIds: number[] },
    now: string,
  ): Promise<boolean>;
  /**
   * Creates the automatic digest of one period, scheduled for `now` (so the send of scheduled
   * issues takes it up even after a restart between the two); undefined when the newsletter already
   * has that period's issue (made by another process, or before a restart).
   */
  createPeriodIssue(
    issue: { newsletterId: number; periodKey: string; subject: string; intro: string; articleIds: number[] },
    now: string,
  ): Promise<number | undefined>;
  /** When the newsletter's latest automatic digest was made; undefined before the first. */
  lastPeriodIssueAt(newsletterId: number): Promise<string | undefined>;
  /** Adds a subscription; false when the member already had it. */
  subscribe(
    subscription: { newsletterId: number; memberId: number; source: string },
    now: string,
  ): Promise<boolean>;
  /** Ends a subscription; false when there was none. */
  unsubscribe(newsletterId: number, memberId: number): Promise<boolean>;
  isSubscribed(newsletterId: number, memberId: number): Promise<boolean>;
  /** The newsletters members may choose from (is_active), digests first, then alerts by name. */
  listActiveNewsletters(): Promise<Newsletter[]>;
  /** A member's subscriptions, each with when and from where it was chosen (their consent). */
  listSubscriptionsOf(memberId: number): Promise<MemberSubscription[]>;

  createIssue(
    issue: { newsletterId: number; subject: string; intro: string; articleIds: number[] },
    now: string,
  ): Promise<number>;
  findIssue(id: number): Promise<NewsletterIssue | undefined>;
  /** Moves a draft or scheduled issue to scheduled at `scheduledAt`; false in any other status. */
  scheduleIssue(id: number, scheduledAt: string, now: string): Promise<boolean>;
  /** Scheduled issues whose time has come, oldest first. */
  listDueIssues(now: string, limit: number): Promise<number[]>;
  /**
   * Moves a draft or scheduled issue to sending with its rendered bodies; false when it was in
   * another status (another process started it first).
   */
  startSending(id: number, bodies: { html: string; text: string }, now: string): Promise<boolean>;

  /**
   * The next `limit` members after `afterMemberId` (keyset) subscribed to the newsletter who may
   * be written to: active, not banned, never hard-bounced nor complained.
   */
  listRecipients(newsletterId: number, afterMemberId: number, limit: number): Promise<Recipient[]>;
  /** Adds pending deliveries, skipping members who have one for the issue; returns how many were added. */
  addDeliveries(
    issueId: number,
    deliveries: { memberId: number; messageId: string }[],
    now: string,
  ): Promise<number>;
  /** Records enumeration up to `lastMemberId` (never backwards), `added` more recipients, and whether it is complete. */
  advanceEnumeration(
    issueId: number,
    progress: { lastMemberId: number; added: number; isComplete: boolean },
  ): Promise<void>;

  /**
   * Claims up to `limit` deliveries of the issue for `worker` until `leaseUntil`: pending ones
   * due by `now`, and ones whose previous claim expired. Each claim counts as an attempt.
   */
  claimDeliveries(options: {
    issueId: number;
    worker: string;
    now: string;
    leaseUntil: string;
    limit: number;
  }): Promise<ClaimedDelivery[]>;
  /**
   * Extends to `leaseUntil` the worker's claims on the issue's deliveries that have not run out by
   * `now` (one that has may be another worker's by now, and stays as it is).
   */
  renewClaims(options: { issueId: number; worker: string; now: string; leaseUntil: string }): Promise<void>;
  /**
   * Marks claimed deliveries sent (the SMTP server accepted them), in one commit that does not
   * wait for the disk: written in the instant after the acceptance, it outlives this process
   * being killed, but a power cut may lose the last ones (those messages are sent again).
   */
  markSent(ids: number[], sentAt: string, worker: string): Promise<void>;
  /** Puts a claimed delivery back to wait for `nextAttemptAt`, with the reason it failed. */
  deferDelivery(id: number, worker: string, failure: { error: string; nextAttemptAt: string }): Promise<void>;
  /** Ends a claimed delivery unsent: failed (refused) or skipped (no longer wanted). */
  closeDelivery(
    id: number,
    worker: string,
    outcome: { status: 'failed' | 'skipped'; error: string },
  ): Promise<void>;
  /** How many deliveries of the issue are in each status. */
  countDeliveries(issueId: number): Promise<Record<DeliveryStatus, number>>;
  /** When the earliest delivery waiting for a retry is due; undefined when none waits. */
  nextAttemptAt(issueId: number): Promise<string | undefined>;
  /** Marks a sending issue sent with its final counts. */
  finishIssue(id: number, counts: Record<DeliveryStatus, number>, now: string): Promise<void>;

  findDeliveryByMessageId(
    messageId: string,
  ): Promise<{ id: number; memberId: number; issueId: number } | undefined>;
  /** By the normalised address (normaliseMemberEmail), as members are kept. */
  findMemberIdByEmail(email: string): Promise<number | undefined>;
  recordBounceEvent(event: BounceEvent, now: string): Promise<void>;
  /** Sets bounced_at (hard bounce) or complained_at (complaint) on a member that has none yet. */
  markMemberUnreachable(memberId: number, kind: 'hard' | 'complaint', at: string): Promise<void>;
  markDeliveryBounced(deliveryId: number): Promise<void>;

  /** The stored key of this name, or `candidate` stored as it when there is none yet. */
  keyFor(name: string, candidate: string, now: string): Promise<string>;
}
