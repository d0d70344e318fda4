import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import Type from 'typebox';
import { closeRenderPools } from './content/render-pool.ts';
import { readProxyList } from './domain/proxy-list.ts';
import { trimEndOf } from './domain/text.ts';
import { Errors } from './errors.ts';
import { loggerOptions, urlForLog } from './logger.ts';
import type { ViewCounter } from './services/discovery/views.ts';
import type { RepublicationTracker } from './services/republishing/tracker.ts';
import { assetRoutes, assetUrls } from './web/assets.ts';
import { bodyDeadline } from './web/body-deadline.ts';
import { boundaryProblem, jsonValuesOver } from './web/body-shape.ts';
import {
  clientErrorAnswer,
  describeError,
  errorTitle,
  expectationFailed,
  plainErrorPage,
  sendError,
} from './web/errors.ts';
import { answerExpectations, isUnmetExpectation } from './web/expectations.ts';
import { parseFormBody, tooManyFields } from './web/form-body.ts';
import { inputGuard, MAX_BODY_VALUES } from './web/input-guard.ts';
import { lazySchemaCompilers } from './web/lazy-schemas.ts';
import { adminPlugin } from './web/newsroom/index.ts';
import type { PageCache } from './web/page-cache.ts';
import { CachedAnswers } from './web/public/cached-answers.ts';
import { commentRoutes } from './web/public/comment-routes.ts';
import { discoveryRoutes } from './web/public/discovery-routes.ts';
import { legacyRedirects } from './web/public/legacy-redirects.ts';
import { registerMedia } from './web/public/media-routes.ts';
import { memberCookieName } from './web/public/member-cookie.ts';
import { readerForSessions } from './web/public/member-reader.ts';
import { memberRoutes } from './web/public/member-routes.ts';
import { newsletterRoutes } from './web/public/newsletter-routes.ts';
import { readerRoutes } from './web/public/reader-routes.ts';
import { reprintRoutes } from './web/public/reprint-routes.ts';
import { TrackingImage, trackerRoutes } from './web/public/tracker-routes.ts';
import { webmentionRoutes } from './web/public/webmention-routes.ts';
import { finiteNumbers } from './web/schemas.ts';
import { securityHeaders } from './web/security-headers.ts';
import { trustedProxyCheck } from './web/trusted-proxies.ts';
import { layout } from './web/views/layout.ts';
import { errorView } from './web/views/listing.ts';
import { createWebParts, type Wiring } from './wiring.ts';

export interface AppOptions {
  /** Tests pass false to keep output quiet. */
  shouldLog?: boolean;
  /** Tests that read the log pass where to write it, and from which level. */
  log?: { stream: DestinationStream; level: string };
}

/** Builds the web application without listening; tests drive it with app.inject(). */
export async function buildApp(wiring: Wiring, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = wiring;
  const { server } = config;
  // Which hops' X-Forwarded-For to believe; none when not behind a proxy.
  const isTrustedProxy = server.trustProxy
    ? trustedProxyCheck(readProxyList(server.trustedProxies).entries)
    : undefined;
  const protectiveHeaders = securityHeaders(undefined, { isHttps: wiring.siteUrl.startsWith('https://') });
  // Node's defaults let a client hold a connection for minutes: headers get 60 s, and Fastify
  // turns the whole-request timeout off. See body-deadline.ts for the body's own deadline.
  const httpOptions = {
    headersTimeout: server.headersTimeoutSeconds * 1000,
    // How often Node checks those timeouts (30 s by default, which would stretch them).
    connectionsCheckingInterval: 1000,
    // Node would answer a request without Host itself, bare; the hook below refuses it as any
    // other bad request is refused.
    requireHostHeader: false,
  };
  const connectionTimeout = server.idleTimeoutSeconds * 1000;
  const keepAliveTimeout = server.keepAliveTimeoutSeconds * 1000;
  // Set once the page cache exists, below; the server answers kept reader pages before the app.
  let answers: CachedAnswers | undefined;
  // Likewise the republication tracker's image, set once the tracker exists.
  let trackingImage: TrackingImage | undefined;
  const app = Fastify({
    // What Fastify itself does to make its server, with kept pages answered first.
    serverFactory: (handler) => {
      const made = createServer(httpOptions, (request, response) => {
        if (trackingImage?.answerEarly(request, response)) return;
        if (answers?.answer(request, response)) return;
        handler(request, response);
      });
      made.keepAliveTimeout = keepAliveTimeout;
      made.setTimeout(connectionTimeout);
      return made;
    },
    logger:
      options.shouldLog === false
        ? false
        : options.log
          ? { ...loggerOptions(config), level: options.log.level, stream: options.log.stream }
          : loggerOptions(config),
    logController: new LogController({ disableRequestLogging: !config.log.requests }),
    trustProxy: isTrustedProxy ?? false,
    // Answers to requests refused before any route runs: our error page and headers, not the
    // framework's bare JSON.
    clientErrorHandler: (error, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorAnswer(error, protectiveHeaders));
      socket.destroy(error);
    },
    frameworkErrors: (error, request, typedReply) => {
      // Raised before any route, so no route's reply type applies.
      const reply = typedReply as unknown as FastifyReply;
      reply.headers(protectiveHeaders);
      const shown = describeError(error, request);
      const isApi =
        request.url.startsWith('/api/') || (request.headers.accept ?? '').startsWith('application/json');
      reply.code(shown.status).header('cache-control', 'no-store');
      if (isApi) {
        void reply.send({
          code: shown.code,
          message: shown.message,
          ...(shown.details ? { details: shown.details } : {}),
          requestId: request.id,
        });
        return;
      }
      renderErrorPage(shown, request.id)
        .catch(() => plainErrorPage(shown, request.id))
        .then((page) => reply.type('text/html; charset=utf-8').send(page));
    },
    connectionTimeout,
    keepAliveTimeout,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ajv: { plugins: [finiteNumbers] },
    schemaController: lazySchemaCompilers(),
  }).withTypeProvider<TypeBoxTypeProvider>();
  answerExpectations(app.server);

  const web = createWebParts(wiring);
  app.addHook('onClose', async () => {
    await web.close();
    await closeRenderPools();
  });
  const { pageCache: cache, reader, discovery } = web;
  const assets = assetUrls();
  app.decorate('pageCache', cache);
  app.decorate('tracker', web.tracker);
  app.decorate('viewCounter', discovery.views);
  const logAnswer = (request: IncomingMessage, response: ServerResponse) => {
    app.log.info(
      {
        req: { method: request.method, url: urlForLog(request.url), host: request.headers.host },
        res: { statusCode: response.statusCode },
        fromCache: true,
      },
      'request completed',
    );
  };
  answers = new CachedAnswers({
    cache,
    maxPages: config.cache.maxPages,
    headers: protectiveHeaders,
    sharedMaxAge: config.cache.httpMaxAge,
    onAnswered: config.log.requests && options.shouldLog !== false ? logAnswer : undefined,
  });
  trackingImage = new TrackingImage({
    tracker: web.tracker,
    headers: protectiveHeaders,
    isTrustedProxy,
    onAnswered: config.log.requests && options.shouldLog !== false ? logAnswer : undefined,
  });
  // Before any plugin is registered: a plugin's scope keeps the error handler it was registered
  // under, and /assets/ registered earlier answered a NUL in its address with the framework's 500.
  app.setErrorHandler(async (error, request, reply) => {
    await sendError(request, reply, describeError(error, request), renderErrorPage);
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(protectiveHeaders);
    const isHostMissing = request.raw.httpVersion !== '1.0' && request.headers.host === undefined;
    const boundary = boundaryProblem(request.headers['content-type']);
    if (isHostMissing) done(Errors.HOST_MISSING());
    else if (boundary)
      done(Errors.VALIDATION_FAILED({ details: [{ field: 'content-type', message: boundary }] }));
    else done(isUnmetExpectation(request.headers.expect) ? expectationFailed() : undefined);
  });
  await app.register(bodyDeadline, {
    graceMs: server.bodyTimeoutSeconds * 1000,
    minBytesPerSecond: server.minBodyKilobytesPerSecond * 1024,
    headersTimeoutMs: server.headersTimeoutSeconds * 1000,
    headers: protectiveHeaders,
  });
  await app.register(inputGuard);
  // JSON is counted before it is parsed: parsing a body of 300,000 tiny values is itself the cost.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (jsonValuesOver(body, MAX_BODY_VALUES)) done(tooManyFields(MAX_BODY_VALUES), undefined);
    else parseJson(request, body.toString('utf8'), done);
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (_request, body: Buffer, done) => {
      let fields: ReturnType<typeof parseFormBody>;
      try {
        fields = parseFormBody(body);
      } catch (error) {
        done(error as Error, undefined);
        return;
      }
      done(null, fields);
    },
  );
  await app.register(assetRoutes);

  // A declaration, hoisted: the error handlers above are set up before it.
  async function renderErrorPage(described: { status: number; message: string }, requestId: string) {
    const site = await reader.site();
    return layout(
      site,
      {
        title: errorTitle(described.status),
        description: described.message,
        canonicalUrl: `${site.siteUrl}/`,
        noIndex: true,
      },
      assets,
      errorView(described.status, described.message, described.status >= 500 ? requestId : undefined),
    ).value;
  }

  const redirectCacheControl = `public, max-age=${config.cache.httpMaxAge}`;
  app.setNotFoundHandler(async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const path = request.url.split('?')[0] ?? '/';
      let decoded = path;
      try {
        decoded = decodeURI(path);
      } catch {
        // A malformed escape is simply not a known redirect.
      }
      const address = await reader.oldAddress(trimEndOf(decoded, '/') || '/');
      // Feed readers poll old feed addresses: an HTTP cache may answer them for as long as a page.
      if (address?.kind === 'moved')
        return reply.header('cache-control', redirectCacheControl).redirect(address.to, 301);
      // A deleted article: readers (and search engines) are told it is gone for good.
      if (address?.kind === 'gone') {
        await sendError(request, reply, describeError(Errors.GONE(), request), renderErrorPage);
        return;
      }
    }
    await sendError(request, reply, describeError(Errors.NOT_FOUND(), request), renderErrorPage);
  });

  // Load balancers and monitors read the status code: 503 takes this process out of rotation.
  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ok') }),
          503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      try {
        await withinTime(wiring.store.ping(), HEALTH_CHECK_TIMEOUT_MS);
      } catch (err) {
        request.log.error({ err }, 'health check: the database is not answering');
        return reply
          .code(503)
          .header('cache-control', 'no-store')
          .send({ status: 'unavailable' as const, database: 'not answering' });
      }
      return { status: 'ok' as const };
    },
  );

  await registerMedia(app, web.mediaStore);
  await app.register(adminPlugin, { ctx: wiring, reader });
  await app.register(discoveryRoutes, {
    wiring,
    discovery,
    reader,
    cache,
    assets,
    httpMaxAge: config.cache.httpMaxAge,
    answers,
  });
  await app.register(webmentionRoutes, {
    ctx: wiring,
    rateLimitPerMinute: config.webmention.rateLimitPerMinute,
    maxWaiting: config.webmention.maxWaiting,
  });
  await app.register(reprintRoutes, {
    ctx: wiring,
    reader,
    assets,
    rateLimitPerMinute: config.reprint.rateLimitPerMinute,
    dailyPerAddress: config.reprint.dailyPerAddress,
  });
  await app.register(commentRoutes, {
    ctx: wiring,
    reader,
    assets,
    rateLimitPerMinute: config.comments.rateLimitPerMinute,
    limits: {
      hourlyPerMember: config.comments.hourlyPerMember,
      hourlyPerAddress: config.comments.hourlyPerAddress,
      digestMinutes: config.comments.digestMinutes,
    },
  });
  await app.register(memberRoutes, {
    ctx: wiring,
    reader,
    assets,
    rateLimitPerMinute: config.members.rateLimitPerMinute,
  });
  await app.register(newsletterRoutes, {
    ctx: wiring,
    reader,
    assets,
    bounceWebhookSecret: config.newsletter.bounceWebhookSecret,
    rateLimitPerMinute: config.newsletter.unsubscribeRateLimitPerMinute,
  });
  await app.register(trackerRoutes, { image: trackingImage });
  await app.register(legacyRedirects, { reader, cacheControl: redirectCacheControl });
  await app.register(readerRoutes, {
    reader,
    cache,
    assets,
    answers,
    discovery,
    siteUrl: wiring.siteUrl,
    readerFor: readerForSessions(wiring.memberReader, memberCookieName(wiring.siteUrl)),
  });
  return app;
}

/**
 * How long /healthz waits for the database. A database that hangs (a stalled network, every
 * connection held by long work) must read as down, not leave the monitor's request hanging.
 */
const HEALTH_CHECK_TIMEOUT_MS = 2000;

/** The promise's outcome, or a rejection once `ms` pass without one. */
function withinTime(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // The late outcome of work abandoned after the timeout is of no interest.
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

declare module 'fastify' {
  interface FastifyInstance {
    pageCache: PageCache;
    /** The republication tracker's counter (tests and benchmarks flush it). */
    tracker: RepublicationTracker;
    /** The read counter (tests flush it). */
    viewCounter: ViewCounter;
  }
}
