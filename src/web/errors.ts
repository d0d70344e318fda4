import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, Errors, isAppError } from '../errors.ts';
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
  // Before the refusals: the framework gives a body cut off by its sender a 400 of its own.
  if (isClientGone(fastifyError, request)) {
    // A closed tab or a dropped network in the middle of a body: no one reads the answer, and
    // nothing here went wrong: no stack either.
    request.log.info(
      { code: fastifyError.code ?? null },
      'the client closed the connection before its request arrived whole',
    );
    return describeError(Errors.REQUEST_INCOMPLETE(), request);
  }
  const refusal = requestRefusalOf(fastifyError, request);
  if (refusal) return refusal;
  request.log.error({ err: error }, 'unhandled error');
  return requestError('INTERNAL');
}

interface RequestErrorEntry {
  status: number;
  message: string;
  /** The part of the request at fault, as the field the answer's details name. */
  field?: string;
}

/**
 * Refusals of a request as HTTP, before a route's handler runs: by Node's HTTP parser, the
 * router, the body parsers, the rate limiter. The framework raises them under its own codes
 * (`FST_ERR_CTP_BODY_TOO_LARGE`…) and words; we answer them under these, which
 * docs/errors.md lists. A code always has the one status given here.
 */
export const REQUEST_ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request could not be read: it is not well-formed HTTP.' },
  ADDRESS_MALFORMED: {
    status: 400,
    message: 'This address is malformed: a “%” in it is not followed by a valid escape. Check the link.',
    field: 'address',
  },
  ADDRESS_TOO_LONG: { status: 414, message: 'This address is too long. Check the link.', field: 'address' },
  HEADERS_TOO_LARGE: {
    status: 431,
    message:
      'The request’s address or headers are too long. Shorten the address, or clear this site’s cookies.',
  },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  BODY_TYPE_UNSUPPORTED: {
    status: 415,
    message:
      'This address does not read a body of that type: send a form (application/x-www-form-urlencoded, or multipart/form-data for an upload), or JSON where the address takes JSON.',
    field: 'content-type',
  },
  BODY_TOO_LARGE: {
    status: 413,
    message: 'The request’s body is larger than this address takes.',
    field: 'body',
  },
  BODY_LENGTH_MISMATCH: {
    status: 400,
    message: 'The request’s body is not as long as its Content-Length header says.',
    field: 'content-length',
  },
  BODY_EMPTY: {
    status: 400,
    message: 'The request’s body is empty, but its type says it is JSON.',
    field: 'body',
  },
  BODY_NOT_JSON: {
    status: 400,
    message: 'The request’s body is not valid JSON, though its type says it is.',
    field: 'body',
  },
  BODY_MALFORMED: {
    status: 400,
    message: 'The request’s body could not be read: it is cut short or not in the form its type says.',
    field: 'body',
  },
  EXPECTATION_FAILED: {
    status: 417,
    message:
      'This server does not meet the request’s Expect header: the only expectation it understands is “100-continue”. Send the request without it.',
    field: 'expect',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    message: 'Too many attempts from your address. Wait a minute and try again.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong.' },
} satisfies Record<string, RequestErrorEntry>;

export type RequestErrorCode = keyof typeof REQUEST_ERRORS;

/** The answer for a request refused as HTTP. */
export function requestError(code: RequestErrorCode, message?: string): ErrorReply {
  const entry: RequestErrorEntry = REQUEST_ERRORS[code];
  const shown = message ?? entry.message;
  return {
    status: entry.status,
    code,
    message: shown,
    ...(entry.field ? { details: [{ field: entry.field, message: shown }] } : {}),
  };
}

/** The framework's and its plugins' codes for refusals (and the one raised here), and ours for each. */
const FRAMEWORK_CODES: Record<string, RequestErrorCode> = {
  FST_ERR_BAD_URL: 'ADDRESS_MALFORMED',
  FST_ERR_MAX_PARAM_LENGTH: 'ADDRESS_TOO_LONG',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BODY_TYPE_UNSUPPORTED',
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: 'BODY_TYPE_UNSUPPORTED',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'BODY_TYPE_UNSUPPORTED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_PARTS_LIMIT: 'BODY_TOO_LARGE',
  FST_FILES_LIMIT: 'BODY_TOO_LARGE',
  FST_FIELDS_LIMIT: 'BODY_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_LENGTH_MISMATCH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_EMPTY',
  FST_ERR_ROUTE_MISSING_CONTENT: 'BODY_EMPTY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_NOT_JSON',
  FST_INVALID_JSON_FIELD_ERROR: 'BODY_NOT_JSON',
  FST_PROTO_VIOLATION: 'BODY_MALFORMED',
  FST_MP_PREMATURE_CLOSE: 'BODY_MALFORMED',
  PRESSROOM_EXPECTATION_UNMET: 'EXPECTATION_FAILED',
};

/** The refusal of a request whose Expect header asks for what no route can promise. */
export function expectationFailed(): Error {
  return Object.assign(new Error('Expect header not understood'), {
    code: 'PRESSROOM_EXPECTATION_UNMET',
    statusCode: 417,
  });
}

/** For a status the framework or a plugin gave without a code we know. */
const CODES_BY_STATUS: Record<number, RequestErrorCode> = {
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  414: 'ADDRESS_TOO_LONG',
  415: 'BODY_TYPE_UNSUPPORTED',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

/**
 * Our answer to an error the framework, a plugin or the HTTP parser raised for a request it
 * refused (a 4xx), or undefined for anything else. Never its code or words: they name its
 * internals, and a client could not tell them from ours.
 */
function requestRefusalOf(error: FastifyError, request: FastifyRequest): ErrorReply | undefined {
  const status = error.statusCode;
  const known = error.code ? FRAMEWORK_CODES[error.code] : undefined;
  if (!known && (typeof status !== 'number' || status < 400 || status >= 500)) return undefined;
  const code = known ?? CODES_BY_STATUS[status ?? 400] ?? 'BAD_REQUEST';
  // A refusal not mapped yet is answered as a bad request, and told to the operator.
  if (!known && error.code) request.log.warn({ code: error.code, status }, 'a refusal with no code of ours');
  const tooMany = error.code ? TOO_MANY_PARTS[error.code] : undefined;
  if (tooMany) return requestError(code, tooMany);
  if (code === 'BODY_TOO_LARGE' && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit;
    if (typeof limit === 'number')
      return requestError(
        code,
        `The request’s body is larger than this address takes (${sizeOf(limit)} at most).`,
      );
  }
  return requestError(code);
}

/** What a multipart form had too many of: its size was not the trouble. */
const TOO_MANY_PARTS: Record<string, string> = {
  FST_PARTS_LIMIT:
    'The request sends more form fields and files than this address takes: send only the form’s own.',
  FST_FIELDS_LIMIT: 'The request sends more form fields than this address takes: send only the form’s own.',
  FST_FILES_LIMIT: 'The request sends more files than this address takes: send one at a time.',
};

function sizeOf(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Whether the error is the request's own connection closing under it (Node's "aborted"). */
function isClientGone(error: FastifyError, request: FastifyRequest): boolean {
  const isReset = error.code === 'ECONNRESET' || error.code === 'ECONNABORTED' || error.message === 'aborted';
  return isReset && (request.raw.destroyed || request.raw.socket?.destroyed !== false);
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
const BUSY_WITH_LONG_TEXTS = new Set<string>([
  'EDITOR_BUSY',
  'RENDER_BUSY',
  'LARGE_REQUESTS_BUSY',
  'UPLOADS_BUSY',
]);

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
  const code: RequestErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'BAD_REQUEST';
  const { status, message } = REQUEST_ERRORS[code];
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
