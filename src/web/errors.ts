import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, isAppError } from '../errors.ts';
import { escapeHtml } from './views/html.ts';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  not_found: 404,
  gone: 410,
  invalid: 400,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  throttled: 429,
};

export interface ErrorReply {
  status: number;
  code: string;
  message: string;
  details?: { field: string; message: string }[];
  /** For a 429: seconds the client should wait. */
  retryAfterSeconds?: number;
}

/** Turns anything thrown in a handler into what the user may see. Bugs are logged in full, shown as an id. */
export function describeError(error: unknown, request: FastifyRequest): ErrorReply {
  if (isAppError(error)) {
    // The reader is told the database or the disk is unavailable; the operator needs the why.
    if (error.kind === 'unavailable' && error.cause !== undefined)
      request.log.error({ err: error.cause, code: error.code }, error.message);
    return {
      status: STATUS_BY_KIND[error.kind],
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const details = fastifyError.validation.map((v) => ({
      field: (
        v.instancePath ||
        (v.params as { missingProperty?: string }).missingProperty ||
        fastifyError.validationContext ||
        'request'
      ).replace(/^\//, ''),
      message: v.message ?? 'is invalid',
    }));
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: `Invalid ${fastifyError.validationContext ?? 'request'}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    };
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return {
      status: fastifyError.statusCode,
      code: fastifyError.code ?? 'BAD_REQUEST',
      message: fastifyError.message,
    };
  }
  request.log.error({ err: error }, 'unhandled error');
  return { status: 500, code: 'INTERNAL', message: 'Something went wrong.' };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers only JSON (to the editor's scripts), so its errors are JSON too. */
    isJsonOnly?: boolean;
  }
}

export function wantsJson(request: FastifyRequest): boolean {
  return (
    request.url.startsWith('/api/') ||
    request.routeOptions.config?.isJsonOnly === true ||
    (request.headers.accept ?? '').startsWith('application/json')
  );
}

/** What a 429 asks clients to wait when the refusal does not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** What a 503 asks clients to wait before trying again. */
export const RETRY_AFTER_SECONDS = 30;
const BUSY_RETRY_AFTER_SECONDS = 5;
const BUSY_WITH_LONG_TEXTS = new Set<string>(['EDITOR_BUSY', 'RENDER_BUSY', 'LARGE_REQUESTS_BUSY']);

export type ErrorPageRenderer = (reply: ErrorReply, requestId: string) => Promise<string>;

export async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  described: ErrorReply,
  renderPage: ErrorPageRenderer,
): Promise<void> {
  reply.code(described.status).header('cache-control', 'no-store');
  // Unavailable is a state that passes (a database restarting, a disk being freed): clients and
  // crawlers may come back, and should.
  if (described.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  // Long texts wait for others' to finish, a matter of seconds: the editor may try again soon.
  if (BUSY_WITH_LONG_TEXTS.has(described.code)) reply.header('retry-after', String(BUSY_RETRY_AFTER_SECONDS));
  // Every refusal for sending too much says when to come back (the rate limiter sets its own).
  if (described.status === 429 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', String(described.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS));
  if (wantsJson(request)) {
    await reply.send({
      code: described.code,
      message: described.message,
      ...(described.details ? { details: described.details } : {}),
      requestId: request.id,
    });
    return;
  }
  let page: string;
  try {
    page = await renderPage(described, request.id);
  } catch (err) {
    // The page around the message reads the site's settings: with the database down it cannot
    // be built, and the framework's fallback would show the database's own error to the reader.
    request.log.error({ err }, 'the error page could not be rendered');
    page = plainErrorPage(described, request.id);
  }
  await reply.type('text/html; charset=utf-8').send(page);
}

/** The heading of an error page. */
export function errorTitle(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 410) return 'This page has been removed';
  if (status === 503) return 'Temporarily unavailable';
  return status < 500 ? 'That did not work' : 'Something went wrong';
}

/** An error page that needs nothing but the message: no settings, no layout. */
export function plainErrorPage(described: ErrorReply, requestId: string): string {
  const reference = described.status >= 500 ? `<p>Reference: <code>${escapeHtml(requestId)}</code></p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Error</title></head>
<body><main><h1>${errorTitle(described.status)}</h1><p>${escapeHtml(described.message)}</p>${reference}</main></body></html>
`;
}

const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    message:
      'The request’s address or headers are too long. Shorten the address, or clear this site’s cookies.',
  },
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * The whole HTTP answer to a request Node's parser refused before any route saw it (headers too
 * large, a malformed request line, a request too slow to arrive): an error page (JSON for the
 * API) with the same protective headers as every other answer.
 */
export function clientErrorAnswer(
  error: { code?: string; rawPacket?: unknown },
  headers: Readonly<Record<string, string>>,
): string {
  const known = (error.code && CLIENT_ERRORS[error.code]) || {
    status: 400,
    message: 'The request could not be read: it is not well-formed HTTP.',
  };
  const { status, message } = known;
  const code =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : status === 408
        ? 'REQUEST_TIMEOUT'
        : 'BAD_REQUEST';
  // The request line, when the parser got that far, says whether an API client is asking.
  const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.subarray(0, 64).toString('latin1') : '';
  const isApi = /^[A-Z]+ \/api\//.test(packet);
  const body = isApi ? JSON.stringify({ code, message }) : plainErrorPage({ status, code, message }, '');
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'cache-control: no-store',
    `content-type: ${isApi ? 'application/json' : 'text/html'}; charset=utf-8`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Messages for the errors the router raises before any route runs. */
export function frameworkErrorMessage(code: string | undefined): string | undefined {
  if (code === 'FST_ERR_BAD_URL')
    return 'This address is malformed: a “%” in it is not followed by a valid escape. Check the link.';
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return 'This address is too long. Check the link.';
  return undefined;
}
