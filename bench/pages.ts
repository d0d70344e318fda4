// Serving one cached article page: Pressroom against nginx serving the same bytes from disk and a
// bare Node http server answering from memory. Everything runs on 127.0.0.1 and is bounded in time.
//
//   npm run bench:pages [-- --duration 10 --rounds 3 --connections 50 --threads 2 --comments 0]
//
// With --comments N, a second Pressroom serves the same article with N comments under it, in
// the same interleaved rounds: the article page stays one cached document (its comments come
// from a fragment), so its throughput should not move.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { savedPageLocation, startNginx } from './lib/nginx.ts';
import {
  freePort,
  REPO_ROOT,
  type RunningProcess,
  startPressroom,
  startProcess,
  waitForHttp,
} from './lib/processes.ts';
import {
  machineNote,
  median,
  readWrkFigures,
  requireWrkAndNginx,
  runsTable,
  WRK,
  type WrkSummary,
  wrkRoundOptions,
} from './lib/wrk.ts';

const ARTICLE_PATH = '/articles/velmar-basin-water-accounts';

const {
  duration,
  connections,
  threads,
  rounds,
  extra: { comments: commentCount = 0 },
} = wrkRoundOptions({ comments: 0 });

interface WrkResult extends WrkSummary {
  url: string;
}

const run = promisify(execFile);

const COMMON_WRK_ARGS = [`-t${threads}`, `-c${connections}`, '--latency', '--timeout', '5s'];

/** A short run first, so JIT and caches settle before anything is measured. */
async function warmUp(name: string, url: string): Promise<void> {
  await run(WRK, [...COMMON_WRK_ARGS, '-d2s', url], { timeout: 30_000 }).catch((error: unknown) => {
    throw new Error(`warming up ${name} failed`, { cause: error });
  });
}

async function wrk(name: string, url: string): Promise<WrkResult> {
  const { stdout } = await run(WRK, [...COMMON_WRK_ARGS, `-d${duration}s`, url], {
    timeout: (duration + 30) * 1000,
  });
  return { name, url, ...readWrkFigures(name, stdout) };
}

const BARE_NODE_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const body = fs.readFileSync(process.env.PAGE_FILE);
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * Writes `count` approved comments (threads of five) under the article straight into the
 * database, before the page is first asked for, so the page cache starts from them.
 */
async function addComments(dataDir: string, count: number): Promise<void> {
  const { default: Sqlite } = await import('better-sqlite3');
  const db = new Sqlite(path.join(dataDir, 'pressroom.db'));
  try {
    const article = db.prepare('SELECT id FROM articles WHERE slug = ?').get(ARTICLE_PATH.split('/').pop()) as
      | { id: number }
      | undefined;
    if (!article) throw new Error('the demo article is missing');
    const insert = db.prepare(
      `INSERT INTO comments (article_id, parent_id, author_name, body, body_html, status, kind, created_at)
       VALUES (?, ?, ?, ?, ?, 'approved', 'comment', ?)`,
    );
    db.transaction(() => {
      let parent: number | bigint | null = null;
      for (let i = 0; i < count; i++) {
        const text = `Comment ${i}: a reader's thoughts on the water accounts, at some length.`;
        const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
        const id: number | bigint = insert.run(
          article.id,
          i % 5 === 0 ? null : parent,
          `Reader ${i}`,
          text,
          `<p>${text}</p>`,
          at,
        ).lastInsertRowid;
        if (i % 5 === 0) parent = id;
      }
    })();
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  requireWrkAndNginx();
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-'));
  const running: RunningProcess[] = [];
  try {
    const pressroom = await startPressroom({ dataDir: path.join(dir, 'data') });
    running.push(pressroom);
    const pressroomUrl = `${pressroom.baseUrl}${ARTICLE_PATH}`;
    const page = await fetch(pressroomUrl, { headers: { 'accept-encoding': 'identity' } });
    if (!page.ok) throw new Error(`${pressroomUrl} answered ${page.status}`);
    const html = await page.text();
    let withComments: { name: string; url: string } | undefined;
    if (commentCount > 0) {
      const commentedDir = path.join(dir, 'data-commented');
      const commented = await startPressroom({ dataDir: commentedDir });
      running.push(commented);
      await addComments(commentedDir, commentCount);
      withComments = {
        name: `Pressroom, ${commentCount} comments`,
        url: `${commented.baseUrl}${ARTICLE_PATH}`,
      };
      const check = await fetch(withComments.url);
      if (!check.ok || !(await check.text()).includes(`${commentCount} comments`))
        throw new Error(`${withComments.url} does not count its ${commentCount} comments`);
    }
    const pageFile = path.join(dir, 'www', 'article.html');
    mkdirSync(path.dirname(pageFile), { recursive: true });
    writeFileSync(pageFile, html);

    const nginx = await startNginx({
      dir,
      port: await freePort(),
      location: savedPageLocation(ARTICLE_PATH),
    });
    running.push(nginx);
    const nginxUrl = nginx.url;

    const barePort = await freePort();
    const bare = startProcess(process.execPath, ['-e', BARE_NODE_SERVER], {
      env: { PORT: String(barePort), PAGE_FILE: pageFile },
    });
    running.push(bare);
    const bareUrl = `http://127.0.0.1:${barePort}${ARTICLE_PATH}`;
    await waitForHttp(bareUrl, 10_000);

    process.stdout.write(
      `Article page: ${Buffer.byteLength(html)} bytes. wrk -t${threads} -c${connections} -d${duration}s, ` +
        `${rounds} interleaved rounds, median shown; ${machineNote()}`,
    );
    const targets: [string, string][] = [
      ['Pressroom', pressroomUrl],
      ['nginx (static file)', nginxUrl],
      ['bare Node http (from memory)', bareUrl],
      ...(withComments ? [[withComments.name, withComments.url] as [string, string]] : []),
    ];
    for (const [name, url] of targets) await warmUp(name, url);
    const runs = new Map<string, WrkResult[]>(targets.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, url] of targets) runs.get(name)?.push(await wrk(name, url));
    }
    const results = targets.map(([name]) => median(runs.get(name) ?? []));
    process.stdout.write(`\n${runsTable(results, runs, 30)}`);
    const [pressroomResult, nginxResult, bareResult, commentedResult] = results as [
      WrkResult,
      WrkResult,
      WrkResult,
      WrkResult | undefined,
    ];
    const ratio = (a: WrkResult, b: WrkResult) => (a.requestsPerSecond / b.requestsPerSecond).toFixed(2);
    process.stdout.write(
      `\nPressroom / nginx:          ${ratio(pressroomResult, nginxResult)}\n` +
        `Pressroom / bare Node http: ${ratio(pressroomResult, bareResult)}\n` +
        (commentedResult
          ? `With ${commentCount} comments / without: ${ratio(commentedResult, pressroomResult)}\n`
          : ''),
    );
    const outputDir = path.join(REPO_ROOT, 'bench', 'output');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(
      path.join(outputDir, 'pages.json'),
      `${JSON.stringify({ date: new Date().toISOString(), duration, connections, threads, rounds, results, runs: Object.fromEntries(runs) }, null, 2)}\n`,
    );
  } finally {
    for (const child of running.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
