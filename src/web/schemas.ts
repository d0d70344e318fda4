/**
 * Route schemas shared by the web routes. Every route declares its params, query and body (and
 * for JSON replies, its response) with TypeBox; the type provider gives handlers typed values,
 * so no handler casts what it receives. Fastify's validator coerces form and query strings to the
 * declared types ("3" to 3, one value to a one-item list), and refuses what does not fit with a
 * 400 that names the field.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  FastifyServerOptions,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import Type from 'typebox';

/** A Fastify instance whose routes infer request types from their TypeBox schemas. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The request a handler of a route with schema S receives: params, query and body typed. */
export type TypedRequest<S extends FastifySchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  S,
  TypeBoxTypeProvider
>;

/** The reply of a route with schema S (its send is typed by the response schema). */
export type TypedReply<S extends FastifySchema> = FastifyReply<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  ContextConfigDefault,
  S,
  TypeBoxTypeProvider
>;

/**
 * An Ajv plugin adding the `finite` keyword. Ajv coerces the text "1e309" to Infinity for an
 * integer and then skips its range checks, which only look at finite numbers; `finite: true`
 * refuses such a value, so it is a 400 rather than a database error.
 */
export const finiteNumbers: AjvPlugin = (ajv) => {
  ajv.addKeyword({
    keyword: 'finite',
    // Not limited to `type: 'number'`: Ajv guards that group with isFinite, so it would never see Infinity.
    schemaType: 'boolean',
    errors: false,
    validate: (isOn: boolean, data: unknown) => !isOn || typeof data !== 'number' || Number.isFinite(data),
  });
  return ajv;
};

type AjvPlugin = Extract<
  NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number],
  (...args: never[]) => unknown
>;

/** A database id in a path or a form: a positive integer (so "abc", "-1" or "1e309" is a 400, never a 500). */
export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647, finite: true });

export const IdParams = Type.Object({ id: Id });

/** A 1-based page number; "1e309", "0" or "-1" are refused with a 400. */
export const PageNumber = Type.Integer({ minimum: 1, maximum: 100_000, finite: true });

/** An optional form or query text field (a missing field, an unchecked checkbox). */
export const OptionalText = Type.Optional(Type.String());

/** A field a form may repeat (several authors, several terms): one value becomes a one-item list. */
export const RepeatedText = Type.Optional(Type.Array(Type.String()));

/** The "?notice=saved" a redirect after a successful POST carries. */
export const NoticeQuery = Type.Object({ notice: OptionalText });
