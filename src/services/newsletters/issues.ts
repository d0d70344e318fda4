import { renderMarkdown } from '../../content/markdown.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { isGated } from '../../domain/article-access.ts';
import { type NewsletterIssue, newsletterMessageId } from '../../domain/newsletter.ts';
import type { NewsletterStore } from '../../domain/ports/newsletter-store.ts';
import { cleanLine } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { loadSettings } from '../settings.ts';
import { renderIssue } from './render.ts';
import type { UnsubscribeTokens } from './unsubscribe-token.ts';

/** The job that sends one issue; its key is per issue, so an issue is never queued twice. */
export const NEWSLETTER_SEND_JOB = 'newsletter-send';

/** The job's key for an issue. */
export function sendJobKey(issueId: number): string {
  return `newsletter-send:${issueId}`;
}

/** Payload of a NEWSLETTER_SEND_JOB. */
export interface NewsletterSendJob {
  issueId: number;
}

/** Creates a draft issue of a newsletter; returns its id. */
export async function createIssue(
  ctx: ServiceContext,
  input: { newsletterId: number; subject: string; intro?: string; articleIds: number[] },
): Promise<number> {
  const newsletter = await ctx.store.newsletters.findNewsletter(input.newsletterId);
  if (!newsletter) throw Errors.NEWSLETTER_NOT_FOUND({ id: input.newsletterId });
  const subject = cleanLine(input.subject).trim();
  const problems = [];
  if (subject.length === 0) problems.push({ field: 'subject', message: 'is required' });
  if (subject.length > 300) problems.push({ field: 'subject', message: 'is longer than 300 characters' });
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  return ctx.store.newsletters.createIssue(
    { newsletterId: input.newsletterId, subject, intro: input.intro ?? '', articleIds: input.articleIds },
    toIsoTimestamp(ctx.now()),
  );
}

async function issueOrThrow(
  store: Pick<NewsletterStore, 'findIssue'>,
  issueId: number,
): Promise<NewsletterIssue> {
  const issue = await store.findIssue(issueId);
  if (!issue) throw Errors.ISSUE_NOT_FOUND({ id: issueId });
  return issue;
}

/** Schedules a draft (or reschedules a scheduled) issue to go out at `at`; the job runner sends it then. */
export async function scheduleIssue(ctx: ServiceContext, issueId: number, at: Date): Promise<void> {
  const issue = await issueOrThrow(ctx.store.newsletters, issueId);
  const now = toIsoTimestamp(ctx.now());
  const isScheduled = await ctx.store.newsletters.scheduleIssue(issueId, toIsoTimestamp(at), now);
  if (!isScheduled) throw Errors.ISSUE_ALREADY_SENT({ id: issueId, status: issue.status });
}

/**
 * Starts sending an issue now: renders it once (the bodies are kept with the issue, so every
 * worker and every resumption sends the same text) and queues its sending job. Sending an issue
 * already sending or sent is refused.
 */
export async function sendIssue(ctx: ServiceContext, issueId: number): Promise<void> {
  const issue = await issueOrThrow(ctx.store.newsletters, issueId);
  if (issue.status === 'sending' || issue.status === 'sent')
    throw Errors.ISSUE_ALREADY_SENT({ id: issueId, status: issue.status });
  const rendered = await renderIssueOf(ctx, issue);
  const now = toIsoTimestamp(ctx.now());
  const isStarted = await ctx.store.transaction(async (repos) => {
    if (!(await repos.newsletters.startSending(issueId, rendered, now))) return false;
    await repos.jobs.put(
      {
        kind: NEWSLETTER_SEND_JOB,
        dedupeKey: sendJobKey(issueId),
        payload: { issueId } satisfies NewsletterSendJob,
        runAt: now,
        maxAttempts: 20,
      },
      now,
    );
    return true;
  });
  if (!isStarted) {
    const current = await issueOrThrow(ctx.store.newsletters, issueId);
    throw Errors.ISSUE_ALREADY_SENT({ id: issueId, status: current.status });
  }
  ctx.log.info({ issueId }, 'newsletter issue sending');
}

/** Starts every scheduled issue whose time has come; returns how many (a recurring task of the job runner). */
export async function sendDueIssues(ctx: ServiceContext): Promise<number> {
  const due = await ctx.store.newsletters.listDueIssues(toIsoTimestamp(ctx.now()), 10);
  let started = 0;
  for (const issueId of due) {
    try {
      await sendIssue(ctx, issueId);
      started++;
    } catch (error) {
      // Another process started it between the listing and here: nothing to do.
      if ((error as { code?: string }).code !== 'ISSUE_ALREADY_SENT') throw error;
    }
  }
  return started;
}

/**
 * Renders an issue as it would go out now (the send renders it again at its start). Articles
 * for members or paying members go out as their title and summary, marked for members, with no
 * more of their text than a public listing shows.
 */
export async function renderIssueOf(ctx: ServiceContext, issue: NewsletterIssue) {
  const newsletter = await ctx.store.newsletters.findNewsletter(issue.newsletterId);
  if (!newsletter) throw Errors.NEWSLETTER_NOT_FOUND({ id: issue.newsletterId });
  const [settings, found] = await Promise.all([
    loadSettings(ctx.store),
    ctx.store.articles.findSummariesByIds(issue.articleIds),
  ]);
  const byId = new Map(found.map((article) => [article.id, article]));
  // Only published articles go out: a draft picked and later withdrawn is left out.
  const articles = issue.articleIds
    .map((id) => byId.get(id))
    .filter((article) => article !== undefined)
    .filter((article) => article.status === 'published')
    .map((article) => ({ ...article, isForMembers: isGated(article) }));
  return renderIssue({
    publicationName: settings.siteName,
    newsletterName: newsletter.name,
    subject: issue.subject,
    intro: issue.intro,
    introHtml: await renderMarkdown(issue.intro, { field: 'intro' }),
    siteUrl: ctx.siteUrl,
    articles,
  });
}

/** The Message-ID domain: the site's host name. */
export function messageIdDomain(siteUrl: string): string {
  return new URL(siteUrl).hostname || 'localhost';
}

/** Deliveries of one enumeration step: each member with the Message-ID of their copy. */
export function deliveriesFor(input: {
  issueId: number;
  memberIds: number[];
  domain: string;
  tokens: Pick<UnsubscribeTokens, 'messageTag'>;
}) {
  const { issueId, domain, tokens } = input;
  return input.memberIds.map((memberId) => ({
    memberId,
    messageId: newsletterMessageId({
      issueId,
      memberId,
      domain,
      tag: tokens.messageTag({ issueId, memberId }),
    }),
  }));
}
