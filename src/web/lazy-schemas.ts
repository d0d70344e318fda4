import AjvCompiler from '@fastify/ajv-compiler';
import SerializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type Serialize = (data: unknown) => string;

/**
 * Fastify's own schema compilers (ajv for requests, fast-json-stringify for answers), asked to
 * compile a route's schema when the route is first used instead of when the server starts.
 * Compiling every route's schemas up front was about a fifth of start-up; the first request to
 * a route now pays for its own (a few milliseconds), once. Validation and serialization are
 * exactly Fastify's: the same compilers, options and shared schemas.
 */
export function lazySchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerCompiler();
  return {
    compilersFactory: {
      buildValidator: (externalSchemas, options) => {
        const compile = buildValidator(externalSchemas, options);
        return (route): ReturnType<typeof compile> => {
          let compiled: Validate | undefined;
          // Fastify reads a failed validation's errors from the function it was given.
          const validate: Validate = (data) => {
            compiled ??= compile(route) as Validate;
            const result = compiled(data);
            validate.errors = compiled.errors;
            return result;
          };
          // Types aside, Fastify calls it and reads `errors`, as it does ajv's own function.
          return validate as unknown as ReturnType<typeof compile>;
        };
      },
      buildSerializer: (externalSchemas, options) => {
        const compile = buildSerializer(externalSchemas, options);
        return (route) => {
          let compiled: Serialize | undefined;
          return (data: unknown) => {
            compiled ??= compile(route) as Serialize;
            return compiled(data);
          };
        };
      },
    },
  };
}
