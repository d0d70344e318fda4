import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MIGRATIONS } from '../../src/storage/migrations/index.ts';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/databases.ts';
import { REPO_ROOT } from '../helpers/server-process.ts';

interface Finished {
  code: number | null;
  out: string;
}

/** `bin/pressroom ARGS` on this Node, with `input` on stdin; ends with the process, or fails after a minute. */
function pressroom(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Finished> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'pressroom'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PRESSROOM_LOG__LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stdin.end(input);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`migrations started at once by several processes on ${kind}`, () => {
    it('run once, one process after the other, and every process succeeds', async () => {
      const database = await createTestDatabase(kind);
      try {
        const env = { DATABASE_URL: database.url, PRESSROOM_DATA: database.dataDir };
        const runs = await Promise.all([
          pressroom(['migrate'], env),
          pressroom(['migrate'], env),
          pressroom(
            ['user', 'create', '--email', 'first@example.org', '--role', 'admin'],
            env,
            'a long enough password\n',
          ),
          pressroom(
            ['user', 'create', '--email', 'second@example.org', '--role', 'editor'],
            env,
            'another long password\n',
          ),
        ]);
        for (const run of runs) assert.equal(run.code, 0, run.out);
        assert.match(runs[2]?.out ?? '', /Created admin first@example\.org/);
        assert.match(runs[3]?.out ?? '', /Created editor second@example\.org/);
        const applied = runs.flatMap((run) => [...run.out.matchAll(/^applied (\S+)$/gm)].map((m) => m[1]));
        const migrate = runs.slice(0, 2);
        // The user command migrates silently; whatever the two migrate commands applied, each
        // migration was applied by one process only.
        assert.equal(new Set(applied).size, applied.length, applied.join(' '));
        assert.ok(applied.every((name) => name !== undefined && name in MIGRATIONS));
        assert.ok(migrate.some((run) => /already up to date|applied/.test(run.out)));
      } finally {
        await database.drop();
      }
    });
  });
}
