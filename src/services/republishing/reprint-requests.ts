import { createHash } from 'node:crypto';
import type { Mailer } from '../../adapters/mailer.ts';
import { isPubliclyVisible, toIsoTimestamp } from '../../domain/article.ts';
import { type EffectiveLicense, effectiveLicense } from '../../domain/license.ts';
import { articlePath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import {
  canAskPermission,
  describeRequest,
  type ReprintDecision,
  type ReprintRequestInput,
  type ReprintRequestListed,
  type ReprintStatus,
  readReprintRequest,
  replyTemplate,
  replyTextErrors,
} from '../../domain/reprint-request.ts';
import { stripXmlForbidden } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import { type Actor, recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { loadSiteSettings } from '../settings.ts';

/** The job kind that emails a decision's reply to the requester. */
export const REPRINT_REPLY_JOB = 'send-reprint-reply';
/** The job kind that tells editors a new request has come. */
export const REPRINT_NOTICE_JOB = 'notify-reprint-request';

/** Both jobs' payload. */
export interface ReprintJob {
  requestId: number;
}

/** Requests one address may send in 24 hours unless configured otherwise (`reprint.dailyPerAddress`). */
export const DEFAULT_DAILY_REQUESTS_PER_ADDRESS = 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The longest page of the queue. */
const MAX_PAGE = 100;

/** A sender as counted: a hash of their address group, so no address is kept. */
export function senderKeyOf(addressGroup: string): string {
  return createHash('sha256').update(`reprint-sender\u0000${addressGroup}`).digest('hex');
}

/**
 * The published article at `slug` whose readers may ask for permission (its license keeps
 * something back), with that license; undefined for any other slug.
 */
export async function requestableArticle(
  ctx: ServiceContext,
  slug: string,
): Promise<{ id: number; title: string; slug: string; license: EffectiveLicense } | undefined> {
  const article = await ctx.store.articles.findBySlug(slug);
  if (!article || !isPubliclyVisible(article, ctx.now())) return undefined;
  const settings = await loadSiteSettings(ctx);
  const license = effectiveLicense(article.license, settings.defaultLicense);
  if (!canAskPermission(license)) return undefined;
  return { id: article.id, title: article.title, slug: article.slug, license };
}

/**
 * Takes a request sent with the form under an article. A filled honeypot (a field people never
 * see) drops it silently, answered as if taken, so a bot learns nothing. Refuses with
 * VALIDATION_FAILED naming each wrong field, REPRINT_REQUESTS_DAILY_LIMIT past the day's
 * requests from one address, and NOT_FOUND for an article that takes none. Editors are told of
 * a request by email, from the job queue.
 */
export async function submitReprintRequest(
  ctx: ServiceContext,
  input: {
    slug: string;
    fields: ReprintRequestInput;
    honeypot: string;
    /** The sender's address group (see addressGroup in auth.ts). */
    sender: string;
    dailyLimit?: number;
  },
): Promise<{ status: 'received'; id: number } | { status: 'dropped' }> {
  const log = ctx.log.child({ module: 'reprint-requests' });
  const article = await requestableArticle(ctx, input.slug);
  if (!article) throw Errors.NOT_FOUND();
  if (input.honeypot.trim() !== '') {
    log.info({ articleId: article.id }, 'reprint request dropped: the hidden field was filled');
    return { status: 'dropped' };
  }
  const read = readReprintRequest(input.fields);
  if (!read.ok) throw Errors.VALIDATION_FAILED({ details: read.errors });
  const now = ctx.now();
  const createdAt = toIsoTimestamp(now);
  const senderKey = senderKeyOf(input.sender);
  const limit = input.dailyLimit ?? DEFAULT_DAILY_REQUESTS_PER_ADDRESS;
  const since = toIsoTimestamp(new Date(now.getTime() - DAY_MS));
  if (limit > 0) {
    if ((await ctx.store.reprintRequests.countFromSenderSince(senderKey, since)) >= limit)
      throw Errors.REPRINT_REQUESTS_DAILY_LIMIT({ limit }, { retryAfterSeconds: 3600 });
  }
  const id = await ctx.store.transaction(async (repos) => {
    // The hash of an IPv4 address is undone by hashing them all: keep it only while it counts.
    await repos.reprintRequests.forgetSendersBefore(since);
    const id = await repos.reprintRequests.insert({
      ...read.value,
      articleId: article.id,
      senderKey,
      createdAt,
    });
    const payload: ReprintJob = { requestId: id };
    await repos.jobs.put(
      {
        kind: REPRINT_NOTICE_JOB,
        dedupeKey: `reprint-notice:${id}`,
        payload,
        runAt: createdAt,
        maxAttempts: 5,
      },
      createdAt,
    );
    return id;
  });
  log.info({ articleId: article.id, requestId: id, kind: read.value.kind }, 'reprint request received');
  return { status: 'received', id };
}

/** One page of the queue: requests of a status, newest first; pass the last id as `beforeId` for the next. */
export async function listReprintRequests(
  ctx: ServiceContext,
  options: { status: ReprintStatus; beforeId?: number; limit?: number },
): Promise<ReprintRequestListed[]> {
  return ctx.store.reprintRequests.list({
    status: options.status,
    limit: Math.min(Math.max(options.limit ?? 50, 1), MAX_PAGE),
    ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}),
  });
}

/** How many requests wait for a decision. */
export function pendingReprintCount(ctx: ServiceContext): Promise<number> {
  return ctx.store.reprintRequests.countByStatus('pending');
}

/** A request with the replies an editor starts from, or REPRINT_REQUEST_NOT_FOUND. */
export async function reprintRequestDetail(
  ctx: ServiceContext,
  id: number,
): Promise<{
  request: ReprintRequestListed;
  license: EffectiveLicense;
  articleUrl: string;
  templates: Record<ReprintDecision, string>;
}> {
  const request = await ctx.store.reprintRequests.findById(id);
  if (!request) throw Errors.REPRINT_REQUEST_NOT_FOUND({ id });
  const [article, settings] = await Promise.all([
    ctx.store.articles.findById(request.articleId),
    loadSiteSettings(ctx),
  ]);
  const license = effectiveLicense(article?.license ?? null, settings.defaultLicense);
  const articleUrl = `${ctx.siteUrl}${articlePath(request.articleSlug)}`;
  const template = (decision: ReprintDecision) =>
    replyTemplate({
      decision,
      request,
      article: { title: request.articleTitle, url: articleUrl },
      license,
      siteName: settings.siteName,
    });
  return {
    request,
    license,
    articleUrl,
    templates: { approved: template('approved'), declined: template('declined') },
  };
}

/**
 * Approves or declines a pending request with the reply the requester is sent: the decision,
 * its audit entry and the queued email land together. REPRINT_REQUEST_DECIDED when someone
 * decided it first; VALIDATION_FAILED (field `reply`) for an empty or overlong reply.
 */
export async function decideReprintRequest(
  ctx: ServiceContext,
  input: { id: number; decision: ReprintDecision; replyText: string; actor: Actor },
): Promise<void> {
  const replyText = stripXmlForbidden(input.replyText).replace(/\r\n?/g, '\n').trim();
  const problems = replyTextErrors(replyText);
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const now = ctx.now();
  const at = toIsoTimestamp(now);
  await ctx.store.transaction(async (repos) => {
    const request = await repos.reprintRequests.findById(input.id);
    if (!request) throw Errors.REPRINT_REQUEST_NOT_FOUND({ id: input.id });
    const isDecided = await repos.reprintRequests.decide(input.id, {
      status: input.decision,
      decidedBy: input.actor.userId,
      decidedByLabel: input.actor.label,
      decidedAt: at,
      replyText,
    });
    if (!isDecided) throw Errors.REPRINT_REQUEST_DECIDED({ status: request.status });
    await recordAudit(repos, {
      actor: input.actor,
      action: input.decision === 'approved' ? 'reprint.approve' : 'reprint.decline',
      entity: ['reprint_request', input.id],
      summary: `${input.decision === 'approved' ? 'Approved' : 'Declined'} ${describeRequest(request)} of “${request.articleTitle}” asked by ${request.requesterName} <${request.email}>`,
      at: now,
    });
    const payload: ReprintJob = { requestId: input.id };
    await repos.jobs.put(
      { kind: REPRINT_REPLY_JOB, dedupeKey: `reprint-reply:${input.id}`, payload, runAt: at, maxAttempts: 8 },
      at,
    );
  });
  ctx.log
    .child({ module: 'reprint-requests' })
    .info({ requestId: input.id, decision: input.decision }, 'reprint request decided');
}

/**
 * Emails a decided request's reply to the requester (the reply job's work). A reply already
 * sent is not sent again; a mail server that refuses throws MAIL_FAILED, so the job is retried.
 */
export async function sendReprintReply(
  ctx: ServiceContext,
  mailer: Mailer,
  requestId: number,
): Promise<'sent' | 'skipped'> {
  const request = await ctx.store.reprintRequests.findById(requestId);
  if (!request || request.status === 'pending' || request.replySentAt !== null || !request.replyText)
    return 'skipped';
  const settings = await loadSiteSettings(ctx);
  const decided = request.status === 'approved' ? 'approved' : 'declined';
  await mailer.send({
    to: request.email,
    subject: `Your request for ${describeRequest(request)} of “${request.articleTitle}”: ${decided}`,
    text: `${request.replyText}\n\n--\n${settings.siteName}\n${ctx.siteUrl}${articlePath(request.articleSlug)}\n`,
  });
  await ctx.store.reprintRequests.markReplySent(requestId, toIsoTimestamp(ctx.now()));
  return 'sent';
}

/**
 * Tells every active editor and admin of a new request (the notice job's work), in one message
 * addressed to them all; returns how many. Without mail configured, nobody is told. Nothing is sent for a request already decided or gone.
 */
export async function notifyEditorsOfRequest(
  ctx: ServiceContext,
  mailer: Mailer,
  requestId: number,
): Promise<number> {
  const request = await ctx.store.reprintRequests.findById(requestId);
  if (request?.status !== 'pending' || !mailer.isConfigured) return 0;
  const editors = (await ctx.store.users.list()).filter(
    (user) => !user.isDisabled && can(user.role, 'reprint.manage'),
  );
  if (editors.length === 0) return 0;
  const settings = await loadSiteSettings(ctx);
  // One message to them all: a retry after a refusal sends it once more, not once per editor.
  await mailer.send({
    to: editors.map((editor) => editor.email).join(', '),
    subject: `New request for ${describeRequest(request)} of “${request.articleTitle}”`,
    text: [
      `${request.requesterName} <${request.email}>${request.organisation ? ` (${request.organisation})` : ''} asks ${settings.siteName} for ${describeRequest(request)} of “${request.articleTitle}”${request.outlet ? ` in ${request.outlet}` : ''}.`,
      '',
      request.message,
      '',
      `Decide: ${ctx.siteUrl}/admin/reprint-requests/${request.id}`,
    ].join('\n'),
  });
  return editors.length;
}
