// Newsletter sending throughput: one issue to N members (100,000 by default) through the job
// queue and the pooled SMTP transport, to an SMTP sink in its own process on 127.0.0.1. Reports
// messages per second and the sender's peak resident memory, sampled through the run (it should
// stay flat: recipients are read in batches, the issue is rendered once).
//
//   npm run bench:newsletter [-- --members 100000 --db sqlite|postgres --connections 5 --rate 0]
//
// With --db postgres it uses BENCH_DATABASE_URL (an admin URL; a database is made and dropped).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../src/config.ts';
import { jobRunnerFor } from '../src/jobs/job-runner-for.ts';
import { createIssue, sendIssue } from '../src/services/newsletters/issues.ts';
import { createWiring } from '../src/wiring.ts';
import { addMembers, subscribeMembers } from '../test/helpers/newsletters.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'sqlite' },
    connections: { type: 'string', default: '5' },
    rate: { type: 'string', default: '0' },
  },
});
const members = Number(values.members);

/** The sink in its own process: its port, and a way to ask how many messages it took. */
async function startSink() {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'lib', 'smtp-sink.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const nextLine = async () => String((await iterator.next()).value);
  const port = Number(await nextLine());
  return {
    port,
    count: async () => {
      child.stdin.write('count\n');
      return Number(await nextLine());
    },
    stop: () => child.kill(),
  };
}

async function databaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-newsletter-'));
  if (values.db !== 'postgres')
    return {
      url: `sqlite:${path.join(dir, 'bench.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  const admin = process.env.BENCH_DATABASE_URL;
  if (!admin) throw new Error('set BENCH_DATABASE_URL for --db postgres');
  const name = `pressroom_bench_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sink = await startSink();
const database = await databaseUrl();
const config = parseConfig({
  database: { url: database.url },
  site: { url: 'https://bench.example' },
  log: { level: 'warn' },
  mail: { host: '127.0.0.1', port: sink.port, from: 'Bench <bench@bench.example>' },
  newsletter: { connections: Number(values.connections), messagesPerSecond: Number(values.rate) },
});
const wiring = await createWiring({ config, log: pino({ level: 'warn' }), shouldShareChanges: false });
try {
  const newsletterId = await wiring.store.newsletters.createNewsletter(
    { slug: 'daily', name: 'The Daily', kind: 'daily' },
    new Date().toISOString(),
  );
  const memberIds = await addMembers(wiring.database.db, { count: members, prefix: 'bench' });
  await subscribeMembers(wiring.database.db, newsletterId, memberIds);
  memberIds.length = 0;
  const issueId = await createIssue(wiring, { newsletterId, subject: 'Bench issue', articleIds: [] });

  const rssAtStart = process.memoryUsage().rss;
  // Samples through the run: flat memory means the second half's peak is no higher than the first's.
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 100);
  const started = performance.now();
  await sendIssue(wiring, issueId);
  const runner = jobRunnerFor(wiring, { workerId: 'bench' });
  while ((await wiring.store.newsletters.findIssue(issueId))?.status !== 'sent') await runner.runDue();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const received = await sink.count();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const half = Math.floor(samples.length / 2);
  const peakOf = (part: number[]) => Math.max(rssAtStart, ...part);
  process.stdout.write(
    `${[
      `members:        ${members} (${values.db}, ${values.connections} connections, rate ${values.rate === '0' ? 'unlimited' : `${values.rate}/s`})`,
      `received:       ${received} messages by the sink`,
      `time:           ${seconds.toFixed(1)} s`,
      `throughput:     ${(members / seconds).toFixed(0)} messages/s (target >= 300)`,
      `RSS:            ${mb(rssAtStart)} MB before sending, peak ${mb(peakOf(samples))} MB (first half ${mb(peakOf(samples.slice(0, half)))} MB, second half ${mb(peakOf(samples.slice(half)))} MB)`,
    ].join('\n')}\n`,
  );
  if (received !== members) process.exitCode = 1;
} finally {
  await wiring.close();
  sink.stop();
  await database.drop();
}
