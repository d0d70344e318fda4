// Editor load: several contributors send long texts at once (previews, paste conversions, new
// articles, saves and autosaves of about 1.8 MB each) while /healthz is asked every 20 ms.
// Prints the statuses of the long requests and the latency of /healthz while they ran: a
// server whose event loop is blocked by them answers /healthz late.
//
// With --big-save, one writer instead saves a long article (900 KB by default) --rounds times,
// each save rewriting every paragraph, then opens its history and compares the first long
// version with the last, one request at a time; /healthz is asked every 20 ms throughout, and its
// slowest answer during each kind of request is printed.
//
//   npm run bench:editor [-- --requests 9 --rounds 3 --chars 1800000]
//   npm run bench:editor -- --big-save [--rounds 3 --chars 900000]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { REPO_ROOT, startPressroom } from './lib/processes.ts';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '9' },
    rounds: { type: 'string', default: '3' },
    chars: { type: 'string' },
    'big-save': { type: 'boolean', default: false },
  },
});
const IS_BIG_SAVE = args['big-save'];
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const CHARS = Number(args.chars ?? (IS_BIG_SAVE ? 900_000 : 1_800_000));
const COMPARE_WAIT_MS = 120_000;
const PASSWORD = 'bench password of some length';
const run = promisify(execFile);

/** A signed-in browser: its cookies and the CSRF token of the last page it read. */
interface Writer {
  cookies: Map<string, string>;
  csrf: string;
  articleId: number;
  version: number;
}

function remember(writer: Writer, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    writer.cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
}

const cookieHeader = (writer: Writer) => [...writer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function get(base: string, writer: Writer, url: string): Promise<string> {
  const response = await fetch(base + url, { headers: { cookie: cookieHeader(writer) }, redirect: 'manual' });
  remember(writer, response);
  const text = await response.text();
  writer.csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? writer.csrf;
  return text;
}

async function postForm(base: string, writer: Writer, url: string, form: Record<string, string>) {
  const response = await fetch(base + url, {
    method: 'POST',
    headers: { cookie: cookieHeader(writer), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, _csrf: writer.csrf }).toString(),
    redirect: 'manual',
  });
  remember(writer, response);
  await response.arrayBuffer();
  return response;
}

async function postJson(base: string, writer: Writer, url: string, body: Record<string, string>) {
  const response = await fetch(base + url, {
    method: 'POST',
    headers: {
      cookie: cookieHeader(writer),
      'content-type': 'application/json',
      'x-csrf-token': writer.csrf,
    },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response;
}

async function signIn(base: string, email: string): Promise<Writer> {
  const writer: Writer = { cookies: new Map(), csrf: '', articleId: 0, version: 0 };
  await get(base, writer, '/admin/login');
  const login = await postForm(base, writer, '/admin/login', { email, password: PASSWORD, next: '/admin' });
  if (login.status !== 303) throw new Error(`sign-in of ${email} answered ${login.status}`);
  await get(base, writer, '/admin/articles/new');
  const created = await postForm(base, writer, '/admin/articles', {
    title: `Bench ${email}`,
    body: 'Short.',
  });
  const location = created.headers.get('location') ?? '';
  writer.articleId = Number(/\/admin\/articles\/(\d+)/.exec(location)?.[1]);
  const editor = await get(base, writer, `/admin/articles/${writer.articleId}`);
  writer.version = Number(/name="version" value="(\d+)"/.exec(editor)?.[1] ?? 1);
  return writer;
}

/** What `work` answered, and the latencies of /healthz asked every 20 ms while it ran. */
async function probed<T>(base: string, work: Promise<T>): Promise<{ result: T; latencies: number[] }> {
  let isDone = false;
  const done = work.finally(() => {
    isDone = true;
  });
  const latencies: number[] = [];
  while (!isDone) {
    const asked = performance.now();
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(COMPARE_WAIT_MS) });
      await response.arrayBuffer();
    } catch {
      // No answer in time: the latency says so.
    }
    latencies.push(performance.now() - asked);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { result: await done, latencies };
}

/** The long-article case (--big-save): saves, then the history and a comparison, one at a time. */
async function bigSave(base: string, writer: Writer): Promise<void> {
  const body = (round: number) => {
    const paragraph = (i: number) =>
      `Paragraph ${i} of version ${round}, with *emphasis*, **a name** and a [link](https://example.org/${i}).`;
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < CHARS; i++) {
      const text = `${paragraph(i)}\n\n`;
      parts.push(text);
      length += text.length;
    }
    return parts.join('').slice(0, CHARS);
  };
  process.stdout.write(`one writer, a ${CHARS.toLocaleString('en')}-character article, ${ROUNDS} saves:\n`);
  // Each line is printed as soon as its request is answered: a run cut short still tells.
  const record = (label: string, status: number, ms: number, latencies: number[]) => {
    const answer =
      status === 0 ? `no answer after ${COMPARE_WAIT_MS / 1000} s` : `${status} in ${Math.round(ms)} ms`;
    process.stdout.write(
      `  ${label.padEnd(8)} ${answer}; /healthz ${latencies.length} answers, slowest ${Math.round(Math.max(0, ...latencies))} ms\n`,
    );
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const editor = await get(base, writer, `/admin/articles/${writer.articleId}`);
    const version = /name="version" value="(\d+)"/.exec(editor)?.[1] ?? '';
    const started = performance.now();
    const { result, latencies } = await probed(
      base,
      postForm(base, writer, `/admin/articles/${writer.articleId}`, {
        title: 'Bench long article',
        body: body(round),
        version,
      }),
    );
    record(`save ${round}`, result.status, performance.now() - started, latencies);
  }
  let started = performance.now();
  const history = await probed(base, get(base, writer, `/admin/articles/${writer.articleId}/revisions`));
  record('history', 200, performance.now() - started, history.latencies);
  // The first long version (the one before is the short text the article was created with).
  const revisionIds = [...history.result.matchAll(/\/revisions\/(\d+)"/g)]
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const firstLong = revisionIds[1] ?? revisionIds[0];
  started = performance.now();
  // Compared in full, two long rewrites took minutes: the wait is cut short, and said so.
  const compare = await probed(
    base,
    fetch(`${base}/admin/articles/${writer.articleId}/revisions/${firstLong}`, {
      headers: { cookie: cookieHeader(writer) },
      signal: AbortSignal.timeout(COMPARE_WAIT_MS),
    }).then(
      async (response) => ({ status: response.status, length: (await response.text()).length }),
      () => ({ status: 0, length: 0 }),
    ),
  );
  record('compare', compare.result.status, performance.now() - started, compare.latencies);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-editor-load-'));
const server = await startPressroom({ dataDir: dir, env: { PRESSROOM_DEMO__SEED_ON_FIRST_RUN: 'false' } });
try {
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${path.join(dir, 'pressroom.db')}`,
    PRESSROOM_DATA: dir,
    PRESSROOM_LOG__LEVEL: 'warn',
  };
  const writers: Writer[] = [];
  // Each person's long requests are taken a few at a time: enough people that none is refused as such.
  for (let i = 0; i < (IS_BIG_SAVE ? 1 : Math.ceil(REQUESTS / 2)); i++) {
    const email = `writer${i}@bench.example`;
    const cli = path.join(REPO_ROOT, 'bin', 'pressroom');
    await run(
      cli,
      [
        'user',
        'create',
        '--email',
        email,
        '--role',
        'contributor',
        '--name',
        `Writer ${i}`,
        '--password',
        PASSWORD,
      ],
      { env },
    );
    writers.push(await signIn(server.baseUrl, email));
  }
  if (IS_BIG_SAVE) {
    await bigSave(server.baseUrl, writers[0] as Writer);
  } else {
    await burst(writers);
  }
} catch (error) {
  process.stderr.write(server.stderr());
  throw error;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function burst(writers: Writer[]): Promise<void> {
  const paragraph = 'A long paragraph of plain words, with *emphasis* and a [link](https://example.org). ';
  const markdown = `${paragraph.repeat(Math.ceil(CHARS / paragraph.length / 40)).trim()}\n\n`
    .repeat(40)
    .slice(0, CHARS);
  const pasted = `<p>${'Pasted words, <b>some bold</b>, <i>some italic</i>. '.repeat(CHARS / 60)}</p>`.slice(
    0,
    CHARS,
  );
  const kinds = ['preview', 'save', 'autosave', 'paste', 'create'] as const;
  const send = (i: number) => {
    const writer = writers[Math.floor(i / 2) % writers.length] as Writer;
    const kind = kinds[i % kinds.length];
    const base = server.baseUrl;
    const form = { title: `Bench ${i}`, body: markdown, version: String(writer.version) };
    switch (kind) {
      case 'preview':
        return postJson(base, writer, '/admin/preview', { markdown });
      case 'paste':
        return postJson(base, writer, '/admin/paste', { html: pasted });
      case 'save':
        return postForm(base, writer, `/admin/articles/${writer.articleId}`, { ...form, version: '' });
      case 'autosave':
        return postForm(base, writer, `/admin/articles/${writer.articleId}/autosave`, form);
      default:
        return postForm(base, writer, '/admin/articles', { title: `Bench ${i}`, body: markdown });
    }
  };

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let longestRound = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let pending = REQUESTS;
    const started = performance.now();
    const burst = Array.from({ length: REQUESTS }, (_, i) =>
      send(i)
        .then((response) => statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1))
        .finally(() => {
          pending--;
        }),
    );
    while (pending > 0) {
      const asked = performance.now();
      const response = await fetch(`${server.baseUrl}/healthz`);
      await response.arrayBuffer();
      if (pending > 0) latencies.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(burst);
    longestRound = Math.max(longestRound, performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${REQUESTS} requests of ${CHARS.toLocaleString('en')} characters × ${ROUNDS} rounds; statuses ${JSON.stringify(Object.fromEntries(statuses))}; longest round ${Math.round(longestRound)} ms\n`,
  );
  process.stdout.write(
    `/healthz during the bursts: ${latencies.length} answers, median ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(latencies.at(-1) ?? 0)} ms\n`,
  );
}
