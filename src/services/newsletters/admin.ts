import type { Mailer } from '../../adapters/mailer.ts';
import { type ArticleSummary, toIsoTimestamp } from '../../domain/article.ts';
import { NEWSLETTER_KINDS, type Newsletter, type NewsletterKind } from '../../domain/newsletter.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { cleanLine } from '../../domain/text.ts';
import { Errors, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { Search } from '../discovery/search.ts';
import { auditActor, requireCan, type Staff } from '../newsroom/staff.ts';
import { renderIssueOf, sendIssue } from './issues.ts';
import { personalise, type RenderedIssue } from './render.ts';

export const NEWSLETTERS_REFUSAL = 'Only editors and admins may set up, compose and send newsletters.';

/** Throws PERMISSION_DENIED unless the staff member may manage newsletters. */
export function requireNewsletterEditor(staff: Staff): void {
  requireCan(staff, 'newsletter.manage', NEWSLETTERS_REFUSAL);
}

/** How many articles one issue may carry: a newsletter is a selection, not the archive. */
export const MAX_ISSUE_ARTICLES = 30;

/** A newsletter as the admin form sends it (strings, checked here). */
export interface NewsletterInput {
  slug: string;
  name: string;
  kind: string;
  sendHour: string;
  isActive: boolean;
}

function newsletterProblems(input: NewsletterInput, isNew: boolean): FieldError[] {
  const problems: FieldError[] = [];
  const name = input.name.trim();
  if (name.length === 0) problems.push({ field: 'name', message: 'is required' });
  if (name.length > 200) problems.push({ field: 'name', message: 'is longer than 200 characters' });
  if (isNew && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(input.slug.trim()))
    problems.push({ field: 'slug', message: 'must be lowercase letters, digits and single hyphens' });
  if (isNew && !(NEWSLETTER_KINDS as readonly string[]).includes(input.kind))
    problems.push({ field: 'kind', message: `must be one of ${NEWSLETTER_KINDS.join(', ')}` });
  const hour = input.sendHour.trim();
  if (hour !== '' && !/^(?:[01]?\d|2[0-3])$/.test(hour))
    problems.push({ field: 'sendHour', message: 'must be an hour from 0 to 23, or empty for none' });
  return problems;
}

/**
 * The name as subscribers see it in their inbox and on their choices page: without control
 * characters, and without bidirectional controls, which would reorder the text after it.
 */
function withCleanName(input: NewsletterInput): NewsletterInput {
  return { ...input, name: cleanLine(input.name) };
}

function hourOf(value: string): number | null {
  return value.trim() === '' ? null : Number(value.trim());
}

/** Creates a newsletter (its slug and kind are fixed from then on); returns its id. */
export async function createNewsletter(
  ctx: ServiceContext,
  staff: Staff,
  raw: NewsletterInput,
): Promise<number> {
  requireNewsletterEditor(staff);
  const input = withCleanName(raw);
  const problems = newsletterProblems(input, true);
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const slug = input.slug.trim();
  const now = ctx.now();
  return ctx.store.transaction(async (repos) => {
    if (await repos.newsletters.findNewsletterBySlug(slug))
      throw Errors.VALIDATION_FAILED({
        details: [{ field: 'slug', message: 'is taken by another newsletter' }],
      });
    const id = await repos.newsletters.createNewsletter(
      { slug, name: input.name.trim(), kind: input.kind as NewsletterKind, sendHour: hourOf(input.sendHour) },
      toIsoTimestamp(now),
    );
    if (!input.isActive)
      await repos.newsletters.updateNewsletter(
        id,
        { name: input.name.trim(), sendHour: hourOf(input.sendHour), isActive: false },
        toIsoTimestamp(now),
      );
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'newsletter.create',
      entity: ['newsletter', id],
      summary: `Created the newsletter “${input.name.trim()}”`,
      at: now,
    });
    return id;
  });
}

/** Changes a newsletter's name, send hour and whether it is active (deactivated: nothing goes out). */
export async function updateNewsletter(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
  raw: NewsletterInput,
): Promise<void> {
  requireNewsletterEditor(staff);
  const input = withCleanName(raw);
  const problems = newsletterProblems(input, false);
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const now = ctx.now();
  await ctx.store.transaction(async (repos) => {
    const changes = { name: input.name.trim(), sendHour: hourOf(input.sendHour), isActive: input.isActive };
    if (!(await repos.newsletters.updateNewsletter(id, changes, toIsoTimestamp(now))))
      throw Errors.NEWSLETTER_NOT_FOUND({ id });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'newsletter.update',
      entity: ['newsletter', id],
      summary: `Changed the newsletter “${changes.name}”${changes.isActive ? '' : ' (inactive)'}`,
      at: now,
    });
  });
}

/** An issue's content as the compose form sends it. */
export interface IssueContentInput {
  subject: string;
  intro: string;
  articleIds: number[];
}

async function contentProblems(
  repos: Pick<Repositories, 'articles'>,
  input: IssueContentInput,
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  const subject = input.subject.trim();
  if (subject.length === 0) problems.push({ field: 'subject', message: 'is required' });
  if (subject.length > 300) problems.push({ field: 'subject', message: 'is longer than 300 characters' });
  if (/[\r\n]/.test(subject)) problems.push({ field: 'subject', message: 'must be one line' });
  if (input.intro.length > 20_000)
    problems.push({ field: 'intro', message: 'is longer than 20,000 characters' });
  if (input.articleIds.length > MAX_ISSUE_ARTICLES)
    problems.push({ field: 'articles', message: `may hold at most ${MAX_ISSUE_ARTICLES} articles` });
  const found = await repos.articles.findSummariesByIds(input.articleIds);
  const published = new Set(found.filter((a) => a.status === 'published').map((a) => a.id));
  if (input.articleIds.some((id) => !published.has(id)))
    problems.push({ field: 'articles', message: 'may only hold published articles' });
  return problems;
}

/**
 * Saves an issue's subject, intro and articles: a new draft when `issueId` is undefined, else
 * the draft or scheduled issue changed. Returns the issue's id.
 */
export async function saveIssue(
  ctx: ServiceContext,
  staff: Staff,
  target: { newsletterId: number; issueId?: number | undefined },
  input: IssueContentInput,
): Promise<number> {
  requireNewsletterEditor(staff);
  const content = {
    // The subject is a line in every subscriber's inbox: a bidirectional control in it would
    // reorder what follows ("invoice \u202Efdp.exe" shown as "invoice exe.pdf").
    subject: cleanLine(input.subject).trim(),
    intro: input.intro,
    articleIds: [...new Set(input.articleIds)],
  };
  const now = ctx.now();
  return ctx.store.transaction(async (repos) => {
    const newsletter = await repos.newsletters.findNewsletter(target.newsletterId);
    if (!newsletter) throw Errors.NEWSLETTER_NOT_FOUND({ id: target.newsletterId });
    const problems = await contentProblems(repos, content);
    if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
    let id = target.issueId;
    if (id === undefined)
      id = await repos.newsletters.createIssue(
        { newsletterId: newsletter.id, ...content },
        toIsoTimestamp(now),
      );
    else {
      const issue = await repos.newsletters.findIssue(id);
      if (!issue || issue.newsletterId !== newsletter.id) throw Errors.ISSUE_NOT_FOUND({ id });
      if (!(await repos.newsletters.updateIssueContent(id, content, toIsoTimestamp(now))))
        throw Errors.ISSUE_ALREADY_SENT({ id, status: issue.status });
    }
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'newsletter.compose',
      entity: ['newsletter_issue', id],
      summary: `Saved the issue “${content.subject}” of ${newsletter.name}`,
      at: now,
    });
    return id;
  });
}

/** Where a preview's personal links point: nowhere, as no member is reading it. */
const PREVIEW_LINKS = { unsubscribeUrl: '#unsubscribe', preferencesUrl: '#preferences' };

/** The issue as it would go out now, for the browser preview: the HTML email and its text part. */
export async function previewIssue(
  ctx: ServiceContext,
  staff: Staff,
  issueId: number,
): Promise<RenderedIssue> {
  requireNewsletterEditor(staff);
  const issue = await ctx.store.newsletters.findIssue(issueId);
  if (!issue) throw Errors.ISSUE_NOT_FOUND({ id: issueId });
  // A sent issue is shown as it went out, not as its articles read today.
  if (issue.htmlBody !== null && issue.textBody !== null)
    return personalise({ html: issue.htmlBody, text: issue.textBody }, PREVIEW_LINKS);
  return personalise(await renderIssueOf(ctx, issue), PREVIEW_LINKS);
}

/** Emails the issue as it would go out now to the signed-in editor alone, subject marked as a test. */
export async function sendTestIssue(
  ctx: ServiceContext,
  staff: Staff,
  mailer: Mailer,
  issueId: number,
): Promise<void> {
  const bodies = await previewIssue(ctx, staff, issueId);
  const issue = await ctx.store.newsletters.findIssue(issueId);
  if (!issue) throw Errors.ISSUE_NOT_FOUND({ id: issueId });
  await mailer.send({
    to: staff.email,
    subject: `[Test] ${issue.subject}`,
    html: bodies.html,
    text: bodies.text,
  });
  await ctx.store.transaction((repos) =>
    recordAudit(repos, {
      actor: auditActor(staff),
      action: 'newsletter.test',
      entity: ['newsletter_issue', issueId],
      summary: `Sent a test of “${issue.subject}” to ${staff.email}`,
      at: ctx.now(),
    }),
  );
}

/** Schedules a draft (or moves a scheduled) issue to go out at `at`, which must be in the future. */
export async function scheduleIssueBy(
  ctx: ServiceContext,
  staff: Staff,
  issueId: number,
  at: Date,
): Promise<void> {
  requireNewsletterEditor(staff);
  const now = ctx.now();
  if (at.getTime() <= now.getTime())
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'at', message: 'must be in the future' }] });
  await ctx.store.transaction(async (repos) => {
    const issue = await repos.newsletters.findIssue(issueId);
    if (!issue) throw Errors.ISSUE_NOT_FOUND({ id: issueId });
    if (!(await repos.newsletters.scheduleIssue(issueId, toIsoTimestamp(at), toIsoTimestamp(now))))
      throw Errors.ISSUE_ALREADY_SENT({ id: issueId, status: issue.status });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'newsletter.schedule',
      entity: ['newsletter_issue', issueId],
      summary: `Scheduled “${issue.subject}” for ${toIsoTimestamp(at)}`,
      at: now,
    });
  });
}

/**
 * Starts sending an issue now. The send itself (render, status, queued job) is one transaction
 * in sendIssue; the audit entry follows it, once the send is certain to have started.
 */
export async function sendIssueNowBy(ctx: ServiceContext, staff: Staff, issueId: number): Promise<void> {
  requireNewsletterEditor(staff);
  await sendIssue(ctx, issueId);
  const issue = await ctx.store.newsletters.findIssue(issueId);
  await ctx.store.transaction((repos) =>
    recordAudit(repos, {
      actor: auditActor(staff),
      action: 'newsletter.send',
      entity: ['newsletter_issue', issueId],
      summary: `Started sending “${issue?.subject ?? issueId}”`,
      at: ctx.now(),
    }),
  );
}

/** How many articles the compose form offers at a time: the latest, or the best a search finds. */
export const ISSUE_ARTICLE_CHOICES = 50;

/**
 * The published articles the compose form offers to pick from: the latest ISSUE_ARTICLE_CHOICES,
 * or, for a search text, the best the site's search finds for it (its index, so an archive of any
 * size answers as fast), with what to tell the editor (how many match, or why none).
 */
export async function issueArticleChoices(
  ctx: ServiceContext,
  staff: Staff,
  input: { search: Search; text: string },
): Promise<{ articles: ArticleSummary[]; message: string | null }> {
  requireNewsletterEditor(staff);
  const text = input.text.trim();
  if (text === '') {
    const { articles } = await ctx.store.articles.listPublished({
      now: toIsoTimestamp(ctx.now()),
      limit: ISSUE_ARTICLE_CHOICES,
      offset: 0,
    });
    return { articles, message: null };
  }
  const outcome = await input.search.search({ q: text, pageSize: ISSUE_ARTICLE_CHOICES });
  const { total } = outcome.pagination;
  const shown = outcome.results.length;
  const message =
    outcome.message ??
    (total > shown
      ? `The best ${shown} of ${outcome.isTotalExact ? '' : 'more than '}${total.toLocaleString('en')} articles matching “${text}”: add words to narrow the search.`
      : `${shown === 1 ? 'One article matches' : `${shown} articles match`} “${text}”.`);
  return { articles: outcome.results.map((r) => r.card.article), message };
}

/** Ids of the published articles marked featured within the last day: the editors' selection. */
export async function featuredSelection(ctx: ServiceContext): Promise<number[]> {
  const now = ctx.now();
  const since = toIsoTimestamp(new Date(now.getTime() - 24 * 3_600_000));
  const { articles } = await ctx.store.articles.listPublished({
    now: toIsoTimestamp(now),
    limit: MAX_ISSUE_ARTICLES,
    offset: 0,
    isFeatured: true,
  });
  return articles.filter((a) => (a.publishedAt ?? '') >= since).map((a) => a.id);
}

/** The newsletters page's data: each newsletter. */
export async function listNewsletters(ctx: ServiceContext, staff: Staff): Promise<Newsletter[]> {
  requireNewsletterEditor(staff);
  return ctx.store.newsletters.listNewsletters();
}
