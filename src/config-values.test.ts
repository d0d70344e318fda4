import assert from 'node:assert/strict';
import { test } from 'node:test';
import AjvCompiler from '@fastify/ajv-compiler';
import { ConfigSchema } from './config.ts';
import { checkValues, type ValueSchema } from './config-values.ts';

type Raw = Record<string, unknown>;

/** What ajv makes of the same values: the validator the configuration used to be checked by. */
function ajvCheck(data: Raw): { data: Raw; problems: string[] } {
  const validate = AjvCompiler()(
    {},
    { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false, strict: false } },
  )({ schema: ConfigSchema, method: 'GET', url: '/', httpPart: 'body' }) as ((d: unknown) => boolean) & {
    errors?: { instancePath: string; keyword: string; message?: string }[] | null;
  };
  validate(data);
  return {
    data,
    problems: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message}`).sort(),
  };
}

function ours(data: Raw): { data: Raw; problems: string[] } {
  const problems = checkValues(ConfigSchema as ValueSchema, data);
  return { data, problems: problems.map((e) => `${e.instancePath} ${e.keyword} ${e.message}`).sort() };
}

const CASES: Raw[] = [
  {},
  { server: { port: '8081', host: 'example.org', trustProxy: true } },
  { server: { port: 70000 } },
  { server: { port: '8.5' } },
  { server: { port: 'eighty' } },
  { server: { port: -1, workers: 0 } },
  { server: { host: '' } },
  { server: { host: 5 } },
  { server: { trustProxy: 'maybe' } },
  { server: { trustProxy: 'false' } },
  { server: 'not a section' },
  { log: { level: 'loud' } },
  { log: { level: 'debug' } },
  { database: { url: 'sqlite:/tmp/a.db', poolSize: '0' } },
  { cache: { maxPages: '100', maxMegabytes: '0' } },
  { site: { url: 'https://example.org/' }, demo: { seedOnFirstRun: false } },
];

test('checks, converts and fills in the configuration as ajv did, problem for problem', () => {
  for (const given of CASES) {
    const expected = ajvCheck(structuredClone(given));
    const actual = ours(structuredClone(given));
    assert.deepEqual(actual.problems, expected.problems, JSON.stringify(given));
    if (expected.problems.length === 0) assert.deepEqual(actual.data, expected.data, JSON.stringify(given));
  }
});

test('names the field and the bound in its problems', () => {
  assert.deepEqual(
    checkValues(ConfigSchema as ValueSchema, { server: { port: 70000 } }).map((p) => [
      p.instancePath,
      p.message,
    ]),
    [['/server/port', 'must be <= 65535']],
  );
});
