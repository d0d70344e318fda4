import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './config.ts';
import { isAppError } from './errors.ts';

test('a wrong choice of value names the allowed values once', () => {
  assert.throws(
    () => loadConfig({ env: { PRESSROOM_LOG__LEVEL: 'loud' } }),
    (error: unknown) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.deepEqual(error.details, [
        { field: 'log.level', message: 'must be one of fatal, error, warn, info, debug, trace, silent' },
      ]);
      return true;
    },
  );
});

test('a port that is not a number is named by field', () => {
  assert.throws(
    () => loadConfig({ env: { PORT: 'abc' } }),
    (error: unknown) => isAppError(error) && /server\.port/.test(error.message),
  );
});

const problemsOf = (load: () => unknown): Array<{ field: string; message: string }> => {
  try {
    load();
  } catch (error) {
    assert.ok(isAppError(error));
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.details as Array<{ field: string; message: string }>;
  }
  assert.fail('the configuration was accepted');
};

test('refuses a misspelt environment variable, naming it and the likely intended one', () => {
  assert.deepEqual(
    problemsOf(() => loadConfig({ env: { PRESSROOM_CAHCE__MAX_PAGES: '5' } })),
    [
      {
        field: 'PRESSROOM_CAHCE__MAX_PAGES',
        message: 'is not a setting (did you mean PRESSROOM_CACHE__MAX_PAGES?)',
      },
    ],
  );
  assert.deepEqual(
    problemsOf(() => loadConfig({ env: { PRESSROOM_CACHE_MAX_PAGES: '5' } })),
    [
      {
        field: 'PRESSROOM_CACHE_MAX_PAGES',
        message: 'is not a setting (did you mean PRESSROOM_CACHE__MAX_PAGES?)',
      },
    ],
  );
  assert.deepEqual(
    problemsOf(() => loadConfig({ env: { PRESSROOM_COLOUR__SCHEME: 'dark' } })),
    [{ field: 'PRESSROOM_COLOUR__SCHEME', message: 'is not a setting' }],
  );
});

test('accepts every setting by its environment name, and the variables that are not settings', () => {
  const config = loadConfig({
    env: {
      PRESSROOM_CACHE__MAX_PAGES: '5',
      PRESSROOM_AUTH__FORM_RATE_LIMIT_PER_MINUTE: '7',
      PRESSROOM_PASSWORD: 'not a setting, read by user create',
      PRESSROOM_DATA: '/tmp/x',
      OTHER_PROGRAM__SETTING: 'ignored',
    },
  });
  assert.equal(config.cache.maxPages, 5);
  assert.equal(config.auth.formRateLimitPerMinute, 7);
  assert.equal(config.data.dir, '/tmp/x');
});

test('refuses unknown keys of the settings file, naming the file, key and likely intended key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-config-'));
  try {
    const file = path.join(dir, 'pressroom.config.json');
    writeFileSync(
      file,
      JSON.stringify({ cahce: { maxPages: 3 }, port: 9000, server: { prot: 1, host: 'h' } }),
    );
    assert.deepEqual(
      problemsOf(() => loadConfig({ env: {}, file })),
      [
        { field: 'cahce.maxPages', message: `is not a setting (in ${file}; did you mean cache.maxPages?)` },
        { field: 'port', message: `is not a setting (in ${file}; did you mean server.port?)` },
        { field: 'server.prot', message: `is not a setting (in ${file}; did you mean server.port?)` },
      ],
    );
    writeFileSync(file, JSON.stringify({ server: { port: 9000 } }));
    assert.equal(loadConfig({ env: {}, file }).server.port, 9000);
    writeFileSync(file, '[1, 2]');
    assert.throws(
      () => loadConfig({ env: {}, file }),
      (error: unknown) => isAppError(error) && /must hold one JSON object/.test(error.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty value for a number or a flag is refused, not read as 0 or false', () => {
  // Converted as it is, an empty PORT listened on any free port while announcing port 0.
  assert.deepEqual(
    problemsOf(() =>
      loadConfig({ env: { PORT: '', PRESSROOM_DEMO__SEED_ON_FIRST_RUN: ' ' }, file: undefined }),
    ),
    [
      { field: 'server.port', message: 'is empty: give a value, or leave it unset for the default' },
      { field: 'demo.seedOnFirstRun', message: 'is empty: give a value, or leave it unset for the default' },
    ],
  );
  // Empty text settings keep their meaning (no public URL given, no mail server).
  const config = loadConfig({ env: { SITE_URL: '', PRESSROOM_MAIL__HOST: '' }, file: undefined });
  assert.equal(config.site.url, '');
  assert.equal(config.server.port, 8080);
});

test('a section named like a property every object has is refused like any unknown name', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-config-'));
  try {
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, '{"__proto__": {"port": 1}, "toString": 5, "server": {"port": 8081}}');
    assert.deepEqual(
      problemsOf(() => loadConfig({ env: {}, file })).map((p) => p.field),
      ['__proto__.port', 'toString'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trusted proxies: a list of addresses and ranges, each bad entry named at start, and only with trustProxy on', () => {
  const config = loadConfig({
    env: {
      PRESSROOM_SERVER__TRUST_PROXY: 'true',
      PRESSROOM_SERVER__TRUSTED_PROXIES: '203.0.113.7, 198.51.100.0/24',
    },
  });
  assert.equal(config.server.trustedProxies, '203.0.113.7, 198.51.100.0/24');
  assert.equal(loadConfig({ env: {} }).server.trustedProxies, '');
  assert.deepEqual(
    problemsOf(() =>
      loadConfig({
        env: {
          PRESSROOM_SERVER__TRUST_PROXY: 'true',
          PRESSROOM_SERVER__TRUSTED_PROXIES: '203.0.113.7, 10.0.0.0/40, cdn.example',
        },
      }),
    ),
    [
      {
        field: 'server.trustedProxies',
        message:
          '“10.0.0.0/40” and “cdn.example” are not IP addresses or ranges: list addresses and CIDR ranges, separated by commas, such as 203.0.113.7, 198.51.100.0/24, 2001:db8::/32',
      },
    ],
  );
  assert.deepEqual(
    problemsOf(() => loadConfig({ env: { PRESSROOM_SERVER__TRUSTED_PROXIES: '203.0.113.7' } })),
    [
      {
        field: 'server.trustedProxies',
        message:
          'lists proxies, but server.trustProxy is off: set it too (PRESSROOM_SERVER__TRUST_PROXY=true)',
      },
    ],
  );
});
