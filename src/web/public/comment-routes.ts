import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { parseCommentCursor } from '../../domain/comment.ts';
import type { Member } from '../../domain/member.ts';
import { articlePath, commentsPath } from '../../domain/paths.ts';
import { Errors, type FieldError, isAppError } from '../../errors.ts';
import {
  type CommentLimits,
  type CommentPageStart,
  commentThread,
  deleteOwnComment,
  editableComment,
  editOwnComment,
  postComment,
} from '../../services/comments/comments.ts';
import type { MembersContext } from '../../services/members/context.ts';
import { memberForSession } from '../../services/members/sessions.ts';
import type { Reader } from '../../services/reader.ts';
import { clientGroupOf } from '../client-group.ts';
import { formInputProblems } from '../input-guard.ts';
import { toFieldErrors } from '../newsroom/forms.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import {
  type CommentsViewState,
  commentNotice,
  commentsPageView,
  commentsSection,
  editCommentView,
} from '../views/comments.ts';
import type { AssetUrls } from '../views/layout.ts';
import { memberCookie } from './member-cookie.ts';
import { uncachedPageSender } from './reader-page.ts';
import { visitorForms } from './visitor-csrf.ts';

const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) });
const CommentParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 200 }),
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});
// Every field optional and unbounded here: the service says what is missing or too long.
const CommentForm = Type.Object(
  {
    _csrf: OptionalText,
    body: OptionalText,
    parent: OptionalText,
    notify: OptionalText,
    back: OptionalText,
    leave_blank: OptionalText,
  },
  { additionalProperties: true },
);
const PageQuery = Type.Object(
  {
    reply: OptionalText,
    order: OptionalText,
    notice: OptionalText,
    after: OptionalText,
    before: OptionalText,
    thread: OptionalText,
  },
  { additionalProperties: true },
);

type PageQueryValues = {
  after?: string | undefined;
  before?: string | undefined;
  thread?: string | undefined;
};

/**
 * Which page of comments a link asks for: a place to start after or before (not both), and a
 * thread; VALIDATION_FAILED naming the parameter a link could not have carried.
 */
function pageOf(query: PageQueryValues): { start: CommentPageStart; threadId?: number | undefined } {
  const problems: FieldError[] = [];
  const start: CommentPageStart = {};
  for (const field of ['after', 'before'] as const) {
    const text = query[field];
    if (text === undefined) continue;
    const parsed = parseCommentCursor(text, field);
    if ('field' in parsed) problems.push(parsed);
    else start[field] = parsed;
  }
  if (query.after !== undefined && query.before !== undefined)
    problems.push({ field: 'before', message: 'cannot be given with after: a page starts at one place' });
  const threadId = query.thread === undefined ? undefined : idOf(query.thread);
  if (query.thread !== undefined && threadId === undefined)
    problems.push({ field: 'thread', message: 'is not a comment’s number' });
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  return { start, threadId };
}

/** What a comments page is asked for: the article, the order, the comment replied to, the page. */
interface PageInput {
  slug: string;
  order?: string | undefined;
  replyTo?: number | undefined;
  query?: PageQueryValues;
}

type CommentFormBody = {
  _csrf?: string | undefined;
  body?: string | undefined;
  parent?: string | undefined;
  notify?: string | undefined;
  back?: string | undefined;
  leave_blank?: string | undefined;
};

/** A positive id typed in a form or a query, or undefined. */
function idOf(value: string | undefined): number | undefined {
  return value && /^\d{1,9}$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

/**
 * Comments under articles: the plain page with the thread and the form (what readers without
 * JavaScript use, and where every form posts), the same section as a fragment the article page
 * fetches into itself, and a member's posts (comment, reply, edit, delete). None is cached: each
 * carries the browser's CSRF token and may show the member's own comments, so the article page
 * itself stays cached for everyone. Each address may post `rateLimitPerMinute` forms a minute;
 * the hour's comments per member and per address are counted in the database.
 */
export async function commentRoutes(
  app: TypedApp,
  options: {
    ctx: MembersContext;
    reader: Reader;
    assets: AssetUrls;
    rateLimitPerMinute: number;
    limits: CommentLimits;
  },
): Promise<void> {
  const { ctx, reader, assets, limits } = options;
  const forms = visitorForms(ctx.siteUrl);
  const cookie = memberCookie(ctx.siteUrl, ctx.config.members.sessionMaxDays);
  const send = uncachedPageSender(reader, assets);
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false, keyGenerator: (request) => clientGroupOf(request) });
  const postOptions = {
    config: { isForm: true, rateLimit: { max: options.rateLimitPerMinute, timeWindow: '1 minute' } },
    bodyLimit: 32 * 1024,
  };

  const signedIn = async (request: FastifyRequest): Promise<Member | undefined> =>
    memberForSession(ctx, request.cookies[cookie.name]);

  /** Signed in, or the sign-in page's refusal. */
  const requireMember = async (request: FastifyRequest): Promise<Member> => {
    const member = await signedIn(request);
    if (!member) throw Errors.COMMENT_SIGN_IN_REQUIRED();
    return member;
  };

  const checkForm = (request: FastifyRequest, body: CommentFormBody) => {
    forms.check(request, body._csrf);
    const nuls = formInputProblems(body);
    if (nuls.length > 0) throw Errors.VALIDATION_FAILED({ details: nuls });
  };

  const calendar = async () => {
    // The settings kept in memory for every reader page: not read from the database per request.
    const { settings } = await reader.site();
    return { language: settings.language, timeZone: settings.timeZone };
  };

  /** The thread with the form, as a page or as the fragment; `state` carries a refused post. */
  const threadFor = async (
    request: FastifyRequest,
    reply: FastifyReply,
    input: PageInput & { isEmbedded: boolean },
    state: Partial<CommentsViewState> = {},
  ) => {
    const member = await signedIn(request);
    const { start, threadId } = pageOf(input.query ?? {});
    const thread = await commentThread(ctx, {
      slug: input.slug,
      member,
      order: input.order === 'newest' ? 'newest' : 'oldest',
      start,
      threadId,
      replyTo: input.replyTo,
    });
    const replyTo = state.replyTo ?? thread.replyTo;
    return {
      thread,
      state: {
        csrfToken: forms.token(request, reply),
        member,
        replyTo,
        isEmbedded: input.isEmbedded,
        place: start,
        ...state,
      } satisfies CommentsViewState,
    };
  };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    input: PageInput & { status?: number },
    state: Partial<CommentsViewState> = {},
  ) => {
    const built = await threadFor(request, reply, { ...input, isEmbedded: false }, state);
    return send(reply, {
      status: input.status ?? 200,
      title: `Comments on ${built.thread.article.title}`,
      canonicalPath: commentsPath(built.thread.article.slug),
      body: commentsPageView(built.thread, built.state, await calendar()),
    });
  };

  app.get(
    '/articles/:slug/comments',
    { schema: { params: SlugParams, querystring: PageQuery } },
    async (request, reply) =>
      page(
        request,
        reply,
        {
          slug: request.params.slug,
          order: request.query.order,
          replyTo: idOf(request.query.reply),
          query: request.query,
        },
        { notice: commentNotice(request.query.notice) },
      ),
  );

  app.get(
    '/articles/:slug/comments/fragment',
    { schema: { params: SlugParams, querystring: PageQuery } },
    async (request, reply) => {
      const built = await threadFor(request, reply, {
        slug: request.params.slug,
        order: request.query.order,
        query: request.query,
        isEmbedded: true,
      });
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-robots-tag', 'noindex')
        .send(
          commentsSection(
            built.thread,
            { ...built.state, notice: commentNotice(request.query.notice) },
            await calendar(),
          ).value,
        );
    },
  );

  /**
   * After a post: back to the article (when it came from there) or to the comments page with a
   * notice. The article's address takes no notice: it is the cached page, the same for everyone
   * (the fragment shows the member their own comment, held or not).
   */
  const backTo = (slug: string, body: CommentFormBody, notice: string, anchor: string) =>
    body.back === 'article'
      ? `${articlePath(slug)}#${anchor}`
      : `${commentsPath(slug)}?notice=${notice}#${anchor}`;

  app.post(
    '/articles/:slug/comments',
    { ...postOptions, schema: { params: SlugParams, body: CommentForm } },
    async (request, reply) => {
      const { slug } = request.params;
      const body = request.body;
      checkForm(request, body);
      const member = await requireMember(request);
      const parentId = idOf(body.parent) ?? null;
      try {
        if (body.parent && parentId === null)
          throw Errors.VALIDATION_FAILED({ details: [{ field: 'parent', message: 'is not a comment' }] });
        const posted = await postComment(ctx, {
          slug,
          member,
          text: body.body ?? '',
          parentId,
          wantsReplies: body.notify === '1',
          honeypot: body.leave_blank ?? '',
          sender: clientGroupOf(request),
          limits,
        });
        if (posted.status === 'approved')
          return reply.redirect(backTo(slug, body, 'posted', `comment-${posted.id}`), 303);
        return reply.redirect(backTo(slug, body, 'held', 'comments'), 303);
      } catch (error) {
        if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        return page(
          request,
          reply,
          { slug, replyTo: parentId ?? undefined, status: 400 },
          {
            values: { body: body.body ?? '', notify: body.notify === '1' },
            errors: toFieldErrors(error.details ?? []),
          },
        );
      }
    },
  );

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    input: { slug: string; id: number; body: string; status?: number; errors?: Record<string, string> },
  ) => {
    const article = await ctx.store.articles.findBySlug(input.slug);
    return send(reply, {
      status: input.status ?? 200,
      title: 'Edit your comment',
      canonicalPath: `${commentsPath(input.slug)}/${input.id}/edit`,
      body: editCommentView({
        slug: input.slug,
        title: article?.title ?? input.slug,
        id: input.id,
        body: input.body,
        csrfToken: forms.token(request, reply),
        ...(input.errors ? { errors: input.errors } : {}),
      }),
    });
  };

  app.get(
    '/articles/:slug/comments/:id/edit',
    { schema: { params: CommentParams } },
    async (request, reply) => {
      const member = await requireMember(request);
      const { slug, id } = request.params;
      const comment = await editableComment(ctx, { slug, member, id });
      return editPage(request, reply, { slug, id, body: comment.body });
    },
  );

  app.post(
    '/articles/:slug/comments/:id/edit',
    { ...postOptions, schema: { params: CommentParams, body: CommentForm } },
    async (request, reply) => {
      const { slug, id } = request.params;
      const body = request.body;
      checkForm(request, body);
      const member = await requireMember(request);
      try {
        const edited = await editOwnComment(ctx, {
          slug,
          member,
          id,
          text: body.body ?? '',
          digestMinutes: limits.digestMinutes,
        });
        const notice = edited.status === 'pending' ? 'held' : 'edited';
        return reply.redirect(backTo(slug, body, notice, `comment-${id}`), 303);
      } catch (error) {
        if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        return editPage(request, reply, {
          slug,
          id,
          body: body.body ?? '',
          status: 400,
          errors: toFieldErrors(error.details ?? []),
        });
      }
    },
  );

  app.post(
    '/articles/:slug/comments/:id/delete',
    { ...postOptions, schema: { params: CommentParams, body: CommentForm } },
    async (request, reply) => {
      const { slug, id } = request.params;
      checkForm(request, request.body);
      const member = await requireMember(request);
      await deleteOwnComment(ctx, { slug, member, id });
      return reply.redirect(backTo(slug, request.body, 'deleted', 'comments'), 303);
    },
  );
}
