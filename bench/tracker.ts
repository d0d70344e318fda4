// The republication tracker's image: Pressroom counting /r/<id>.gif hits (with a Referer from
// another site and a browser's User-Agent, so every hit counts) against nginx serving a static
// 1×1 GIF with the same no-store header, in the same run. Then checks the counts Pressroom wrote
// (every few seconds, and the rest on stop, as the server's stop path does): wrk's hits are stored
// between those it saw answered and those it sent, and a fixed number of answered hits exactly.
//
//   npm run bench:tracker [-- --duration 10 --rounds 3 --connections 50 --threads 2]
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startNginx } from './lib/nginx.ts';
import { cpuSecondsOfTree } from './lib/process-tree.ts';
import { freePort, REPO_ROOT, type RunningProcess, startPressroom } from './lib/processes.ts';
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

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const REFERER = 'https://partner.example/world/republished-story.html';
/** The page of the exact-count phase, kept apart from wrk's. */
const EXACT_REFERER = 'https://partner.example/world/exact-count.html';
const EXACT_HITS = 5000;
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

const { duration, connections, threads, rounds } = wrkRoundOptions();

interface WrkResult extends WrkSummary {
  /** Requests wrk wrote (answered or still in flight when it stopped). */
  requests: number;
  /** Requests wrk saw answered. */
  answered: number;
  /** CPU time the server's processes spent per answered request (µs): steadier than req/s on a busy machine. */
  cpuMicrosPerRequest?: number;
}

const run = promisify(execFile);

// Counts the requests wrk wrote, not only those it saw answered: at the end of a run wrk stops
// with requests in flight that the server still receives (and counts).
const COUNTING_SCRIPT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) sent = 0 end
function request() sent = sent + 1 return wrk.format() end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("sent") end
  io.write(string.format("Requests sent: %d\\n", total))
end
`;

const WRK_ARGS = [
  `-t${threads}`,
  `-c${connections}`,
  '--latency',
  '--timeout',
  '5s',
  '-H',
  `Referer: ${REFERER}`,
  '-H',
  `User-Agent: ${USER_AGENT}`,
];

async function wrk(name: string, url: string, seconds: number, script: string): Promise<WrkResult> {
  const { stdout } = await run(WRK, [...WRK_ARGS, '-s', script, `-d${seconds}s`, url], {
    timeout: (seconds + 30) * 1000,
  });
  const figures = readWrkFigures(name, stdout);
  const requests = /Requests sent: (\d+)/.exec(stdout)?.[1];
  if (!requests) throw new Error(`could not read wrk output for ${name}:\n${stdout}`);
  return {
    name,
    requests: Number(requests),
    answered: Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0),
    ...figures,
  };
}

/** Views stored for one page showing the article, read from the database file. */
function storedViews(databaseFile: string, articleId: number, page: string): number {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const row = db
      .prepare(
        'SELECT coalesce(sum(views), 0) AS views FROM republications WHERE article_id = ? AND page = ?',
      )
      .get(articleId, page) as { views: number };
    return Number(row.views);
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  requireWrkAndNginx();
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-'));
  const running: RunningProcess[] = [];
  try {
    const dataDir = path.join(dir, 'data');
    // wrk makes every request from one address: the per-address limit would (rightly) stop
    // counting it, so it is off here; the limit's check still runs on every hit.
    const pressroom = await startPressroom({
      dataDir,
      env: { PRESSROOM_TRACKER__HITS_PER_MINUTE: '0', PRESSROOM_LOG__REQUESTS: 'false' },
    });
    running.push(pressroom);
    const search = await fetch(`${pressroom.baseUrl}/api/search?q=water`);
    const found = (await search.json()) as { results: { id: number }[] };
    const articleId = found.results[0]?.id;
    if (!articleId) throw new Error('the demo publication has no article about water to track');
    const pressroomUrl = `${pressroom.baseUrl}/r/${articleId}.gif`;

    mkdirSync(path.join(dir, 'www'), { recursive: true });
    writeFileSync(path.join(dir, 'www', 'pixel.gif'), GIF);
    const nginx = await startNginx({
      dir,
      port: await freePort(),
      location: {
        path: '/pixel.gif',
        directives: `default_type image/gif;
add_header Cache-Control "no-store, max-age=0";
try_files /pixel.gif =404;`,
      },
    });
    running.push(nginx);
    const nginxUrl = nginx.url;

    process.stdout.write(
      `Tracking image (${GIF.length} bytes). wrk -t${threads} -c${connections} -d${duration}s with a Referer ` +
        `and a browser's User-Agent, ${rounds} interleaved rounds, median shown; ${machineNote()}`,
    );
    const targets = [
      ['Pressroom /r/<id>.gif', pressroomUrl],
      ['nginx (static 1×1 GIF)', nginxUrl],
    ] as const;
    const script = path.join(dir, 'count-requests.lua');
    writeFileSync(script, COUNTING_SCRIPT);
    const runs = new Map<string, WrkResult[]>(targets.map(([name]) => [name, []]));
    // Warm-up runs count too: every hit wrk made must be stored.
    const warmUps = new Map<string, WrkResult>();
    for (const [name, url] of targets) warmUps.set(name, await wrk(name, url, 2, script));
    const pids = new Map<string, number | undefined>([
      [targets[0][0], pressroom.child.pid],
      [targets[1][0], nginx.child.pid],
    ]);
    for (let round = 0; round < rounds; round++) {
      for (const [name, url] of targets) {
        const pid = pids.get(name);
        const cpuBefore = pid ? cpuSecondsOfTree(pid) : undefined;
        const result = await wrk(name, url, duration, script);
        const cpuAfter = pid ? cpuSecondsOfTree(pid) : undefined;
        if (cpuBefore !== undefined && cpuAfter !== undefined && result.answered > 0) {
          result.cpuMicrosPerRequest = ((cpuAfter - cpuBefore) * 1e6) / result.answered;
        }
        runs.get(name)?.push(result);
      }
    }
    const results = targets.map(([name]) => median(runs.get(name) ?? []));
    process.stdout.write(`\n${runsTable(results, runs, 26)}`);
    const [pressroomResult, nginxResult] = results as [WrkResult, WrkResult];
    const ratio = pressroomResult.requestsPerSecond / nginxResult.requestsPerSecond;
    process.stdout.write(`\nPressroom / nginx: ${ratio.toFixed(2)} (target ≥ 0.5)\n`);
    const cpuOf = (name: string) => {
      const all = (runs.get(name) ?? []).flatMap((r) =>
        r.cpuMicrosPerRequest === undefined ? [] : [r.cpuMicrosPerRequest],
      );
      return all.length === 0 ? undefined : all.sort((a, b) => a - b)[Math.floor(all.length / 2)];
    };
    const pressroomCpu = cpuOf(targets[0][0]);
    const nginxCpu = cpuOf(targets[1][0]);
    if (pressroomCpu !== undefined && nginxCpu !== undefined) {
      process.stdout.write(
        `Server CPU per request (median): Pressroom ${pressroomCpu.toFixed(1)} µs, nginx ${nginxCpu.toFixed(1)} µs; ` +
          `nginx / Pressroom ${(nginxCpu / pressroomCpu).toFixed(2)}\n`,
      );
    }

    const pressroomRuns = [warmUps.get(targets[0][0]), ...(runs.get(targets[0][0]) ?? [])];
    const sent = pressroomRuns.reduce((n, r) => n + (r?.requests ?? 0), 0);
    const answered = pressroomRuns.reduce((n, r) => n + (r?.answered ?? 0), 0);
    // wrk stops with requests in flight: those it wrote may reach the server or be cut by the
    // connection's reset, so its count brackets the stored one. An exact count needs every
    // request answered: EXACT_HITS more, from 50 keep-alive clients that wait for each answer.
    let next = 0;
    const client = async () => {
      while (next < EXACT_HITS) {
        next++;
        const answer = await fetch(pressroomUrl, {
          headers: { referer: EXACT_REFERER, 'user-agent': USER_AGENT },
        });
        await answer.arrayBuffer();
        if (answer.status !== 200) throw new Error(`the image answered ${answer.status}`);
      }
    };
    await Promise.all(Array.from({ length: 50 }, client));

    const databaseFile = path.join(dataDir, 'pressroom.db');
    const wrkPage = new URL(REFERER);
    const exactPage = new URL(EXACT_REFERER);
    const beforeStop = storedViews(databaseFile, articleId, `${wrkPage.origin}${wrkPage.pathname}`);
    await pressroom.stop();
    running.splice(running.indexOf(pressroom), 1);
    const stored = storedViews(databaseFile, articleId, `${wrkPage.origin}${wrkPage.pathname}`);
    const exactStored = storedViews(databaseFile, articleId, `${exactPage.origin}${exactPage.pathname}`);
    const isWithin = answered <= stored && stored <= sent;
    const isExact = exactStored === EXACT_HITS;
    process.stdout.write(
      `wrk hits: ${answered.toLocaleString('en')} answered, ${sent.toLocaleString('en')} sent; stored ` +
        `${stored.toLocaleString('en')} (${beforeStop.toLocaleString('en')} by the periodic flush, the rest on stop): ` +
        `${isWithin ? `within (${(sent - stored).toLocaleString('en')} cut in flight)` : 'OUTSIDE'}\n` +
        `Answered one by one: ${EXACT_HITS.toLocaleString('en')} in, ${exactStored.toLocaleString('en')} stored: ` +
        `${isExact ? 'equal' : 'MISMATCH'}\n`,
    );
    const outputDir = path.join(REPO_ROOT, 'bench', 'output');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(
      path.join(outputDir, 'tracker.json'),
      `${JSON.stringify({ date: new Date().toISOString(), duration, connections, threads, rounds, ratio, sent, answered, stored, exactStored, results, runs: Object.fromEntries(runs) }, null, 2)}\n`,
    );
    if (!isWithin || !isExact) process.exitCode = 1;
  } finally {
    for (const child of running.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
