import { timingSafeEqual } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { SUBSCRIPTION_SOURCES } from '../../domain/newsletter.ts';
import { Errors, isAppError } from '../../errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { type BounceReport, recordBounce, recordDsn } from '../../services/newsletters/bounces.ts';
import {
  memberOfPreferencesToken,
  newsletterChoicesOf,
  PREFERENCES_PATH,
  saveNewsletterChoice,
} from '../../services/newsletters/subscriptions.ts';
import {
  describeUnsubscribe,
  isSignedUnsubscribeToken,
  unsubscribeByToken,
} from '../../services/newsletters/unsubscribe.ts';
import type { Reader } from '../../services/reader.ts';
import { clientGroupOf } from '../client-group.ts';
import { toFieldErrors } from '../newsroom/forms.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import type { SafeHtml } from '../views/html.ts';
import { type AssetUrls, layout } from '../views/layout.ts';
import { preferencesInvalidView, preferencesView } from '../views/newsletter-choices.ts';
import { unsubscribeConfirmView, unsubscribedView } from '../views/unsubscribe.ts';

const UNSUBSCRIBE_PATH = '/newsletters/unsubscribe';
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });
const UnsubscribeForm = Type.Object(
  { token: OptionalText, 'List-Unsubscribe': OptionalText },
  { additionalProperties: true },
);

const PreferencesQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200 })),
  saved: OptionalText,
});
const PreferencesForm = Type.Object(
  { token: OptionalText, newsletters: Type.Optional(Type.Unknown()) },
  { additionalProperties: true },
);

const BounceEvent = Type.Object({
  type: Type.Union([Type.Literal('bounce'), Type.Literal('complaint')]),
  email: Type.String({ minLength: 3, maxLength: 320 }),
  bounceType: Type.Optional(Type.Union([Type.Literal('hard'), Type.Literal('soft')])),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  diagnostic: Type.Optional(Type.String({ maxLength: 2000 })),
  messageId: Type.Optional(Type.String({ maxLength: 300 })),
});
const BounceBody = Type.Object({ events: Type.Array(BounceEvent, { minItems: 1, maxItems: 500 }) });

/**
 * Newsletter doors: the unsubscribe page (GET shows a button, POST unsubscribes; both work
 * without script) and the RFC 8058 one-click POST at the same address, which carries no cookie
 * and no CSRF token (the signed token in the address is the guard); the page of a member's
 * newsletter choices each message links to, guarded the same way by a token that runs out; and
 * the bounce webhook for providers, authenticated by a shared secret.
 */
export async function newsletterRoutes(
  app: TypedApp,
  options: {
    ctx: ServiceContext;
    reader: Reader;
    assets: AssetUrls;
    bounceWebhookSecret: string;
    rateLimitPerMinute: number;
  },
): Promise<void> {
  const { ctx, reader, assets } = options;
  await app.register(fastifyRateLimit, { global: false, keyGenerator: (request) => clientGroupOf(request) });
  // Mail clients may send the one-click POST as multipart/form-data; its body says nothing the
  // address does not, so it is read and dropped.
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 },
    (_r, _b, done) => done(null, {}),
  );
  app.addContentTypeParser(
    ['message/rfc822', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: 1024 * 1024 },
    (_r, body, done) => done(null, body),
  );

  const page = async (reply: FastifyReply, title: string, body: SafeHtml, status = 200) => {
    const site = await reader.site();
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(
        layout(
          site,
          { title, description: title, canonicalUrl: `${site.siteUrl}${UNSUBSCRIBE_PATH}`, noIndex: true },
          assets,
          body,
        ).value,
      );
  };

  app.get(UNSUBSCRIBE_PATH, { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const view = await describeUnsubscribe(ctx, token);
    return page(
      reply,
      `Unsubscribe from ${view.newsletterName}`,
      unsubscribeConfirmView({
        ...view,
        action: `${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}`,
        token,
      }),
    );
  });

  app.post(
    UNSUBSCRIBE_PATH,
    {
      config: {
        rateLimit: {
          max: options.rateLimitPerMinute,
          timeWindow: '1 minute',
          // A mailbox provider sends its users' one-click POSTs from a few addresses, so a
          // limit on signed ones would leave readers subscribed after a 429 the provider may
          // never retry. Only posts without a valid signature (guesses) are counted.
          allowList: async (request) => {
            const token = (request.query as { token?: unknown }).token;
            return typeof token === 'string' && isSignedUnsubscribeToken(ctx, token);
          },
        },
      },
      schema: { querystring: TokenQuery, body: Type.Optional(UnsubscribeForm) },
      bodyLimit: 16 * 1024,
    },
    async (request, reply) => {
      const token = request.query.token ?? request.body?.token ?? '';
      const view = await unsubscribeByToken(ctx, token);
      return page(reply, 'You are unsubscribed', unsubscribedView(view.newsletterName));
    },
  );

  /** The choices page for a token: the form, or the "link does not work" page with a 400. */
  const preferencesPage = async (
    reply: FastifyReply,
    token: string,
    state: { isSaved?: boolean; errors?: Record<string, string>; ticked?: number[] } = {},
  ) => {
    let member: Awaited<ReturnType<typeof memberOfPreferencesToken>>;
    try {
      member = await memberOfPreferencesToken(ctx, token);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'PREFERENCES_LINK_INVALID') throw error;
      return page(reply, 'This link does not work any more', preferencesInvalidView(error.message), 400);
    }
    const choices = await newsletterChoicesOf(ctx, member.id);
    const view = preferencesView({
      email: member.email,
      ...choices,
      ...(state.ticked ? { chosenIds: state.ticked } : {}),
      token,
      action: PREFERENCES_PATH,
      ...(state.isSaved ? { isSaved: true } : {}),
      ...(state.errors ? { errors: state.errors } : {}),
    });
    return page(reply, 'Your newsletters', view, state.errors ? 400 : 200);
  };

  app.get(PREFERENCES_PATH, { schema: { querystring: PreferencesQuery } }, async (request, reply) =>
    preferencesPage(reply, request.query.token ?? '', { isSaved: request.query.saved === '1' }),
  );

  // No session and no CSRF token: the signed token in the form is the guard, and a page
  // elsewhere cannot know it.
  app.post(
    PREFERENCES_PATH,
    {
      config: { rateLimit: { max: options.rateLimitPerMinute, timeWindow: '1 minute' } },
      schema: { body: PreferencesForm },
      bodyLimit: 16 * 1024,
    },
    async (request, reply) => {
      const token = request.body.token ?? '';
      try {
        const member = await memberOfPreferencesToken(ctx, token);
        await saveNewsletterChoice(ctx, member, request.body.newsletters, SUBSCRIPTION_SOURCES.emailLink);
      } catch (error) {
        if (isAppError(error) && error.code === 'VALIDATION_FAILED' && error.details)
          return preferencesPage(reply, token, { errors: toFieldErrors(error.details), ticked: [] });
        if (!isAppError(error) || error.code !== 'PREFERENCES_LINK_INVALID') throw error;
        return page(reply, 'This link does not work any more', preferencesInvalidView(error.message), 400);
      }
      return reply.redirect(`${PREFERENCES_PATH}?token=${encodeURIComponent(token)}&saved=1`, 303);
    },
  );

  // Checked as the request arrives, before its body is read: a sender without the secret costs
  // no parsing of up to a megabyte, and learns nothing from how its body would have been read.
  const checkSecret = (request: FastifyRequest) => {
    const secret = options.bounceWebhookSecret;
    const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(secret);
    if (!secret || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw Errors.BOUNCE_WEBHOOK_REFUSED();
  };

  app.post(
    '/newsletters/bounces',
    {
      config: { rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: { body: BounceBody },
      bodyLimit: 512 * 1024,
      onRequest: async (request) => checkSecret(request),
    },
    async (request) => {
      for (const event of request.body.events) await recordBounce(ctx, reportOf(event));
      return { recorded: request.body.events.length };
    },
  );

  app.post(
    '/newsletters/bounces/dsn',
    {
      config: { rateLimit: { max: 600, timeWindow: '1 minute' } },
      bodyLimit: 1024 * 1024,
      onRequest: async (request) => checkSecret(request),
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body))
        throw Errors.VALIDATION_FAILED({
          details: [
            { field: 'body', message: 'must be the bounce message itself (Content-Type: message/rfc822)' },
          ],
        });
      return { recorded: await recordDsn(ctx, request.body) };
    },
  );
}

function reportOf(event: Type.Static<typeof BounceEvent>): BounceReport {
  return {
    email: event.email,
    kind: event.type === 'complaint' ? 'complaint' : (event.bounceType ?? 'hard'),
    source: 'webhook',
    ...(event.status ? { statusCode: event.status } : {}),
    ...(event.diagnostic ? { diagnostic: event.diagnostic } : {}),
    ...(event.messageId ? { messageId: event.messageId } : {}),
  };
}
