import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { reprintRequestPath, reprintRequestSentPath } from '../../domain/paths.ts';
import { Errors, isAppError } from '../../errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import type { Reader } from '../../services/reader.ts';
import { requestableArticle, submitReprintRequest } from '../../services/republishing/reprint-requests.ts';
import { clientGroupOf } from '../client-group.ts';
import { formInputProblems } from '../input-guard.ts';
import { toFieldErrors } from '../newsroom/forms.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import type { AssetUrls } from '../views/layout.ts';
import {
  type ReprintFormState,
  reprintRequestSentView,
  reprintRequestView,
} from '../views/reprint-request.ts';
import { uncachedPageSender } from './reader-page.ts';
import { visitorForms } from './visitor-csrf.ts';

const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) });

// Every field optional and unbounded here: the service says which is missing or too long, by name.
const RequestForm = Type.Object(
  {
    _csrf: OptionalText,
    kind: OptionalText,
    name: OptionalText,
    email: OptionalText,
    organisation: OptionalText,
    outlet: OptionalText,
    language: OptionalText,
    message: OptionalText,
    leave_blank: OptionalText,
  },
  { additionalProperties: true },
);

/** The form's own field names, for the values shown again. */
const FIELDS = ['kind', 'name', 'email', 'organisation', 'outlet', 'language', 'message'] as const;

/**
 * Reprint and translation requests from readers: a plain page with the form under each article
 * whose license keeps something back, and a thank-you page. Neither is cached (the form carries
 * the browser's CSRF token); the article page only links here, so it stays cacheable. Each
 * address may send a few a minute, and `dailyPerAddress` a day.
 */
export async function reprintRoutes(
  app: TypedApp,
  options: {
    ctx: ServiceContext;
    reader: Reader;
    assets: AssetUrls;
    rateLimitPerMinute: number;
    dailyPerAddress: number;
  },
): Promise<void> {
  const { ctx, reader, assets } = options;
  const forms = visitorForms(ctx.siteUrl);
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    keyGenerator: (request) => clientGroupOf(request),
  });

  const send = uncachedPageSender(reader, assets);

  const articleOr404 = async (slug: string) => {
    const article = await requestableArticle(ctx, slug);
    if (!article) throw Errors.NOT_FOUND();
    return article;
  };

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    state: ReprintFormState & { status?: number } = {},
  ) => {
    const article = await articleOr404(slug);
    return send(reply, {
      status: state.status ?? 200,
      title: `Ask to reprint or translate: ${article.title}`,
      canonicalPath: reprintRequestPath(article.slug),
      body: reprintRequestView(article, forms.token(request, reply), state),
    });
  };

  app.get('/articles/:slug/reprint-request', { schema: { params: SlugParams } }, async (request, reply) =>
    formPage(request, reply, request.params.slug),
  );

  app.post(
    '/articles/:slug/reprint-request',
    {
      config: {
        isForm: true,
        rateLimit: { max: options.rateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: { params: SlugParams, body: RequestForm },
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      const { slug } = request.params;
      const body = request.body;
      forms.check(request, body._csrf);
      try {
        const nuls = formInputProblems(body);
        if (nuls.length > 0) throw Errors.VALIDATION_FAILED({ details: nuls });
        await submitReprintRequest(ctx, {
          slug,
          fields: {
            kind: body.kind ?? '',
            requesterName: body.name ?? '',
            email: body.email ?? '',
            organisation: body.organisation ?? '',
            outlet: body.outlet ?? '',
            targetLanguage: body.language ?? '',
            message: body.message ?? '',
          },
          honeypot: body.leave_blank ?? '',
          sender: clientGroupOf(request),
          dailyLimit: options.dailyPerAddress,
        });
      } catch (error) {
        if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        const values: Record<string, string> = {};
        for (const field of FIELDS) values[field] = body[field] ?? '';
        return formPage(request, reply, slug, {
          status: 400,
          values,
          errors: toFieldErrors(error.details ?? []),
        });
      }
      return reply.redirect(reprintRequestSentPath(slug), 303);
    },
  );

  app.get(
    '/articles/:slug/reprint-request/sent',
    { schema: { params: SlugParams } },
    async (request, reply) => {
      const article = await articleOr404(request.params.slug);
      return send(reply, {
        status: 200,
        title: 'Your request is sent',
        canonicalPath: reprintRequestSentPath(article.slug),
        body: reprintRequestSentView(article),
      });
    },
  );
}
