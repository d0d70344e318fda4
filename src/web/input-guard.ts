import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { stripXmlForbidden } from '../domain/text.ts';
import type { FieldError } from '../errors.ts';
import { Errors } from '../errors.ts';
import { tooManyFields } from './form-body.ts';

const ENCODED_NUL = /%00/i;

/**
 * Fields whose exact bytes matter: never rewritten, only checked for NUL. Addresses are among
 * them: a control character inside one is refused by its validation (domain/url.ts), never
 * silently removed to leave a different address than the one typed.
 */
const VERBATIM_FIELDS =
  /password|_csrf|token|url$|website$|photo$|featured_image$|social_image$|redirect_to$|^links$/i;

function nulRefused(field: string) {
  return Errors.VALIDATION_FAILED({
    details: [{ field, message: 'contains a NUL character, which is not allowed' }],
  });
}

/**
 * How deep a body's lists and objects may nest. Ours nest two or three levels; JSON nested
 * thousands deep (a few kilobytes of "[") overflowed the stack of every walk over it, a 500.
 */
const MAX_BODY_DEPTH = 32;

/**
 * Walks a parsed body: refuses a NUL anywhere (400 naming the field) and nesting deeper than
 * MAX_BODY_DEPTH, and strips the other characters XML 1.0 forbids from text fields, so nothing
 * stored can break a feed or sitemap.
 */
/**
 * How many values (strings, numbers, lists and objects alike) a body may hold, counted as it is
 * walked. JSON of 36,000 small objects in 850 KB cost the walk 150 ms of the event loop.
 */
export const MAX_BODY_VALUES = 10_000;

function cleanBody(
  value: unknown,
  field: string,
  depth = 0,
  nuls?: FieldError[],
  seen: { values: number } = { values: 0 },
): unknown {
  if (++seen.values > MAX_BODY_VALUES) throw tooManyFields(MAX_BODY_VALUES);
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      if (!nuls) throw nulRefused(field);
      // A form's field: said by the field when the form is shown again, with the rest as typed.
      const name = field.replace(/\[\d+\]$/, '');
      if (!nuls.some((e) => e.field === name))
        nuls.push({ field: name, message: 'contains a NUL character, which is not allowed' });
      const kept = value.replaceAll('\u0000', '');
      return VERBATIM_FIELDS.test(field) ? kept : stripXmlForbidden(kept);
    }
    return VERBATIM_FIELDS.test(field) ? value : stripXmlForbidden(value);
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (depth >= MAX_BODY_DEPTH) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field, message: `nests lists or objects more than ${MAX_BODY_DEPTH} levels deep` }],
    });
  }
  if (Array.isArray(value))
    return value.map((item, i) => cleanBody(item, `${field}[${i}]`, depth + 1, nuls, seen));
  const object = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(object)) {
    object[key] = cleanBody(item, field === 'body' ? key : `${field}.${key}`, depth + 1, nuls, seen);
  }
  return value;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route is a list whose query holds filters: a filter given twice counts with its last
     * value, and one holding a NUL is dropped and reported by its field (listQueryProblems), so
     * the list is shown with a message by the field rather than an error page.
     */
    listQuery?: boolean;
    /**
     * The route is a form shown again when refused (formRoute): a field holding a NUL is not
     * an error page but that field's problem (formInputProblems), taken out of what was sent.
     */
    isForm?: boolean;
  }
}

/** Fields of a form's body the guard found a NUL in, by the body it left. */
const formNuls = new WeakMap<object, FieldError[]>();

/** The fields of a form's body that held a NUL (see isForm): the form shows them as its errors. */
export function formInputProblems(body: unknown): FieldError[] {
  return body !== null && typeof body === 'object' ? (formNuls.get(body) ?? []) : [];
}

/** What the guard took out of a list's query, by the query it left: messages and values as typed. */
const listQueryDropped = new WeakMap<object, { errors: FieldError[]; typed: Record<string, string> }>();

/** The filters the guard dropped from a list's query (see listQuery), with what was typed in them. */
export function listQueryProblems(query: object): { errors: FieldError[]; typed: Record<string, string> } {
  return listQueryDropped.get(query) ?? { errors: [], typed: {} };
}

/**
 * A list's query as its filters read it: a repeated key ("?status=draft&status=review") keeps its
 * last value, and a value holding a NUL is taken out and remembered as that field's problem.
 * Anything but the query with a NUL is refused as on every route.
 */
function foldListQuery(request: FastifyRequest): void {
  const at = request.url.indexOf('?');
  const path = at === -1 ? request.url : request.url.slice(0, at);
  if (ENCODED_NUL.test(path) || path.includes('\u0000')) throw nulRefused('address');
  const query = request.query as Record<string, unknown> | null;
  if (query === null || typeof query !== 'object') return;
  const errors: FieldError[] = [];
  const typed: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (key.includes('\u0000')) {
      delete query[key];
    } else if (typeof last === 'string' && last.includes('\u0000')) {
      delete query[key];
      errors.push({ field: key, message: 'contains a NUL character, which is not allowed' });
      typed[key] = last.replaceAll('\u0000', '');
    } else {
      query[key] = last;
    }
  }
  if (errors.length > 0) listQueryDropped.set(query, { errors, typed });
}

type NumberKind = 'integer' | 'number';

// The properties of a route's schema part that are numbers, or lists of numbers, by name.
const numericFields = new WeakMap<object, Map<string, NumberKind>>();

function numericPropertiesOf(schema: unknown): Map<string, NumberKind> {
  if (schema === null || typeof schema !== 'object') return new Map();
  const known = numericFields.get(schema);
  if (known) return known;
  const found = new Map<string, NumberKind>();
  const properties = (
    schema as { properties?: Record<string, { type?: unknown; items?: { type?: unknown } }> }
  ).properties;
  for (const [name, property] of Object.entries(properties ?? {})) {
    const type = property.type === 'array' ? property.items?.type : property.type;
    if (type === 'integer' || type === 'number') found.set(name, type);
  }
  numericFields.set(schema, found);
  return found;
}

const PLAIN_NUMBER: Record<NumberKind, RegExp> = {
  integer: /^(?:0|-?[1-9][0-9]*)$/,
  number: /^(?:0|-?[1-9][0-9]*)(?:\.[0-9]+)?$|^-?0\.[0-9]+$/,
};

/**
 * Route schemas coerce text to the numbers they declare as JavaScript reads them, so
 * "/admin/articles/0x1", "1e0", "01", " 1" and "1.0" would all open article 1 (and "?page=0x2"
 * show page 2). A number in an address, a query or a form must be written in plain decimal
 * digits, and finite ("1e309" and 400 nines would become Infinity, which passes ajv's integer
 * and maximum checks and then breaks a query); anything else is a 400 naming the field, for
 * every route. Query values no schema declares a number (a cache-busting `?v=716492e304`, a
 * tracker's `?fbclid=9e999`) are none of its business.
 */
function refuseDisguisedNumbers(part: unknown, schema: unknown): void {
  if (part === null || typeof part !== 'object') return;
  for (const [name, kind] of numericPropertiesOf(schema)) {
    for (const item of [(part as Record<string, unknown>)[name]].flat()) {
      // Plain digits can still be too many for a number ("9" × 400 reads as Infinity).
      if (typeof item === 'string' && (!PLAIN_NUMBER[kind].test(item) || !Number.isFinite(Number(item)))) {
        throw Errors.VALIDATION_FAILED({
          details: [
            {
              field: name,
              message:
                kind === 'integer'
                  ? 'must be a whole number in plain digits'
                  : 'must be a number in plain digits',
            },
          ],
        });
      }
    }
  }
}

/**
 * One guard for every route: a NUL byte in the address or in a submitted field is a clear 400
 * (PostgreSQL cannot store one, and no legitimate text contains one), whatever the route, and so
 * is a number its schema declares that is not written in plain digits.
 */
export const inputGuard = fp(
  async (app: FastifyInstance) => {
    // preValidation rather than onRequest: by then cookies and sessions are read, so the error
    // page can be rendered as usual (the admin's needs its CSRF cookie).
    app.addHook('preValidation', async (request) => {
      if (request.routeOptions.config.listQuery) foldListQuery(request);
      else if (ENCODED_NUL.test(request.url) || request.url.includes('\u0000')) throw nulRefused('address');
      const schema = request.routeOptions.schema;
      if (schema) {
        refuseDisguisedNumbers(request.params, schema.params);
        refuseDisguisedNumbers(request.query, schema.querystring);
        refuseDisguisedNumbers(request.body, schema.body);
      }
      guardBody(request);
    });
  },
  { name: 'pressroom-input-guard' },
);

/**
 * The guard's check of a request's fields: a NUL refused (or, in a signed-in sender's form, said
 * by its field), the characters XML forbids stripped, deep nesting refused. The guard runs it on
 * every body; a multipart scope runs it again once its own hook has put the fields in the body,
 * which happens after the guard's.
 */
export function guardBody(request: FastifyRequest): void {
  if (request.body === undefined || request.body === null) return;
  // Only a signed-in sender's form is shown again: a visitor's (sign-in, reset) gets the 400,
  // before its CSRF token is even looked at.
  const isForm =
    request.routeOptions.config.isForm === true &&
    typeof request.body === 'object' &&
    Boolean((request as { admin?: unknown }).admin);
  const nuls: FieldError[] = [];
  cleanBody(request.body, 'body', 0, isForm ? nuls : undefined);
  if (nuls.length > 0) formNuls.set(request.body as object, nuls);
}
