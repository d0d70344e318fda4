import fastifyRateLimit from '@fastify/rate-limit';
import Type from 'typebox';
import { WEBMENTION_PATH } from '../../domain/paths.ts';
import { MAX_WEBMENTION_URL_LENGTH } from '../../domain/webmention.ts';
import type { ServiceContext } from '../../services/context.ts';
import { receiveWebmention } from '../../services/republishing/webmentions.ts';
import { clientGroupOf } from '../client-group.ts';
import type { TypedApp } from '../schemas.ts';

/** The Link header value that advertises the endpoint (https://www.w3.org/TR/webmention/#sender-discovers-receiver-webmention-endpoint). */
export function webmentionLinkHeader(siteUrl: string): string {
  return `<${siteUrl}${WEBMENTION_PATH}>; rel="webmention"`;
}

// Longer than any accepted URL, so the service, not the schema, says what is wrong with one.
const UrlField = Type.Optional(Type.String({ maxLength: MAX_WEBMENTION_URL_LENGTH * 2 }));

/**
 * The Webmention receiving endpoint: other sites POST `source` and `target`, form-encoded. It
 * is for machines on other sites, so it takes no CSRF token and reads no cookie (the admin's
 * session cookie is only read under /admin); each address may send a few a minute.
 */
export async function webmentionRoutes(
  app: TypedApp,
  options: { ctx: ServiceContext; rateLimitPerMinute: number; maxWaiting: number },
): Promise<void> {
  const { ctx } = options;
  await app.register(fastifyRateLimit, {
    global: false,
    keyGenerator: (request) => clientGroupOf(request),
  });
  app.post(
    WEBMENTION_PATH,
    {
      config: {
        isJsonOnly: true,
        rateLimit: { max: options.rateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: {
        body: Type.Object({ source: UrlField, target: UrlField }, { additionalProperties: true }),
      },
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      await receiveWebmention(
        ctx,
        { source: request.body.source, target: request.body.target },
        { maxWaiting: options.maxWaiting },
      );
      return reply
        .code(202)
        .header('cache-control', 'no-store')
        .send({ status: 'accepted', message: 'The mention will be checked shortly.' });
    },
  );
}
