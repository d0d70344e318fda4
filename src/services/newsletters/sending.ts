import type { NewsletterMailer } from '../../adapters/newsletter-mailer.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import {
  type ClaimedDelivery,
  deliveryRetryDelayMs,
  isTemporarySmtpFailure,
  MAX_DELIVERY_ATTEMPTS,
  type NewsletterIssue,
} from '../../domain/newsletter.ts';
import type { NewsletterStore } from '../../domain/ports/newsletter-store.ts';
import type { ServiceContext } from '../context.ts';
import { deliveriesFor, messageIdDomain } from './issues.ts';
import { personalise, type RenderedIssue } from './render.ts';
import { preferencesUrl } from './subscriptions.ts';
import { unsubscribeUrl } from './unsubscribe.ts';
import type { UnsubscribeTokens } from './unsubscribe-token.ts';

/** Members read per enumeration step, each step one transaction. */
export const ENUMERATION_BATCH = 1000;

/** How a send is tuned (from the newsletter configuration). */
export interface SendSettings {
  /** Deliveries claimed at a time. */
  batchSize: number;
  /** How long a claim holds; renewed for the job with every claim. */
  leaseMs: number;
  /** Messages handed to the mailer at once (its pool queues them for its connections). */
  inFlight: number;
}

/** What sending needs besides the service context. */
export interface SendDeps {
  mailer: NewsletterMailer;
  tokens: UnsubscribeTokens;
  settings: SendSettings;
  /** Names this worker in the claims it makes. */
  worker: string;
  /** Called with every claim: the caller renews whatever lock it holds on the whole send. */
  keepAlive?: () => Promise<void>;
}

/** Where a send stands after a run: done, more to send now, or nothing to send before `at`. */
export type SendOutcome = { outcome: 'done' } | { outcome: 'more' } | { outcome: 'later'; at: string };

/**
 * Sends what is due of one issue until `deadline` (ms since the epoch), and says what is left.
 *
 * Exactly once, as far as SMTP allows: every subscriber gets one delivery row (UNIQUE per issue
 * and member, made in keyset batches, each batch with its progress in one transaction); a row is
 * claimed under a lease before its message goes out and marked sent once the server accepts
 * it. A worker that dies leaves its claims to run out; they are then claimed again. A message the
 * server accepted in the instant before the worker died, before the mark was written, goes out a
 * second time, with the same Message-ID: the send is at-least-once for that window (see the
 * README), chosen over losing the message.
 */
export async function runIssueSend(
  ctx: ServiceContext,
  deps: SendDeps,
  issueId: number,
  deadline: number,
): Promise<SendOutcome> {
  const issue = await ctx.store.newsletters.findIssue(issueId);
  if (issue?.status !== 'sending') return { outcome: 'done' };
  if (!(await enumerateRecipients(ctx, deps.tokens, issue, deadline))) return { outcome: 'more' };
  const rendered: RenderedIssue = { html: issue.htmlBody ?? '', text: issue.textBody ?? '' };
  const isCutShort = await sendClaimed(ctx, deps, issue, rendered, deadline);
  if (isCutShort) return { outcome: 'more' };
  return settle(ctx, issue.id, deps.settings.leaseMs);
}

/** Makes the issue's missing delivery rows; false when the deadline came first. */
async function enumerateRecipients(
  ctx: ServiceContext,
  tokens: UnsubscribeTokens,
  issue: NewsletterIssue,
  deadline: number,
): Promise<boolean> {
  const domain = messageIdDomain(ctx.siteUrl);
  let isComplete = issue.isEnumerated;
  while (!isComplete) {
    if (Date.now() >= deadline) return false;
    const now = toIsoTimestamp(ctx.now());
    isComplete = await ctx.store.transaction(async (repos) => {
      const current = await repos.newsletters.findIssue(issue.id);
      if (!current || current.isEnumerated) return true;
      const recipients = await repos.newsletters.listRecipients(
        issue.newsletterId,
        current.recipientsAfter,
        ENUMERATION_BATCH,
      );
      const memberIds = recipients.map((r) => r.memberId);
      const added = await repos.newsletters.addDeliveries(
        issue.id,
        deliveriesFor({ issueId: issue.id, memberIds, domain, tokens }),
        now,
      );
      const isLast = recipients.length < ENUMERATION_BATCH;
      await repos.newsletters.advanceEnumeration(issue.id, {
        lastMemberId: memberIds.at(-1) ?? current.recipientsAfter,
        added,
        isComplete: isLast,
      });
      return isLast;
    });
  }
  return true;
}

/**
 * Claims deliveries batch by batch and hands them to the mailer, a bounded number at a time,
 * until none is claimable or the deadline comes (what is already claimed is still sent).
 * Returns true when the deadline cut it short.
 */
async function sendClaimed(
  ctx: ServiceContext,
  deps: SendDeps,
  issue: NewsletterIssue,
  rendered: RenderedIssue,
  deadline: number,
): Promise<boolean> {
  const store = ctx.store.newsletters;
  const marks = new SentMarks(store, deps.worker, () => toIsoTimestamp(ctx.now()));
  // Each claimed delivery with the time (this machine's clock) its claim holds until. A claim is
  // ours only until its lease runs out, when another worker, or this one, may claim it again; so
  // the claims are renewed every quarter lease while this worker sends, and a delivery is handed
  // to the mailer only while at least half its lease is left, the other half for the message to
  // be sent and marked. On a machine too slow for that, it is left to run out and be claimed again.
  const queue: { delivery: ClaimedDelivery; heldUntil: number }[] = [];
  // Deliveries this run has queued or handed out and not yet finished. A claim can bring one
  // back when the process stalled past its lease (its claim ran out, and this run's next claim
  // took it again): it is already on its way, and is not queued a second time.
  const held = new Set<number>();
  const { leaseMs } = deps.settings;
  const inFlight = new Set<Promise<void>>();
  let isExhausted = false;
  let isCutShort = false;
  let leftToRunOut = 0;
  let renewedAt = Date.now();
  for (;;) {
    // Once a sent mark could not be written, nothing more goes out in this run: every message
    // accepted from then on would be sent again when its claim runs out.
    const canSend = !marks.hasFailed;
    if (canSend && Date.now() - renewedAt >= leaseMs / 4) {
      const renewal = Date.now();
      const now = ctx.now();
      await store.renewClaims({
        issueId: issue.id,
        worker: deps.worker,
        now: toIsoTimestamp(now),
        leaseUntil: toIsoTimestamp(new Date(now.getTime() + leaseMs)),
      });
      // Those that had run out were not renewed: they stay as they were, to be left.
      for (const item of queue) if (item.heldUntil > renewal) item.heldUntil = renewal + leaseMs;
      renewedAt = renewal;
    }
    if (canSend && !isExhausted && !isCutShort && queue.length < deps.settings.inFlight) {
      if (Date.now() >= deadline) {
        isCutShort = true;
      } else {
        await deps.keepAlive?.();
        const heldUntil = Date.now() + leaseMs;
        const now = ctx.now();
        const claimed = await store.claimDeliveries({
          issueId: issue.id,
          worker: deps.worker,
          now: toIsoTimestamp(now),
          leaseUntil: toIsoTimestamp(new Date(now.getTime() + leaseMs)),
          limit: deps.settings.batchSize,
        });
        if (claimed.length === 0) isExhausted = true;
        for (const delivery of claimed) {
          if (held.has(delivery.id)) continue;
          held.add(delivery.id);
          queue.push({ delivery, heldUntil });
        }
      }
    }
    while (canSend && queue.length > 0 && inFlight.size < deps.settings.inFlight) {
      const { delivery, heldUntil } = queue.shift() as (typeof queue)[number];
      if (Date.now() > heldUntil - leaseMs / 2) {
        held.delete(delivery.id);
        leftToRunOut++;
        continue;
      }
      const sending: Promise<void> = deliver(ctx, deps, { issue, rendered, delivery, marks }).finally(() => {
        inFlight.delete(sending);
        held.delete(delivery.id);
      });
      inFlight.add(sending);
    }
    if (inFlight.size === 0) {
      // All that was claimed was left to run out: claim again while there is more.
      if (canSend && !isExhausted && !isCutShort) continue;
      break;
    }
    await Promise.race(inFlight);
  }
  if (leftToRunOut > 0)
    ctx.log.warn(
      { issueId: issue.id, deliveries: leftToRunOut },
      'newsletter deliveries not sent before half their lease ran out, left to be claimed again',
    );
  marks.throwIfFailed();
  return isCutShort;
}

/** Sends one claimed delivery and records what came of it. */
async function deliver(
  ctx: ServiceContext,
  deps: SendDeps,
  input: { issue: NewsletterIssue; rendered: RenderedIssue; delivery: ClaimedDelivery; marks: SentMarks },
): Promise<void> {
  const { issue, delivery } = input;
  const store = ctx.store.newsletters;
  if (!delivery.isStillWanted) {
    await store.closeDelivery(delivery.id, deps.worker, {
      status: 'skipped',
      error: 'unsubscribed, bounced or complained before this issue reached them',
    });
    return;
  }
  const link = unsubscribeUrl(ctx.siteUrl, deps.tokens, {
    memberId: delivery.memberId,
    newsletterId: issue.newsletterId,
  });
  const bodies = personalise(input.rendered, {
    unsubscribeUrl: link,
    preferencesUrl: preferencesUrl(ctx.siteUrl, deps.tokens, { memberId: delivery.memberId, now: ctx.now() }),
  });
  const result = await deps.mailer.send({
    to: delivery.email,
    subject: issue.subject,
    html: bodies.html,
    text: bodies.text,
    messageId: delivery.messageId,
    unsubscribeUrl: link,
  });
  if (result.isAccepted) {
    await input.marks.write(delivery.id);
    return;
  }
  if (isTemporarySmtpFailure(result.responseCode) && delivery.attempts < MAX_DELIVERY_ATTEMPTS) {
    const at = new Date(ctx.now().getTime() + deliveryRetryDelayMs(delivery.attempts));
    await store.deferDelivery(delivery.id, deps.worker, {
      error: result.error,
      nextAttemptAt: toIsoTimestamp(at),
    });
    return;
  }
  ctx.log.warn(
    { issueId: issue.id, deliveryId: delivery.id, code: result.responseCode },
    'newsletter delivery failed',
  );
  await store.closeDelivery(delivery.id, deps.worker, { status: 'failed', error: result.error });
}

/**
 * Writes each accepted delivery's "sent" mark the moment the SMTP server's acceptance is seen:
 * nodemailer reports the 250 from the socket's data event, and the mark's commit starts in the
 * same turn, with nothing awaited first and no timer, so that a worker killed meanwhile leaves
 * as few accepted messages unmarked as possible (each one is sent again). The commit does not
 * wait for the disk (see NewsletterStore.markSent), which keeps it to tens of microseconds on
 * SQLite and one round trip's worth on PostgreSQL.
 */
class SentMarks {
  private failure: unknown;
  private readonly store: NewsletterStore;
  private readonly worker: string;
  private readonly now: () => string;

  constructor(store: NewsletterStore, worker: string, now: () => string) {
    this.store = store;
    this.worker = worker;
    this.now = now;
  }

  get hasFailed(): boolean {
    return this.failure !== undefined;
  }

  async write(id: number): Promise<void> {
    try {
      await this.store.markSent([id], this.now(), this.worker);
    } catch (error) {
      // The claim stays and runs out: this delivery is sent again (the at-least-once window),
      // and the send stops until then rather than widen that window with every message.
      this.failure ??= error;
    }
  }

  /** Rejects with the first failed write, once every message handed out has come back. */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** After a run that found nothing more to claim: the issue is finished, or waits for retries or other workers. */
async function settle(ctx: ServiceContext, issueId: number, leaseMs: number): Promise<SendOutcome> {
  const store = ctx.store.newsletters;
  const counts = await store.countDeliveries(issueId);
  const now = ctx.now();
  if (counts.sending > 0) return { outcome: 'later', at: toIsoTimestamp(new Date(now.getTime() + leaseMs)) };
  if (counts.pending > 0) {
    const next = await store.nextAttemptAt(issueId);
    return { outcome: 'later', at: next ?? toIsoTimestamp(now) };
  }
  await store.finishIssue(issueId, counts, toIsoTimestamp(now));
  ctx.log.info({ issueId, ...counts }, 'newsletter issue sent');
  return { outcome: 'done' };
}
