import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { SmtpMailer } from '../../src/adapters/mailer.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { signUpMember } from '../../src/services/members/access.ts';
import { MEMBER_LINK_JOB } from '../../src/services/members/links.ts';
import type { Wiring } from '../../src/wiring.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const START = new Date('2026-11-20T12:00:00.000Z');
const HOUR = 3_600_000;

/** A logger whose lines the test reads, raw, to see what it would keep. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

/** A port on 127.0.0.1 where nothing listens (a mail server that is down). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

for (const kind of DATABASE_KINDS) {
  describe(`members' link mail: refusals for good and for now on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let isGreylisting = true;
    const captured = capturingLogger();
    const mailerAt = (port: number) =>
      new SmtpMailer(
        {
          host: '127.0.0.1',
          port,
          secure: false,
          user: '',
          password: '',
          from: 'Desk <desk@review.example>',
        },
        captured.log,
      );
    let wiring: Wiring;

    const join = (email: string) =>
      signUpMember(
        { ...wiring, config: wiring.config },
        { email, name: '', honeypot: '', sender: `10.9.${Math.floor(Math.random() * 250)}.1` },
      );
    /** The link job queued for an address's latest sign-up. */
    const linkJobOf = async (email: string) => {
      const member = await wiring.store.members.findByEmail(email);
      assert.ok(member, email);
      const jobs = await wiring.store.jobs.list({ limit: 100 });
      const job = jobs.find(
        (j) => j.kind === MEMBER_LINK_JOB && (j.payload as { memberId?: number }).memberId === member.id,
      );
      assert.ok(job, `a link job for ${email}`);
      return job;
    };

    before(async () => {
      t = await createTestWiring(kind, { now: START });
      smtp = await startSmtpCapture({
        replyToRecipient: (address) => {
          if (address.startsWith('nobody.here@'))
            return { code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown` };
          if (address.startsWith('greylisted@') && isGreylisting)
            return { code: 451, message: `4.7.1 <${address}>: Greylisted, try again later` };
          return undefined;
        },
      });
      wiring = { ...t.wiring, log: captured.log, mailer: mailerAt(smtp.port) };
    });
    after(async () => {
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test('a 550 ends the job at once: failed after one try, never retried, the address kept out of the record and the log', async () => {
      await join('Nobody.Here@Example.org');
      await jobRunnerFor(wiring).runDue();
      const job = await linkJobOf('nobody.here@example.org');
      assert.equal(job.status, 'failed');
      assert.equal(job.attempts, 1);
      assert.match(job.lastError ?? '', /550/);
      assert.doesNotMatch(job.lastError ?? '', /nobody\.here/i);
      const log = captured.lines.join('');
      assert.match(log, /550/);
      assert.doesNotMatch(log, /nobody\.here/i, 'the refused address is in no log line');

      t.setNow(new Date(START.getTime() + 24 * HOUR));
      await jobRunnerFor(wiring).runDue();
      assert.equal((await linkJobOf('nobody.here@example.org')).attempts, 1, 'not tried again');
      assert.equal(smtp.messages.length, 0);
    });

    test('a 451 is tried again later, after a wait, and then delivered', async () => {
      t.setNow(START);
      await join('greylisted@example.org');
      await jobRunnerFor(wiring).runDue();
      const waiting = await linkJobOf('greylisted@example.org');
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.attempts, 1);
      assert.ok(Date.parse(waiting.runAt) > START.getTime(), 'retried after a wait');
      assert.doesNotMatch(captured.lines.join(''), /greylisted@/i);

      isGreylisting = false;
      t.setNow(new Date(START.getTime() + HOUR));
      await jobRunnerFor(wiring).runDue();
      assert.equal((await linkJobOf('greylisted@example.org')).status, 'done');
      assert.equal(smtp.messages.length, 1);
    });

    test('a mail server that cannot be reached is tried again later', async () => {
      t.setNow(START);
      const down = { ...wiring, mailer: mailerAt(await closedPort()) };
      await join('unreachable@example.org');
      await jobRunnerFor(down).runDue();
      const waiting = await linkJobOf('unreachable@example.org');
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.attempts, 1);
      assert.ok(Date.parse(waiting.runAt) > START.getTime());
      down.mailer.close();
    });
  });
}
