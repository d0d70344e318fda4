import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { stripXmlForbidden } from '../domain/text.ts';
import { Errors } from '../errors.ts';

const ENCODED_NUL = /%00/i;

/**
 * Fields whose exact bytes matter: never rewritten, only checked for NUL. Addresses are among
 * them: a control character inside one is refused by its validation (domain/url.ts), never
 * silently removed to leave a different address than the one typed.
 */
const VERBATIM_FIELDS = /password|_csrf|token|url$|website$|photo$|featured_image$/i;

function nulRefused(field: string) {
  return Errors.VALIDATION_FAILED({
    details: [{ field, message: 'contains a NUL character, which is not allowed' }],
  });
}

/**
 * Walks a parsed body: refuses a NUL anywhere (400 naming the field), and strips the other
 * characters XML 1.0 forbids from text fields, so nothing stored can break a feed or sitemap.
 */
function cleanBody(value: unknown, field: string): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw nulRefused(field);
    return VERBATIM_FIELDS.test(field) ? value : stripXmlForbidden(value);
  }
  if (Array.isArray(value)) return value.map((item, i) => cleanBody(item, `${field}[${i}]`));
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const object = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(object)) {
      object[key] = cleanBody(item, field === 'body' ? key : `${field}.${key}`);
    }
  }
  return value;
}

const NUMERIC = /^[-+]?(?:\d|\.\d)[\d.]*(?:e[-+]?\d+)?$/i;

/**
 * Route schemas coerce query strings to numbers, and "1e309" becomes Infinity, which passes
 * ajv's integer and maximum checks and then breaks a query: refuse it here, for every route.
 */
function refuseNonFiniteNumbers(query: unknown): void {
  if (query === null || typeof query !== 'object') return;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    for (const item of [value].flat()) {
      if (typeof item === 'string' && NUMERIC.test(item.trim()) && !Number.isFinite(Number(item))) {
        throw Errors.VALIDATION_FAILED({ details: [{ field: key, message: 'is not a number in range' }] });
      }
    }
  }
}

/**
 * One guard for every route: a NUL byte in the address or in a submitted field is a clear 400
 * (PostgreSQL cannot store one, and no legitimate text contains one), whatever the route.
 */
export const inputGuard = fp(
  async (app: FastifyInstance) => {
    // preValidation rather than onRequest: by then cookies and sessions are read, so the error
    // page can be rendered as usual (the admin's needs its CSRF cookie).
    app.addHook('preValidation', async (request) => {
      if (ENCODED_NUL.test(request.url) || request.url.includes('\u0000')) throw nulRefused('address');
      refuseNonFiniteNumbers(request.query);
      if (request.body !== undefined && request.body !== null) cleanBody(request.body, 'body');
    });
  },
  { name: 'pressroom-input-guard' },
);
