import type { FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import type { Newsletter, NewsletterIssue } from '../../domain/newsletter.ts';
import { zonedToUtc } from '../../domain/time-zone.ts';
import { Errors } from '../../errors.ts';
import { Search } from '../../services/discovery/search.ts';
import {
  createNewsletter,
  featuredSelection,
  ISSUE_ARTICLE_CHOICES,
  issueArticleChoices,
  listNewsletters,
  MAX_ISSUE_ARTICLES,
  type NewsletterInput,
  previewIssue,
  requireNewsletterEditor,
  saveIssue,
  scheduleIssueBy,
  sendIssueNowBy,
  sendTestIssue,
  updateNewsletter,
} from '../../services/newsletters/admin.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { IdParams, OptionalText, RepeatedText, type TypedApp } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { adminTime } from '../views/newsroom/admin-time.ts';
import { newsroomJs } from '../views/newsroom/assets.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FormProblem,
  formAlert,
  formField,
  formRoute,
  SMALL_FORM_BODY_LIMIT,
  stringValues,
} from './forms.ts';
import { currentUser } from './guard.ts';

const BASE = '/admin/newsletters';
const ISSUES = '/admin/newsletter-issues';
const access = { access: 'newsletter.manage' } as const;

/**
 * The preview's own policy: the email's HTML is shown as it is, in a sandboxed frame that runs
 * no script, loads nothing but images and may not be framed by another site.
 */
export const EMAIL_PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox; frame-ancestors 'self'";

const NewsletterForm = Type.Object({
  slug: OptionalText,
  name: OptionalText,
  kind: OptionalText,
  sendHour: OptionalText,
  isActive: OptionalText,
});
const IssueForm = Type.Object({
  subject: OptionalText,
  intro: OptionalText,
  articles: RepeatedText,
  /** The article search's words, and its button: pressed, the form comes back with what it found, unsaved. */
  articleSearch: OptionalText,
  find: OptionalText,
});
const ScheduleForm = Type.Object({ at: OptionalText });
const SendForm = Type.Object({ confirm: OptionalText });
const EmptyForm = Type.Object({});
const NoticeOnly = Type.Object({ notice: OptionalText, featured: OptionalText, articleSearch: OptionalText });

const KIND_LABELS: Record<string, string> = {
  daily: 'Daily digest',
  weekly: 'Weekly digest',
  term: 'Alerts for a term',
  author: 'Alerts for an author',
};

const NOTICES: Record<string, string> = {
  created: 'Newsletter created.',
  saved: 'Saved.',
  tested: 'Test email sent to you.',
  scheduled: 'Issue scheduled.',
  sending: 'Issue is being sent.',
};

const NEWSLETTER_LABELS = { slug: 'Slug', name: 'Name', kind: 'Kind', sendHour: 'Send hour' };
const ISSUE_LABELS = { subject: 'Subject', intro: 'Introduction', articles: 'Articles' };

function newsletterInputOf(body: Type.Static<typeof NewsletterForm>): NewsletterInput {
  return {
    slug: body.slug ?? '',
    name: body.name ?? '',
    kind: body.kind ?? '',
    sendHour: body.sendHour ?? '',
    isActive: body.isActive === '1',
  };
}

function articleIdsOf(values: string[] | undefined): number[] {
  const ids = (values ?? []).map(Number);
  if (ids.some((id) => !Number.isSafeInteger(id) || id < 1))
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'articles', message: 'holds an id that is no article' }],
    });
  return ids;
}

function newsletterFields(
  values: Record<string, string>,
  problem: FormProblem | undefined,
  isNew: boolean,
): SafeHtml {
  return html`${
    isNew
      ? html`${formField({ name: 'slug', label: 'Slug', value: values.slug, error: problem?.errors.slug, isRequired: true, hint: 'Lowercase letters, digits and hyphens; fixed once created.' })}
${formField({ name: 'kind', label: 'Kind', type: 'select', value: values.kind ?? 'daily', error: problem?.errors.kind, options: Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label })) })}`
      : ''
  }
${formField({ name: 'name', label: 'Name', value: values.name, error: problem?.errors.name, isRequired: true })}
${formField({ name: 'sendHour', label: 'Send hour (site time zone)', value: values.sendHour, error: problem?.errors.sendHour, hint: 'Daily and weekly digests go out automatically at this hour (weekly: on Mondays), with the articles published since the last one. Empty: composed by hand only.' })}
<p><label><input type="checkbox" name="isActive" value="1"${values.isActive === '0' ? '' : html` checked`}> Active (an inactive newsletter sends nothing)</label></p>`;
}

function counts(issue: NewsletterIssue): string {
  return issue.status === 'draft' || issue.status === 'scheduled'
    ? '—'
    : `${issue.sentCount} sent · ${issue.failedCount} failed · ${issue.bouncedCount} bounced of ${issue.recipientCount}`;
}

/** Newsletters in the admin: their settings, composing and sending issues, and the sending history. */
export async function newsletterPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const articleSearch = new Search(ctx);

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: Record<string, string>; problem?: FormProblem; notice?: string | undefined } = {},
  ) => {
    const newsletters = await listNewsletters(ctx, currentUser(request));
    return deps.page(request, reply, {
      title: 'Newsletters',
      status: state.problem?.status ?? 200,
      notice: noticeIn(NOTICES, state.notice),
      body: (csrf) => html`<section class="panel" aria-label="Newsletters">${
        newsletters.length === 0
          ? html`<p class="empty">No newsletters yet.</p>`
          : html`<div class="table-wrap"><table class="stack-table">
<thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Sends automatically</th><th scope="col">Status</th></tr></thead>
<tbody>${newsletters.map(
              (n) => html`<tr>
<td data-label="Name"><a href="${BASE}/${n.id}">${n.name}</a></td>
<td data-label="Kind">${KIND_LABELS[n.kind] ?? n.kind}</td>
<td data-label="Sends automatically">${n.sendHour === null ? '—' : `${String(n.sendHour).padStart(2, '0')}:00`}</td>
<td data-label="Status">${n.isActive ? 'Active' : 'Inactive'}</td>
</tr>`,
            )}</tbody></table></div>`
      }</section>
<form method="post" action="${BASE}" class="panel">
<h2>New newsletter</h2>
${errorSummary(state.problem, NEWSLETTER_LABELS)}${csrfField(csrf)}
${newsletterFields(state.values ?? {}, state.problem, true)}
<button type="submit">Create newsletter</button>
</form>`,
    });
  };

  app.get('/newsletters', { config: access, schema: { querystring: NoticeOnly } }, async (request, reply) =>
    listPage(request, reply, { notice: request.query.notice }),
  );

  formRoute(
    app,
    '/newsletters',
    { config: access, schema: { body: NewsletterForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      const id = await createNewsletter(ctx, currentUser(request), newsletterInputOf(request.body));
      return reply.redirect(`${BASE}/${id}?notice=created`, 303);
    },
    async (request, reply, problem) =>
      listPage(request, reply, { values: stringValues(request.body), problem }),
  );

  const newsletterOrThrow = async (id: number): Promise<Newsletter> => {
    const newsletter = await ctx.store.newsletters.findNewsletter(id);
    if (!newsletter) throw Errors.NEWSLETTER_NOT_FOUND({ id });
    return newsletter;
  };

  const newsletterPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { values?: Record<string, string>; problem?: FormProblem; notice?: string | undefined } = {},
  ) => {
    requireNewsletterEditor(currentUser(request));
    const [newsletter, issues, calendar] = await Promise.all([
      newsletterOrThrow(id),
      ctx.store.newsletters.listIssues(id, 50),
      loadSiteSettings(ctx),
    ]);
    const values = state.values ?? {
      name: newsletter.name,
      sendHour: newsletter.sendHour === null ? '' : String(newsletter.sendHour),
      isActive: newsletter.isActive ? '1' : '0',
    };
    return deps.page(request, reply, {
      title: newsletter.name,
      status: state.problem?.status ?? 200,
      notice: noticeIn(NOTICES, state.notice),
      body: (csrf) => html`<p><a href="${BASE}">← Newsletters</a></p>
<p><a class="button" href="${BASE}/${id}/issues/new">Compose an issue</a> <a href="${BASE}/${id}/issues/new?featured=1">Compose from today’s featured articles</a></p>
<section class="panel" aria-labelledby="history-heading"><h2 id="history-heading">Issues and sending history</h2>${
        issues.length === 0
          ? html`<p class="empty">No issues yet.</p>`
          : html`<div class="table-wrap"><table class="stack-table">
<thead><tr><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">When</th><th scope="col">Deliveries</th></tr></thead>
<tbody>${issues.map(
              (issue) => html`<tr>
<td data-label="Subject"><a href="${ISSUES}/${issue.id}">${issue.subject}</a></td>
<td data-label="Status">${issue.status}</td>
<td data-label="When">${adminTime(issue.finishedAt ?? issue.startedAt ?? issue.scheduledAt, calendar)}</td>
<td data-label="Deliveries">${counts(issue)}</td>
</tr>`,
            )}</tbody></table></div>`
      }</section>
<form method="post" action="${BASE}/${id}" class="panel">
<h2>Settings</h2>
<p>${KIND_LABELS[newsletter.kind] ?? newsletter.kind} · slug <code>${newsletter.slug}</code></p>
${errorSummary(state.problem, NEWSLETTER_LABELS)}${csrfField(csrf)}
${newsletterFields(values, state.problem, false)}
<button type="submit">Save</button>
</form>`,
    });
  };

  app.get(
    '/newsletters/:id',
    { config: access, schema: { params: IdParams, querystring: NoticeOnly } },
    async (request, reply) =>
      newsletterPage(request, reply, request.params.id, { notice: request.query.notice }),
  );

  formRoute(
    app,
    '/newsletters/:id',
    { config: access, schema: { params: IdParams, body: NewsletterForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      await updateNewsletter(ctx, currentUser(request), request.params.id, newsletterInputOf(request.body));
      return reply.redirect(`${BASE}/${request.params.id}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      newsletterPage(request, reply, request.params.id, {
        values: { ...stringValues(request.body), isActive: request.body.isActive === '1' ? '1' : '0' },
        problem,
      }),
  );

  /**
   * The compose form: subject, intro and the published articles to pick from, the recent ones or
   * those its search found. The search is a button of this same form, so that what was typed and
   * ticked comes back with the results (nothing is saved), with no script.
   */
  const composeForm = async (
    request: FastifyRequest,
    newsletter: Newsletter,
    issue: NewsletterIssue | undefined,
    state: {
      subject: string;
      intro: string;
      picked: number[];
      problem?: FormProblem | undefined;
      searchText?: string | undefined;
    },
    csrf: string,
  ): Promise<SafeHtml> => {
    const searchText = (state.searchText ?? '').slice(0, 200);
    const { articles, message } = await issueArticleChoices(ctx, currentUser(request), {
      search: articleSearch,
      text: searchText,
    });
    const picked = new Set(state.picked);
    // Picked articles the list does not show (older, or not found) stay listed, ticked, first,
    // so that saving does not drop them.
    const missing = state.picked.filter((id) => !articles.some((a) => a.id === id));
    const older = await ctx.store.articles.findSummariesByIds(missing);
    const choices = [...older, ...articles];
    const action = issue ? `${ISSUES}/${issue.id}` : `${BASE}/${newsletter.id}/issues`;
    // Enter in a field submits with the form's first button: a hidden "Save issue" comes before
    // "Find articles", so that Enter in the subject saves rather than searches (the script makes
    // Enter in the search field search).
    return html`<form method="post" action="${action}" class="panel">
<h2>${issue ? 'Content' : 'New issue'}</h2>
${errorSummary(state.problem, ISSUE_LABELS)}${csrfField(csrf)}
<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Save issue</button>
${formField({ name: 'subject', label: 'Subject', value: state.subject, error: state.problem?.errors.subject, isRequired: true })}
${formField({ name: 'intro', label: 'Introduction', type: 'textarea', rows: 6, value: state.intro, error: state.problem?.errors.intro, hint: 'Markdown (links, emphasis, lists); HTML that could run script is removed.' })}
<fieldset id="articles"><legend>Articles (at most ${MAX_ISSUE_ARTICLES}; members-only ones go out as their title and summary)</legend>${
      state.problem?.errors.articles
        ? html`<p class="field-error" id="articles-error">${state.problem.errors.articles}</p>`
        : ''
    }
<div class="field article-search"><label for="article-search">Find published articles</label><span class="hint" id="article-search-hint">Words from the title, summary, text, authors or terms; empty: the ${ISSUE_ARTICLE_CHOICES} latest. Ticked articles stay ticked.</span>
<input id="article-search" name="articleSearch" type="search" maxlength="200" value="${searchText}" aria-describedby="article-search-hint"> <button type="submit" name="find" value="1" formnovalidate>Find articles</button></div>
<p class="meta" role="status" id="article-search-status">${message ?? `The ${ISSUE_ARTICLE_CHOICES} latest published articles.`}</p>
<ul class="choice-list">${choices.map(
      (a) =>
        html`<li><label><input type="checkbox" name="articles" value="${a.id}"${picked.has(a.id) ? html` checked` : ''}> ${a.title}${
          a.visibility === 'public'
            ? ''
            : html` <span class="meta">(for ${a.visibility === 'paid' ? 'paying ' : ''}members)</span>`
        }${a.isFeatured ? html` <span class="meta">featured</span>` : ''}</label></li>`,
    )}</ul></fieldset>
<button type="submit">Save issue</button>
</form>
<script src="${newsroomJs()}" defer></script>`;
  };

  app.get(
    '/newsletters/:id/issues/new',
    { config: access, schema: { params: IdParams, querystring: NoticeOnly } },
    async (request, reply) => {
      const staff = currentUser(request);
      requireNewsletterEditor(staff);
      const newsletter = await newsletterOrThrow(request.params.id);
      const picked = request.query.featured === '1' ? await featuredSelection(ctx) : [];
      return newIssuePage(request, reply, newsletter, {
        subject: '',
        intro: '',
        picked,
        searchText: request.query.articleSearch,
      });
    },
  );

  const newIssuePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    newsletter: Newsletter,
    state: Parameters<typeof composeForm>[3],
  ) => {
    const form = await composeForm(request, newsletter, undefined, state, deps.csrfToken(reply));
    return deps.page(request, reply, {
      title: `New issue of ${newsletter.name}`,
      ...(state.problem ? { status: state.problem.status } : {}),
      body: html`<p><a href="${BASE}/${newsletter.id}">← ${newsletter.name}</a></p>${form}`,
    });
  };

  /** What the compose form sent, to show it again (after a search, or a refusal). */
  const composeState = (body: Static<typeof IssueForm>) => ({
    subject: body.subject ?? '',
    intro: body.intro ?? '',
    picked: (body.articles ?? []).map(Number).filter(Number.isSafeInteger),
    searchText: body.articleSearch,
  });

  formRoute(
    app,
    '/newsletters/:id/issues',
    { config: access, schema: { params: IdParams, body: IssueForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      if (request.body.find)
        return newIssuePage(
          request,
          reply,
          await newsletterOrThrow(request.params.id),
          composeState(request.body),
        );
      const id = await saveIssue(
        ctx,
        currentUser(request),
        { newsletterId: request.params.id },
        {
          subject: request.body.subject ?? '',
          intro: request.body.intro ?? '',
          articleIds: articleIdsOf(request.body.articles),
        },
      );
      return reply.redirect(`${ISSUES}/${id}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      newIssuePage(request, reply, await newsletterOrThrow(request.params.id), {
        ...composeState(request.body),
        problem,
      }),
  );

  const issueOrThrow = async (id: number): Promise<NewsletterIssue> => {
    const issue = await ctx.store.newsletters.findIssue(id);
    if (!issue) throw Errors.ISSUE_NOT_FOUND({ id });
    return issue;
  };

  const issuePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: {
      notice?: string | undefined;
      content?: { subject: string; intro: string; picked: number[]; searchText?: string | undefined };
      problem?: FormProblem;
      failedAction?: 'content' | 'schedule' | 'send' | 'test';
      scheduleAt?: string;
    } = {},
  ) => {
    requireNewsletterEditor(currentUser(request));
    const issue = await issueOrThrow(id);
    const [newsletter, calendar] = await Promise.all([
      newsletterOrThrow(issue.newsletterId),
      loadSiteSettings(ctx),
    ]);
    const isEditable = issue.status === 'draft' || issue.status === 'scheduled';
    const csrf = deps.csrfToken(reply);
    const contentProblem = state.failedAction === 'content' ? state.problem : undefined;
    const form = isEditable
      ? await composeForm(
          request,
          newsletter,
          issue,
          {
            ...(state.content ?? { subject: issue.subject, intro: issue.intro, picked: issue.articleIds }),
            problem: contentProblem,
          },
          csrf,
        )
      : html``;
    const actionProblem = state.failedAction !== 'content' ? state.problem : undefined;
    return deps.page(request, reply, {
      title: issue.subject,
      status: state.problem?.status ?? 200,
      notice: noticeIn(NOTICES, state.notice),
      body: html`${actionProblem && Object.keys(actionProblem.errors).length === 0 ? formAlert(actionProblem.error) : ''}<p><a href="${BASE}/${newsletter.id}">← ${newsletter.name}</a></p>
<section class="panel" aria-labelledby="status-heading"><h2 id="status-heading">Status: ${issue.status}</h2>
<p>${issue.scheduledAt ? html`Scheduled for <time datetime="${issue.scheduledAt}">${adminTime(issue.scheduledAt, calendar)}</time>. ` : ''}${
        issue.startedAt
          ? html`Started <time datetime="${issue.startedAt}">${adminTime(issue.startedAt, calendar)}</time>. `
          : ''
      }Deliveries: ${counts(issue)}</p></section>
${form}
<section class="panel" aria-labelledby="preview-heading"><h2 id="preview-heading">Preview</h2>
<p><a href="${ISSUES}/${issue.id}/preview" target="_blank" rel="noopener">Open the email in its own page</a> · <a href="${ISSUES}/${issue.id}/preview.txt" target="_blank" rel="noopener">Text part</a></p>
<iframe class="email-preview" title="The email as subscribers receive it" src="${ISSUES}/${issue.id}/preview" sandbox="" width="100%" height="700"></iframe>
</section>
<form method="post" action="${ISSUES}/${issue.id}/test" class="panel"><h2>Test</h2>${csrfField(csrf)}
<p>Sends this issue as it is saved to you alone (${currentUser(request).email}), subject marked [Test].</p>
<button type="submit">Send a test email to me</button></form>
${
  isEditable
    ? html`<form method="post" action="${ISSUES}/${issue.id}/schedule" class="panel"><h2>Schedule</h2>
${errorSummary(state.failedAction === 'schedule' ? state.problem : undefined, { at: 'Send at' }, 'schedule-')}${csrfField(csrf)}
<p><label for="schedule-at">Send at (${calendar.timeZone})</label> <input type="datetime-local" id="schedule-at" name="at" value="${state.scheduleAt ?? ''}" required></p>
<button type="submit">Schedule</button></form>
<form method="post" action="${ISSUES}/${issue.id}/send" class="panel"><h2>Send now</h2>
${errorSummary(state.failedAction === 'send' ? state.problem : undefined, { confirm: 'Confirmation' }, 'send-')}${csrfField(csrf)}
<p><label><input type="checkbox" id="send-confirm" name="confirm" value="1" required> I have checked the preview: send this issue to every subscriber of ${newsletter.name} now</label></p>
<button type="submit" class="danger">Send now</button></form>`
    : ''
}`,
    });
  };

  app.get(
    '/newsletter-issues/:id',
    { config: access, schema: { params: IdParams, querystring: NoticeOnly } },
    async (request, reply) => issuePage(request, reply, request.params.id, { notice: request.query.notice }),
  );

  app.get(
    '/newsletter-issues/:id/preview',
    { config: access, schema: { params: IdParams } },
    async (request, reply) => {
      const bodies = await previewIssue(ctx, currentUser(request), request.params.id);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', EMAIL_PREVIEW_CSP)
        .header('cache-control', 'no-store')
        .send(bodies.html);
    },
  );

  app.get(
    '/newsletter-issues/:id/preview.txt',
    { config: access, schema: { params: IdParams } },
    async (request, reply) => {
      const bodies = await previewIssue(ctx, currentUser(request), request.params.id);
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-security-policy', EMAIL_PREVIEW_CSP)
        .header('cache-control', 'no-store')
        .send(bodies.text);
    },
  );

  formRoute(
    app,
    '/newsletter-issues/:id',
    { config: access, schema: { params: IdParams, body: IssueForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      if (request.body.find)
        return issuePage(request, reply, request.params.id, { content: composeState(request.body) });
      const issue = await issueOrThrow(request.params.id);
      await saveIssue(
        ctx,
        currentUser(request),
        { newsletterId: issue.newsletterId, issueId: issue.id },
        {
          subject: request.body.subject ?? '',
          intro: request.body.intro ?? '',
          articleIds: articleIdsOf(request.body.articles),
        },
      );
      return reply.redirect(`${ISSUES}/${issue.id}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      issuePage(request, reply, request.params.id, {
        failedAction: 'content',
        problem,
        content: composeState(request.body),
      }),
  );

  formRoute(
    app,
    '/newsletter-issues/:id/test',
    { config: access, schema: { params: IdParams, body: EmptyForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      await sendTestIssue(ctx, currentUser(request), ctx.mailer, request.params.id);
      return reply.redirect(`${ISSUES}/${request.params.id}?notice=tested`, 303);
    },
    async (request, reply, problem) =>
      issuePage(request, reply, request.params.id, { failedAction: 'test', problem }),
  );

  formRoute(
    app,
    '/newsletter-issues/:id/schedule',
    { config: access, schema: { params: IdParams, body: ScheduleForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      const { timeZone } = await loadSiteSettings(ctx);
      const at = zonedToUtc(request.body.at ?? '', timeZone);
      if (!at)
        throw Errors.VALIDATION_FAILED({ details: [{ field: 'at', message: 'is not a date and time' }] });
      await scheduleIssueBy(ctx, currentUser(request), request.params.id, new Date(at));
      return reply.redirect(`${ISSUES}/${request.params.id}?notice=scheduled`, 303);
    },
    async (request, reply, problem) =>
      issuePage(request, reply, request.params.id, {
        failedAction: 'schedule',
        problem,
        scheduleAt: request.body.at ?? '',
      }),
  );

  formRoute(
    app,
    '/newsletter-issues/:id/send',
    { config: access, schema: { params: IdParams, body: SendForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      if (request.body.confirm !== '1')
        throw Errors.VALIDATION_FAILED({
          details: [{ field: 'confirm', message: 'must be ticked: sending cannot be undone' }],
        });
      await sendIssueNowBy(ctx, currentUser(request), request.params.id);
      return reply.redirect(`${ISSUES}/${request.params.id}?notice=sending`, 303);
    },
    async (request, reply, problem) =>
      issuePage(request, reply, request.params.id, { failedAction: 'send', problem }),
  );
}
