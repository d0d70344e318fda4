import { timingSafeEqual } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { type BounceReport, recordBounce, recordDsn } from '../../services/newsletters/bounces.ts';
import { describeUnsubscribe, unsubscribeByToken } from '../../services/newsletters/unsubscribe.ts';
import type { Reader } from '../../services/reader.ts';
import { clientGroupOf } from '../client-group.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import type { SafeHtml } from '../views/html.ts';
import { type AssetUrls, layout } from '../views/layout.ts';
import { unsubscribeConfirmView, unsubscribedView } from '../views/unsubscribe.ts';

const UNSUBSCRIBE_PATH = '/newsletters/unsubscribe';
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });
const UnsubscribeForm = Type.Object(
  { token: OptionalText, 'List-Unsubscribe': OptionalText },
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
 * and no CSRF token (the signed token in the address is the guard), and the bounce webhook for
 * providers, authenticated by a shared secret.
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

  const page = async (reply: FastifyReply, title: string, body: SafeHtml) => {
    const site = await reader.site();
    return reply
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
      config: { rateLimit: { max: options.rateLimitPerMinute, timeWindow: '1 minute' } },
      schema: { querystring: TokenQuery, body: Type.Optional(UnsubscribeForm) },
      bodyLimit: 16 * 1024,
    },
    async (request, reply) => {
      const token = request.query.token ?? request.body?.token ?? '';
      const view = await unsubscribeByToken(ctx, token);
      return page(reply, 'You are unsubscribed', unsubscribedView(view.newsletterName));
    },
  );

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
      preValidation: async (request) => checkSecret(request),
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
      preValidation: async (request) => checkSecret(request),
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
