import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Type, { type Static } from 'typebox';
import { checkValues, type ValueSchema } from './config-values.ts';
import { readProxyList } from './domain/proxy-list.ts';
import { trimEndOf } from './domain/text.ts';
import { Errors } from './errors.ts';

const LogLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warn'),
  Type.Literal('info'),
  Type.Literal('debug'),
  Type.Literal('trace'),
  Type.Literal('silent'),
]);

export const ConfigSchema = Type.Object({
  server: Type.Object(
    {
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      host: Type.String({ minLength: 1, default: '127.0.0.1' }),
      /** Trust X-Forwarded-* headers (set when running behind a proxy or load balancer). */
      trustProxy: Type.Boolean({ default: false }),
      /**
       * Proxies to believe as well as those on this machine or a private network, when trustProxy
       * is on: addresses and CIDR ranges separated by commas (a CDN's or a load balancer's).
       */
      trustedProxies: Type.String({ default: '' }),
      /**
       * Server processes sharing the port (Node's cluster): one renders on one core, so a
       * machine with N cores serves uncached pages up to N times faster with N. Each has its own
       * page cache and its own per-process rate limits.
       */
      workers: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
      /** Seconds a client has to send a request's headers. */
      headersTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 20 }),
      /**
       * Seconds a request body may take beyond the time its size allows at minBodyKilobytesPerSecond:
       * a body dribbled slower is cut off with 408, while a large upload gets time in proportion.
       */
      bodyTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 20 }),
      /** The slowest pace, in kilobytes a second, at which a request body is waited for after that grace. */
      minBodyKilobytesPerSecond: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 64 }),
      /** Seconds a connection may be silent both ways (mid-request or mid-response) before it is closed. */
      idleTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
      /** Seconds an idle keep-alive connection is kept for the next request; above a proxy's own. */
      keepAliveTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 72 }),
    },
    { default: {} },
  ),
  database: Type.Object(
    {
      url: Type.String({ minLength: 1, default: 'sqlite:./data/pressroom.db' }),
      /** PostgreSQL pool size per process. */
      poolSize: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
    },
    { default: {} },
  ),
  site: Type.Object(
    {
      /** Public base URL, without trailing slash. Empty means "http://HOST:PORT". */
      url: Type.String({ default: '' }),
    },
    { default: {} },
  ),
  data: Type.Object(
    {
      /** Folder for media, backups and other files. */
      dir: Type.String({ minLength: 1, default: './data' }),
    },
    { default: {} },
  ),
  log: Type.Object(
    {
      level: { ...LogLevel, default: 'info' } as typeof LogLevel,
      pretty: Type.Boolean({ default: false }),
      /** One line per request and per response at info level; turn off when a proxy in front logs them (it costs about a fifth of throughput). */
      requests: Type.Boolean({ default: true }),
    },
    { default: {} },
  ),
  cache: Type.Object(
    {
      /** Rendered pages kept in memory; 0 disables the page cache. */
      maxPages: Type.Integer({ minimum: 0, default: 2000 }),
      /** Memory the page cache may hold, in megabytes, every encoding of every page counted. */
      maxMegabytes: Type.Integer({ minimum: 1, default: 32 }),
      /** Seconds shared caches (a CDN) may keep a reader page (s-maxage); browsers always revalidate. */
      httpMaxAge: Type.Integer({ minimum: 0, default: 60 }),
    },
    { default: {} },
  ),
  mail: Type.Object(
    {
      /** SMTP server; empty means mail is not configured (invitation links are then shown in the admin). */
      host: Type.String({ default: '' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
      /** true for implicit TLS (usually port 465); false uses STARTTLS when the server offers it. */
      secure: Type.Boolean({ default: false }),
      user: Type.String({ default: '' }),
      password: Type.String({ default: '' }),
      from: Type.String({ default: 'Pressroom <pressroom@localhost>' }),
    },
    { default: {} },
  ),
  auth: Type.Object(
    {
      /** A session ends after this many hours without a request... */
      sessionIdleHours: Type.Number({ exclusiveMinimum: 0, default: 72 }),
      /** ...and after this many hours in any case. */
      sessionMaxHours: Type.Number({ exclusiveMinimum: 0, default: 720 }),
      /** Failed logins for one email (or 4x as many from one address) within the window before refusing. */
      loginMaxFailures: Type.Integer({ minimum: 1, default: 5 }),
      loginWindowMinutes: Type.Integer({ minimum: 1, default: 15 }),
      /** Per-process cap on login and password-reset POSTs per client address per minute. */
      formRateLimitPerMinute: Type.Integer({ minimum: 1, default: 30 }),
      /** Megabytes of revisions and images one contributor or author may save in 24 hours (0: no limit). */
      dailyWriteMegabytes: Type.Integer({ minimum: 0, default: 200 }),
    },
    { default: {} },
  ),
  websub: Type.Object(
    {
      /** WebSub hub pinged when a feed changes (e.g. https://pubsubhubbub.appspot.com/); empty: none. */
      hub: Type.String({ default: '' }),
    },
    { default: {} },
  ),
  webmention: Type.Object(
    {
      /**
       * Fetch webmention sources on private, loopback and link-local addresses too. Leave off: a
       * stranger could otherwise make the server read its own network. Tests serve sources locally.
       */
      allowPrivateAddresses: Type.Boolean({ default: false }),
      /** Per-process cap on webmentions received per client address per minute. */
      rateLimitPerMinute: Type.Integer({ minimum: 1, default: 20 }),
      /**
       * Most webmentions waiting to be checked; past it a new one is refused (503) until the queue
       * catches up. Each check of a source that never answers can take the queue 45 s, and
       * senders at many addresses could otherwise keep it busy for hours.
       */
      maxWaiting: Type.Integer({ minimum: 1, default: 200 }),
    },
    { default: {} },
  ),
  reprint: Type.Object(
    {
      /** Per-process cap on reprint and translation requests sent per client address per minute. */
      rateLimitPerMinute: Type.Integer({ minimum: 1, default: 5 }),
      /** Requests one client address may send in 24 hours, counted in the database (0: no limit). */
      dailyPerAddress: Type.Integer({ minimum: 0, default: 10 }),
    },
    { default: {} },
  ),
  comments: Type.Object(
    {
      /** Per-process cap on comment form posts (post, edit, delete) per client address per minute. */
      rateLimitPerMinute: Type.Integer({ minimum: 1, default: 10 }),
      /** Comments one member may post in an hour, counted in the database (0: no limit). */
      hourlyPerMember: Type.Integer({ minimum: 0, default: 20 }),
      /** Comments one client address may post in an hour, counted in the database (0: no limit). */
      hourlyPerAddress: Type.Integer({ minimum: 0, default: 60 }),
      /** Minutes between a held comment and the digest that tells editors of it (and of those held since). */
      digestMinutes: Type.Integer({ minimum: 0, default: 15 }),
    },
    { default: {} },
  ),
  members: Type.Object(
    {
      /** Minutes a mailed sign-in link stays valid. */
      signinLinkMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 30 }),
      /** Hours a mailed sign-up confirmation link stays valid. */
      signupLinkHours: Type.Integer({ minimum: 1, maximum: 720, default: 48 }),
      /** Hours a link confirming a new email address stays valid. */
      emailLinkHours: Type.Integer({ minimum: 1, maximum: 720, default: 48 }),
      /** A member's session ends after this many days without a visit... */
      sessionIdleDays: Type.Number({ exclusiveMinimum: 0, default: 30 }),
      /** ...and after this many days in any case. */
      sessionMaxDays: Type.Number({ exclusiveMinimum: 0, default: 365 }),
      /** Per-process cap on members' form posts (join, sign in, account) per client address per minute. */
      rateLimitPerMinute: Type.Integer({ minimum: 1, default: 10 }),
      /** Links one client address may ask for in 24 hours, counted in the database (0: no limit). */
      dailyLinksPerAddress: Type.Integer({ minimum: 0, default: 30 }),
      /** Links one email address may be sent in 24 hours, counted in the database (0: no limit). */
      dailyLinksPerEmail: Type.Integer({ minimum: 0, default: 5 }),
    },
    { default: {} },
  ),
  newsletter: Type.Object(
    {
      /** Messages per second sent to the SMTP server across its connections (0: as fast as it takes them). */
      messagesPerSecond: Type.Number({ minimum: 0, default: 100 }),
      /** SMTP connections held open for newsletters (nodemailer's pool). */
      connections: Type.Integer({ minimum: 1, maximum: 50, default: 5 }),
      /** Deliveries claimed at a time; a claim holds for leaseSeconds. */
      batchSize: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
      /**
       * How long a worker's claim on deliveries (and on the sending job) holds without being
       * renewed: after a crash, the send resumes this long after the worker died.
       */
      leaseSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
      /** Envelope sender (Return-Path) where bounce messages come back; empty: the mail.from address. */
      bounceAddress: Type.String({ default: '' }),
      /** Also offer unsubscribing by mail to this address in List-Unsubscribe; empty: only the link. */
      unsubscribeMailto: Type.String({ default: '' }),
      /** DKIM signing: the domain (d=), the selector (s=) and a file holding the PEM private key; all three or none. */
      dkimDomain: Type.String({ default: '' }),
      dkimSelector: Type.String({ default: '' }),
      dkimPrivateKeyFile: Type.String({ default: '' }),
      /** Shared secret a provider sends (Authorization: Bearer ...) to the bounce webhook; empty: the webhook is off. */
      bounceWebhookSecret: Type.String({ default: '' }),
      /** Per-process cap on unsubscribe POSTs per client address per minute. */
      unsubscribeRateLimitPerMinute: Type.Integer({ minimum: 1, default: 30 }),
      /**
       * Minutes a term or author alert waits after a publish: an article unpublished meanwhile is
       * left out, and articles published together go out in one message.
       */
      alertGraceMinutes: Type.Integer({ minimum: 0, maximum: 1440, default: 10 }),
    },
    { default: {} },
  ),
  tracker: Type.Object(
    {
      /** Seconds between writes of the republication tracker's counts (each server process writes its own). */
      flushSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 300, default: 5 }),
      /** Distinct pages (per article and day) held between writes; hits on new pages past it are not counted. */
      maxPending: Type.Integer({ minimum: 1, default: 10_000 }),
      /** Hits counted per client address per minute and process (0: no limit); the image is served all the same. */
      hitsPerMinute: Type.Integer({ minimum: 0, default: 600 }),
    },
    { default: {} },
  ),
  reach: Type.Object(
    {
      /**
       * Days for which reach keeps its detail (each referring site per article and day, each
       * republishing page); older detail is rolled up into daily totals once a day.
       */
      detailDays: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
    },
    { default: {} },
  ),
  demo: Type.Object(
    {
      /** Load the demo publication into an empty database on first start. */
      seedOnFirstRun: Type.Boolean({ default: true }),
    },
    { default: {} },
  ),
});

export type Config = Static<typeof ConfigSchema>;

/** Env names fixed by the design; everything else is PRESSROOM_<SECTION>__<KEY>. */
const NAMED_ENV: Record<string, [string, string]> = {
  PORT: ['server', 'port'],
  HOST: ['server', 'host'],
  DATABASE_URL: ['database', 'url'],
  PRESSROOM_DATA: ['data', 'dir'],
  SITE_URL: ['site', 'url'],
};

/**
 * PRESSROOM_ variables that are not settings: the file to read settings from, the CLI's password,
 * the launcher's process id (bin/node-runtime.mjs), and the memory an image's child process may
 * use (read by that process itself, services/newsroom/image-limits.ts).
 */
const OTHER_ENV = new Set([
  'PRESSROOM_CONFIG',
  'PRESSROOM_PASSWORD',
  'PRESSROOM_PARENT_PID',
  'PRESSROOM_IMAGE_MEMORY_MB',
]);

type Raw = Record<string, Record<string, unknown>>;
type Problem = { field: string; message: string };

function setPath(target: Raw, section: string, key: string, value: unknown): void {
  target[section] ??= {};
  target[section][key] = value;
}

/** Every setting as section and key, from the schema itself so that the two cannot disagree. */
function knownSettings(): Array<[string, string]> {
  return Object.entries(ConfigSchema.properties).flatMap(([section, schema]) =>
    Object.keys((schema as { properties: Record<string, unknown> }).properties).map(
      (key) => [section, key] as [string, string],
    ),
  );
}

function isKnownSetting(section: string, key: string): boolean {
  return knownSettings().some(([s, k]) => s === section && k === key);
}

const envNameOf = (section: string, key: string) =>
  `PRESSROOM_${section.toUpperCase()}__${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The candidate closest to `name`, when one is close enough to be a slip. */
function closest(name: string, candidates: string[], sameKey?: string): string | undefined {
  const byKey = sameKey === undefined ? undefined : candidates.find((c) => c.endsWith(`.${sameKey}`));
  if (byKey) return byKey;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 6)) ? best.candidate : undefined;
}

/** "is not a setting (in FILE; did you mean X?)" with whichever parts are known. */
function notASetting(file: string | undefined, intended: string | undefined): string {
  const notes = [file && `in ${file}`, intended && `did you mean ${intended}?`].filter(Boolean);
  return notes.length > 0 ? `is not a setting (${notes.join('; ')})` : 'is not a setting';
}

/** Settings from PRESSROOM_<SECTION>__<KEY> and the fixed names; a PRESSROOM_ name that is neither is refused. */
function envOverrides(env: Record<string, string | undefined>): { raw: Raw; problems: Problem[] } {
  const raw: Raw = {};
  const problems: Problem[] = [];
  const validNames = [
    ...Object.keys(NAMED_ENV),
    ...OTHER_ENV,
    ...knownSettings().map(([section, key]) => envNameOf(section, key)),
  ];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const named = NAMED_ENV[name];
    if (named) {
      setPath(raw, named[0], named[1], value);
      continue;
    }
    if (!name.startsWith('PRESSROOM_') || OTHER_ENV.has(name)) continue;
    const match = /^PRESSROOM_([A-Z0-9]+)__([A-Z0-9_]+)$/.exec(name);
    const section = match?.[1]?.toLowerCase();
    const key = match?.[2]?.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (section && key && isKnownSetting(section, key)) setPath(raw, section, key, value);
    else problems.push({ field: name, message: notASetting(undefined, closest(name, validNames)) });
  }
  return { raw, problems };
}

/** Keys of a settings file (or object) that name no setting. */
function unknownSettings(raw: Raw, file: string | undefined): Problem[] {
  const valid = knownSettings().map(([section, key]) => `${section}.${key}`);
  const problems: Problem[] = [];
  for (const [section, values] of Object.entries(raw)) {
    if (!Object.hasOwn(ConfigSchema.properties, section)) {
      const keys = values && typeof values === 'object' && !Array.isArray(values) ? Object.keys(values) : [];
      if (keys.length === 0)
        problems.push({ field: section, message: notASetting(file, closest(section, valid, section)) });
      for (const key of keys)
        problems.push({
          field: `${section}.${key}`,
          message: notASetting(file, closest(`${section}.${key}`, valid)),
        });
      continue;
    }
    if (!values || typeof values !== 'object' || Array.isArray(values)) continue;
    for (const key of Object.keys(values)) {
      if (isKnownSetting(section, key)) continue;
      problems.push({
        field: `${section}.${key}`,
        message: notASetting(file, closest(`${section}.${key}`, valid)),
      });
    }
  }
  return problems;
}

function merge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [section, values] of Object.entries(over)) {
    out[section] = { ...(out[section] ?? {}), ...values };
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Defaults, then the optional JSON file (PRESSROOM_CONFIG or ./pressroom.config.json), then env.
 * Validates once and lists every problem.
 */
export function loadConfig(
  options: { env?: Record<string, string | undefined>; file?: string } = {},
): Config {
  const env = options.env ?? process.env;
  const file =
    options.file ??
    env.PRESSROOM_CONFIG ??
    (existsSync('pressroom.config.json') ? 'pressroom.config.json' : undefined);
  let fromFile: Raw = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Raw;
      if (!fromFile || typeof fromFile !== 'object' || Array.isArray(fromFile))
        throw new Error('it must hold one JSON object of sections, such as { "server": { "port": 8080 } }');
    } catch (cause) {
      throw Errors.CONFIG_INVALID(
        { reason: `Cannot read the configuration file ${file}: ${(cause as Error).message}` },
        { cause },
      );
    }
  }
  const fromEnv = envOverrides(env);
  return parseConfig(merge(fromFile, fromEnv.raw), { file, problems: fromEnv.problems });
}

/**
 * Validates a raw configuration object (strings from env are converted) and freezes it. Keys that
 * name no setting are refused, with the likely intended one when it is close.
 */
export function parseConfig(raw: Raw, options: { file?: string; problems?: Problem[] } = {}): Config {
  const { given, empty } = withoutEmptyValues(raw);
  // Converts the texts from env to numbers and flags and fills in the defaults, in place.
  const withDefaults = given;
  const valueProblems = checkValues(ConfigSchema as ValueSchema, withDefaults);
  const isValid = valueProblems.length === 0;
  const problems = [
    ...(options.problems ?? []),
    ...unknownSettings(raw, options.file),
    ...empty,
    ...(isValid ? [] : describeProblems(valueProblems)),
    ...(isValid ? proxyListProblems(withDefaults as Config) : []),
  ];
  if (problems.length > 0) {
    throw Errors.CONFIG_INVALID({
      reason: `Invalid configuration: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      details: problems,
    });
  }
  const config = withDefaults as Config;
  config.site.url = trimEndOf(config.site.url, '/');
  return deepFreeze(config);
}

/** What is wrong with server.trustedProxies: entries that are not addresses or ranges, or a list trustProxy ignores. */
function proxyListProblems(config: Config): Problem[] {
  const { entries, bad } = readProxyList(config.server.trustedProxies);
  const field = 'server.trustedProxies';
  if (bad.length > 0) {
    const named = bad.map((entry) => `“${entry}”`);
    const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
    return [
      {
        field,
        message: `${list} ${bad.length === 1 ? 'is not an IP address or range' : 'are not IP addresses or ranges'}: list addresses and CIDR ranges, separated by commas, such as 203.0.113.7, 198.51.100.0/24, 2001:db8::/32`,
      },
    ];
  }
  if (entries.length > 0 && !config.server.trustProxy)
    return [
      {
        field,
        message:
          'lists proxies, but server.trustProxy is off: set it too (PRESSROOM_SERVER__TRUST_PROXY=true)',
      },
    ];
  return [];
}

const FLAG_TEXTS = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/**
 * A copy of `raw` without the empty texts given for settings that are not text, each a problem:
 * converted, an empty PORT would become 0 (any free port) and an empty flag false. A flag given
 * as text reads as true or false in any case, or as 1 or 0.
 */
function withoutEmptyValues(raw: Raw): { given: Raw; empty: Problem[] } {
  const given = structuredClone(raw);
  const empty: Problem[] = [];
  const sections = ConfigSchema.properties as Record<
    string,
    { properties: Record<string, { type?: unknown }> }
  >;
  for (const [section, values] of Object.entries(given)) {
    if (!values || typeof values !== 'object' || Array.isArray(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      const properties = Object.hasOwn(sections, section) ? sections[section]?.properties : undefined;
      const type = properties && Object.hasOwn(properties, key) ? properties[key]?.type : undefined;
      const flag = typeof value === 'string' ? FLAG_TEXTS.get(value.trim().toLowerCase()) : undefined;
      if (type === 'boolean' && flag !== undefined) {
        values[key] = flag;
        continue;
      }
      if (typeof value !== 'string' || value.trim() !== '' || type === undefined || type === 'string')
        continue;
      empty.push({
        field: `${section}.${key}`,
        message: 'is empty: give a value, or leave it unset for the default',
      });
      delete values[key];
    }
  }
  return { given, empty };
}

/**
 * One line per field. A choice of values (a union of literals) fails once per allowed value;
 * those are folded into "must be one of …" rather than repeated.
 */
function describeProblems(
  errors: Array<{ instancePath: string; message?: string; keyword: string; params: unknown }>,
): Problem[] {
  const byField = new Map<string, { messages: string[]; allowed: string[] }>();
  for (const e of errors) {
    const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)';
    const entry = byField.get(field) ?? { messages: [], allowed: [] };
    byField.set(field, entry);
    const allowed = (e.params as { allowedValue?: unknown } | undefined)?.allowedValue;
    if (e.keyword === 'const' && allowed !== undefined) entry.allowed.push(String(allowed));
    else if (e.keyword !== 'anyOf' && e.message && !entry.messages.includes(e.message))
      entry.messages.push(e.message);
  }
  return [...byField].flatMap(([field, { messages, allowed }]) => [
    ...(allowed.length > 0 ? [{ field, message: `must be one of ${allowed.join(', ')}` }] : []),
    ...messages.map((message) => ({ field, message })),
  ]);
}

/** The public base URL: SITE_URL when set, else the address the server listens on. */
export function siteUrl(config: Config): string {
  if (config.site.url) return config.site.url;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.server.port}`;
}

export function dataPath(config: Config, ...parts: string[]): string {
  return path.resolve(config.data.dir, ...parts);
}
