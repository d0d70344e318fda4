// Serving one cached article page: Pressroom against nginx serving the same bytes from disk and a
// bare Node http server answering from memory. Everything runs on 127.0.0.1 and is bounded in time.
//
//   npm run bench:pages [-- --duration 10 --rounds 3 --connections 50 --threads 2]
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

const { duration, connections, threads, rounds } = wrkRoundOptions();

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
    const targets = [
      ['Pressroom', pressroomUrl],
      ['nginx (static file)', nginxUrl],
      ['bare Node http (from memory)', bareUrl],
    ] as const;
    for (const [name, url] of targets) await warmUp(name, url);
    const runs = new Map<string, WrkResult[]>(targets.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, url] of targets) runs.get(name)?.push(await wrk(name, url));
    }
    const results = targets.map(([name]) => median(runs.get(name) ?? []));
    process.stdout.write(`\n${runsTable(results, runs, 30)}`);
    const [pressroomResult, nginxResult, bareResult] = results as [WrkResult, WrkResult, WrkResult];
    const ratio = (a: WrkResult, b: WrkResult) => (a.requestsPerSecond / b.requestsPerSecond).toFixed(2);
    process.stdout.write(
      `\nPressroom / nginx:          ${ratio(pressroomResult, nginxResult)}\n` +
        `Pressroom / bare Node http: ${ratio(pressroomResult, bareResult)}\n`,
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
