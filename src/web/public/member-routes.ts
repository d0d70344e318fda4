import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Member, MemberTokenKind } from '../../domain/member.ts';
import { SUBSCRIPTION_SOURCES } from '../../domain/newsletter.ts';
import { MEMBER_PATHS, safeReturnPath } from '../../domain/paths.ts';
import { Errors, isAppError } from '../../errors.ts';
import { requestMemberSignIn, signUpMember } from '../../services/members/access.ts';
import {
  deleteMember,
  memberDataExport,
  renameMember,
  requestEmailChange,
} from '../../services/members/account.ts';
import type { MembersContext } from '../../services/members/context.ts';
import { followMemberLink, peekMemberLink } from '../../services/members/links.ts';
import { memberForSession, signOutMember } from '../../services/members/sessions.ts';
import {
  newsletterChoicesOf,
  offeredNewsletters,
  saveNewsletterChoice,
} from '../../services/newsletters/subscriptions.ts';
import type { Reader } from '../../services/reader.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { clientGroupOf } from '../client-group.ts';
import { formInputProblems } from '../input-guard.ts';
import { toFieldErrors } from '../newsroom/forms.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import type { AssetUrls } from '../views/layout.ts';
import {
  accountDeletedView,
  accountView,
  checkInboxView,
  confirmView,
  deleteAccountView,
  invalidLinkView,
  joinView,
  type MemberFormState,
  type NewsletterChoiceState,
  signInView,
} from '../views/members.ts';
import { memberCookie } from './member-cookie.ts';
import { uncachedPageSender } from './reader-page.ts';
import { visitorForms } from './visitor-csrf.ts';

// Every field optional and unbounded here: the services say which is missing or too long, by name.
const MemberForm = Type.Object(
  {
    _csrf: OptionalText,
    email: OptionalText,
    name: OptionalText,
    token: OptionalText,
    leave_blank: OptionalText,
    return: OptionalText,
    // Ticked checkboxes: one id, or several; the newsletters' service reads and checks them.
    newsletters: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);
const ConfirmQuery = Type.Object({ token: OptionalText, return: OptionalText });
const ReturnQuery = Type.Object({ return: OptionalText }, { additionalProperties: true });
const NoticeQuery = Type.Object({ notice: OptionalText });

type MemberFormBody = {
  _csrf?: string | undefined;
  /** The ticked newsletters' ids: one string, or several (additionalProperties). */
  newsletters?: unknown;
  email?: string | undefined;
  name?: string | undefined;
  token?: string | undefined;
  leave_blank?: string | undefined;
  /** Where to land once signed in (see safeReturnPath). */
  return?: string | undefined;
};

/** Where each kind of link leads once followed, with the notice shown there. */
const AFTER_LINK: Record<MemberTokenKind, string> = {
  signup: 'welcome',
  signin: 'signed-in',
  email: 'email-changed',
};

/** The field errors of a refused form, or undefined for any other error (thrown on). */
function formErrorsOf(error: unknown): Record<string, string> | undefined {
  if (!isAppError(error) || !error.details || error.code !== 'VALIDATION_FAILED') return undefined;
  return toFieldErrors(error.details);
}

/** The ids ticked in a refused form, to tick them again (the service said which were wrong). */
function tickedIn(body: MemberFormBody): number[] {
  const raw = body.newsletters;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values.filter((v): v is string => typeof v === 'string' && /^\d{1,12}$/.test(v)).map(Number);
}

/** What was typed, shown again with the errors. */
function typed(body: MemberFormBody): Record<string, string> {
  return { email: body.email ?? '', name: body.name ?? '' };
}

/**
 * Members' pages: join and sign in by a mailed link, the page the link opens, the account
 * (name, address, data, deletion) and sign-out. None is cached (each carries the browser's CSRF
 * token or a member's details); reader pages only link here, so they stay cached for everyone
 * and read no member session. Each address may post `rateLimitPerMinute` forms a minute; the
 * links themselves are limited per day in the database (see link-requests.ts).
 */
export async function memberRoutes(
  app: TypedApp,
  options: { ctx: MembersContext; reader: Reader; assets: AssetUrls; rateLimitPerMinute: number },
): Promise<void> {
  const { ctx, reader, assets } = options;
  const forms = visitorForms(ctx.siteUrl);
  const cookie = memberCookie(ctx.siteUrl, ctx.config.members.sessionMaxDays);
  const send = uncachedPageSender(reader, assets);
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false, keyGenerator: (request) => clientGroupOf(request) });
  const postConfig = {
    isForm: true,
    rateLimit: { max: options.rateLimitPerMinute, timeWindow: '1 minute' },
  };
  const postSchema = { body: MemberForm };
  const siteName = async () => (await loadSiteSettings(ctx)).siteName;

  /** The signed-in member, clearing a cookie that no longer opens a session. */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<Member | undefined> => {
    const token = request.cookies[cookie.name];
    if (!token) return undefined;
    const member = await memberForSession(ctx, token);
    if (!member) reply.clearCookie(cookie.name, cookie.clearOptions);
    return member;
  };

  /** Checks the form's CSRF token and refuses a NUL in any field, naming it. */
  const checkForm = (request: FastifyRequest, body: MemberFormBody) => {
    forms.check(request, body._csrf);
    const nuls = formInputProblems(body);
    if (nuls.length > 0) throw Errors.VALIDATION_FAILED({ details: nuls });
  };

  const postOptions = { config: postConfig, schema: postSchema, bodyLimit: 16 * 1024 };

  /**
   * A form that mails a link (join, sign in): its page, sent again with the errors of a refused
   * post, and its post, which leads to "check your inbox" whatever the address.
   */
  const linkForm = (form: {
    path: string;
    title: string;
    view: typeof joinView;
    submit: (body: MemberFormBody, sender: string) => Promise<unknown>;
    /** The newsletters the form offers, ticked as in a refused post (or as first shown). */
    choices?: (body?: MemberFormBody) => Promise<NewsletterChoiceState>;
  }) => {
    const page = async (
      request: FastifyRequest,
      reply: FastifyReply,
      state: MemberFormState & { status?: number; body?: MemberFormBody; returnTo?: string | undefined } = {},
    ) => {
      const { body, ...formState } = state;
      const choices = form.choices ? { choices: await form.choices(body) } : {};
      return send(reply, {
        status: state.status ?? 200,
        title: form.title,
        canonicalPath: form.path,
        body: form.view({
          siteName: await siteName(),
          csrfToken: forms.token(request, reply),
          ...choices,
          ...formState,
        }),
      });
    };
    app.get(form.path, { schema: { querystring: ReturnQuery } }, async (request, reply) => {
      // Only a path of this site is carried on; anything else is dropped, never followed.
      const returnTo = safeReturnPath(request.query.return);
      if (await signedIn(request, reply)) return reply.redirect(returnTo ?? MEMBER_PATHS.account, 303);
      return page(request, reply, { returnTo });
    });
    app.post(form.path, postOptions, async (request, reply) => {
      const body = request.body;
      try {
        checkForm(request, body);
        await form.submit(body, clientGroupOf(request));
      } catch (error) {
        const errors = formErrorsOf(error);
        if (!errors) throw error;
        return page(request, reply, {
          status: 400,
          values: typed(body),
          errors,
          body,
          returnTo: safeReturnPath(body.return),
        });
      }
      return reply.redirect(MEMBER_PATHS.checkInbox, 303);
    });
  };

  linkForm({
    path: MEMBER_PATHS.join,
    title: 'Become a member',
    view: joinView,
    submit: (body, sender) =>
      signUpMember(ctx, {
        email: body.email ?? '',
        name: body.name ?? '',
        honeypot: body.leave_blank ?? '',
        sender,
        newsletters: body.newsletters,
      }),
    choices: async (body) => {
      const newsletters = await offeredNewsletters(ctx);
      // First shown, the daily digest is ticked: the newsletter most readers come for.
      const chosenIds = body
        ? tickedIn(body)
        : newsletters.filter((n) => n.kind === 'daily').map((n) => n.id);
      return { newsletters, chosenIds };
    },
  });
  linkForm({
    path: MEMBER_PATHS.signIn,
    title: 'Sign in',
    view: signInView,
    submit: (body, sender) =>
      requestMemberSignIn(ctx, {
        email: body.email ?? '',
        honeypot: body.leave_blank ?? '',
        sender,
        returnTo: body.return,
      }),
  });

  app.get(MEMBER_PATHS.checkInbox, async (_request, reply) =>
    send(reply, {
      status: 200,
      title: 'Check your inbox',
      canonicalPath: MEMBER_PATHS.checkInbox,
      body: checkInboxView(),
    }),
  );

  const invalidLink = (reply: FastifyReply, status: number, message: string) =>
    send(reply, {
      status,
      title: 'This link does not work any more',
      canonicalPath: MEMBER_PATHS.confirm,
      body: invalidLinkView(message),
    });

  // The link only shows a button: mail scanners and previews open links, and must not use them.
  app.get(MEMBER_PATHS.confirm, { schema: { querystring: ConfirmQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const link = await peekMemberLink(ctx, token);
    if (!link) return invalidLink(reply, 400, Errors.AUTH_TOKEN_INVALID().message);
    // The token must not travel on to other sites in a Referer.
    reply.header('referrer-policy', 'no-referrer');
    return send(reply, {
      status: 200,
      title: 'Confirm',
      canonicalPath: MEMBER_PATHS.confirm,
      body: confirmView({
        ...link,
        token,
        csrfToken: forms.token(request, reply),
        returnTo: safeReturnPath(request.query.return),
      }),
    });
  });
  app.post(MEMBER_PATHS.confirm, postOptions, async (request, reply) => {
    checkForm(request, request.body);
    let followed: Awaited<ReturnType<typeof followMemberLink>>;
    try {
      followed = await followMemberLink(ctx, request.body.token ?? '');
    } catch (error) {
      if (!isAppError(error) || !['AUTH_TOKEN_INVALID', 'MEMBER_EMAIL_TAKEN'].includes(error.code))
        throw error;
      return invalidLink(reply, error.code === 'MEMBER_EMAIL_TAKEN' ? 409 : 400, error.message);
    }
    // This browser's previous session (another member's, say) ends with the new one.
    await signOutMember(ctx, request.cookies[cookie.name]);
    reply.setCookie(cookie.name, followed.sessionToken, cookie.options);
    const returnTo = followed.kind === 'email' ? undefined : safeReturnPath(request.body.return);
    return reply.redirect(returnTo ?? `${MEMBER_PATHS.account}?notice=${AFTER_LINK[followed.kind]}`, 303);
  });

  const accountPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    member: Member,
    state: {
      status?: number;
      notice?: string | undefined;
      name?: MemberFormState;
      email?: MemberFormState;
      newsletters?: MemberFormState & { ticked: number[] };
    } = {},
  ) => {
    const { status, ...view } = state;
    const saved = await newsletterChoicesOf(ctx, member.id);
    // A refused choice is shown as it was ticked, not as it is saved.
    const choices = view.newsletters ? { ...saved, chosenIds: view.newsletters.ticked } : saved;
    return send(reply, {
      status: status ?? 200,
      title: 'Your account',
      canonicalPath: MEMBER_PATHS.account,
      body: accountView({ member, csrfToken: forms.token(request, reply), choices, ...view }),
    });
  };

  /** The signed-in member for an account page or form; undefined once the visitor was sent to sign in. */
  const memberOrSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Member | undefined> => {
    const member = await signedIn(request, reply);
    if (!member) await reply.redirect(MEMBER_PATHS.signIn, 303);
    return member;
  };

  app.get(MEMBER_PATHS.account, { schema: { querystring: NoticeQuery } }, async (request, reply) => {
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    return accountPage(request, reply, member, { notice: request.query.notice });
  });

  app.post(MEMBER_PATHS.accountName, postOptions, async (request, reply) => {
    const body = request.body;
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    try {
      checkForm(request, body);
      await renameMember(ctx, member, body.name ?? '');
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return accountPage(request, reply, member, { status: 400, name: { values: typed(body), errors } });
    }
    return reply.redirect(`${MEMBER_PATHS.account}?notice=name-saved`, 303);
  });

  app.post(MEMBER_PATHS.accountEmail, postOptions, async (request, reply) => {
    const body = request.body;
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    try {
      checkForm(request, body);
      await requestEmailChange(ctx, member, { email: body.email ?? '', sender: clientGroupOf(request) });
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return accountPage(request, reply, member, { status: 400, email: { values: typed(body), errors } });
    }
    return reply.redirect(`${MEMBER_PATHS.account}?notice=email-sent`, 303);
  });

  app.post(MEMBER_PATHS.accountNewsletters, postOptions, async (request, reply) => {
    const body = request.body;
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    try {
      checkForm(request, body);
      await saveNewsletterChoice(ctx, member, body.newsletters, SUBSCRIPTION_SOURCES.account);
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return accountPage(request, reply, member, {
        status: 400,
        newsletters: { errors, ticked: tickedIn(body) },
      });
    }
    return reply.redirect(
      `${MEMBER_PATHS.account}?notice=newsletters-saved#account-newsletters-heading`,
      303,
    );
  });

  // A POST, not a link: the file is made for this browser's member, on their request only.
  app.post(MEMBER_PATHS.accountData, postOptions, async (request, reply) => {
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    checkForm(request, request.body);
    const data = await memberDataExport(ctx, member);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="my-membership-data.json"')
      .type('application/json; charset=utf-8')
      .send(`${JSON.stringify(data, null, 2)}\n`);
  });

  app.get(MEMBER_PATHS.accountDelete, async (request, reply) => {
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    return send(reply, {
      status: 200,
      title: 'Delete your account?',
      canonicalPath: MEMBER_PATHS.accountDelete,
      body: deleteAccountView({ member, csrfToken: forms.token(request, reply) }),
    });
  });
  app.post(MEMBER_PATHS.accountDelete, postOptions, async (request, reply) => {
    const member = await memberOrSignIn(request, reply);
    if (!member) return reply;
    checkForm(request, request.body);
    await deleteMember(ctx, member);
    reply.clearCookie(cookie.name, cookie.clearOptions);
    return reply.redirect(MEMBER_PATHS.deleted, 303);
  });
  app.get(MEMBER_PATHS.deleted, async (_request, reply) =>
    send(reply, {
      status: 200,
      title: 'Your account is deleted',
      canonicalPath: MEMBER_PATHS.deleted,
      body: accountDeletedView(),
    }),
  );

  app.post(MEMBER_PATHS.signOut, postOptions, async (request, reply) => {
    checkForm(request, request.body);
    await signOutMember(ctx, request.cookies[cookie.name]);
    reply.clearCookie(cookie.name, cookie.clearOptions);
    return reply.redirect('/', 303);
  });
}
