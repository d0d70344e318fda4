/**
 * Checks configuration values against the configuration's schema, converting texts (from the
 * environment) to the numbers and flags the schema asks for and filling in its defaults, in
 * place. It reads the few JSON Schema keywords that schema uses: sections of settings, each an
 * integer, number, text or flag with bounds, or one of a list of texts.
 *
 * Each server process checks its configuration once, at start. Compiling the schema with ajv
 * (as the routes' schemas are) took about 150 ms of each process's start-up, more than loading
 * and checking everything else in the configuration; walking the schema takes well under one.
 * Problems come in ajv's shape, so the messages read as the routes' do.
 */

/** The part of a JSON Schema the configuration uses. */
export interface ValueSchema {
  type?: 'object' | 'integer' | 'number' | 'string' | 'boolean';
  properties?: Record<string, ValueSchema>;
  required?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  const?: unknown;
  anyOf?: ValueSchema[];
}

/** One problem, as ajv reports it: where (a JSON pointer), which keyword, and what it says. */
export interface ValueProblem {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** Checks `data` against `schema`, converting and filling in place; the problems found. */
export function checkValues(schema: ValueSchema, data: Record<string, unknown>): ValueProblem[] {
  const problems: ValueProblem[] = [];
  checkObject(schema, data, '', problems);
  return problems;
}

function checkObject(
  schema: ValueSchema,
  data: Record<string, unknown>,
  path: string,
  problems: ValueProblem[],
): void {
  for (const [key, inner] of Object.entries(schema.properties ?? {})) {
    if (!Object.hasOwn(data, key) && inner.default !== undefined) data[key] = structuredClone(inner.default);
    if (!Object.hasOwn(data, key)) continue;
    const at = `${path}/${key}`;
    if (inner.type === 'object') {
      const value = data[key];
      if (value && typeof value === 'object' && !Array.isArray(value))
        checkObject(inner, value as Record<string, unknown>, at, problems);
      else problems.push(problem(at, 'type', { type: 'object' }, 'must be object'));
      continue;
    }
    data[key] = checkValue(inner, data[key], at, problems);
  }
  for (const key of schema.required ?? [])
    if (!Object.hasOwn(data, key))
      problems.push(
        problem(path, 'required', { missingProperty: key }, `must have required property '${key}'`),
      );
}

/** The value converted to the schema's type, with its problems added to `problems`. */
function checkValue(schema: ValueSchema, given: unknown, at: string, problems: ValueProblem[]): unknown {
  if (schema.anyOf) {
    const choices = schema.anyOf.map((choice) => choice.const);
    if (choices.includes(given)) return given;
    for (const allowedValue of choices)
      problems.push(problem(at, 'const', { allowedValue }, 'must be equal to constant'));
    problems.push(problem(at, 'anyOf', {}, 'must match a schema in anyOf'));
    return given;
  }
  const { type } = schema;
  if (type === undefined) return given;
  const value = converted(type, given);
  if (value === undefined) {
    problems.push(problem(at, 'type', { type }, `must be ${type}`));
    return given;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(bound(at, 'minimum', '>=', schema.minimum));
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      problems.push(bound(at, 'exclusiveMinimum', '>', schema.exclusiveMinimum));
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(bound(at, 'maximum', '<=', schema.maximum));
  }
  if (typeof value === 'string' && schema.minLength !== undefined && [...value].length < schema.minLength)
    problems.push(
      problem(
        at,
        'minLength',
        { limit: schema.minLength },
        `must NOT have fewer than ${schema.minLength} characters`,
      ),
    );
  return value;
}

/**
 * `given` as the type asks, or undefined when it cannot be: texts holding a number become
 * numbers, numbers and flags become texts, and the texts true and false become flags (as ajv's
 * coerceTypes converts them).
 */
function converted(type: NonNullable<ValueSchema['type']>, given: unknown): unknown {
  if (type === 'integer' || type === 'number') {
    const value =
      typeof given === 'number'
        ? given
        : typeof given === 'string' && given.trim() !== '' && Number.isFinite(Number(given))
          ? Number(given)
          : typeof given === 'boolean'
            ? Number(given)
            : undefined;
    if (value === undefined || !Number.isFinite(value)) return undefined;
    return type === 'integer' && !Number.isInteger(value) ? undefined : value;
  }
  if (type === 'string')
    return typeof given === 'string'
      ? given
      : typeof given === 'number' || typeof given === 'boolean'
        ? String(given)
        : undefined;
  if (type === 'boolean') {
    if (typeof given === 'boolean') return given;
    if (given === 'true' || given === 1) return true;
    if (given === 'false' || given === 0) return false;
    return undefined;
  }
  return undefined;
}

function bound(at: string, keyword: string, comparison: string, limit: number): ValueProblem {
  return problem(at, keyword, { comparison, limit }, `must be ${comparison} ${limit}`);
}

function problem(
  instancePath: string,
  keyword: string,
  params: Record<string, unknown>,
  message: string,
): ValueProblem {
  return { instancePath, keyword, params, message };
}
