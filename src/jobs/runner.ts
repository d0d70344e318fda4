import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { toIsoTimestamp } from '../domain/article.ts';
import type { Job } from '../domain/ports/job-store.ts';
import type { Store } from '../domain/ports/store.ts';
import { isAppError } from '../errors.ts';

/** Runs one kind of job. Handlers must be idempotent: a job may run again after a crash. */
export type JobHandler = (job: Job) => Promise<void>;

export interface JobRunnerOptions {
  store: Store;
  log: Logger;
  now: () => Date;
  handlers: Record<string, JobHandler>;
  /**
   * Work done on every poll, before the queued jobs (publishing what has come due). Each
   * task must be safe to run in every process at once; it returns how much it did.
   */
  recurring?: Record<string, () => Promise<number>>;
  /** How often to look for due jobs. */
  pollMs?: number;
  /** How long a claim holds; a job still running after this is assumed dead and claimed again. */
  lockMs?: number;
  /** Names this process in locked_by. */
  workerId?: string;
  /**
   * How long one run may go on claiming jobs before it ends and the next poll starts with the
   * recurring work again: a queue of slow jobs (webmention sources that never answer, which
   * anyone can send) must not hold scheduled publication back.
   */
  maxRunMs?: number;
}

const DEFAULT_MAX_RUN_MS = 30_000;

const BACKOFF_MS = [30_000, 120_000, 600_000, 3_600_000];

/**
 * Failures that trying again cannot mend: the job ends at its first. A mail server that refused
 * an address for good would refuse it on every try, and each try would mail nothing but count
 * against the address's daily links.
 */
const FINAL_FAILURES = new Set<string>(['MAIL_REFUSED']);

/**
 * Polls the jobs table and runs due jobs. Any number of processes may run one against the
 * same database: each job is claimed by exactly one of them (see JobRepository.claim).
 */
export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private isStopped = false;
  readonly workerId: string;

  private readonly options: JobRunnerOptions;

  constructor(options: JobRunnerOptions) {
    this.options = options;
    this.workerId = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  }

  /** Starts polling. */
  start(): void {
    this.isStopped = false;
    const poll = () => {
      if (this.isStopped) return;
      this.running ??= this.runDue().finally(() => {
        this.running = undefined;
      });
      void this.running.catch((err: unknown) => this.options.log.error({ err }, 'job polling failed'));
    };
    this.timer = setInterval(poll, this.options.pollMs ?? 5000);
    this.timer.unref();
    poll();
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** Runs the recurring tasks, then claims and runs every job due now; returns how much ran. Tests call it directly. */
  async runDue(): Promise<number> {
    const { store, log } = this.options;
    let ran = 0;
    for (const [name, task] of Object.entries(this.options.recurring ?? {})) {
      if (this.isStopped) break;
      try {
        ran += await task();
      } catch (err) {
        log.error({ err, task: name }, 'recurring task failed');
      }
    }
    const startedAt = this.options.now().getTime();
    const maxRunMs = this.options.maxRunMs ?? DEFAULT_MAX_RUN_MS;
    const hasTimeLeft = () => this.options.now().getTime() - startedAt < maxRunMs;
    for (;;) {
      if (this.isStopped || !hasTimeLeft()) break;
      const now = this.options.now();
      const nowIso = toIsoTimestamp(now);
      const candidates = await store.jobs.listClaimable(nowIso, 10);
      if (candidates.length === 0) break;
      let claimedAny = false;
      for (const id of candidates) {
        if (this.isStopped || !hasTimeLeft()) break;
        const lockedUntil = toIsoTimestamp(new Date(now.getTime() + (this.options.lockMs ?? 300_000)));
        const job = await store.jobs.claim(id, this.workerId, nowIso, lockedUntil);
        if (!job) continue;
        claimedAny = true;
        ran++;
        await this.runOne(job, log);
      }
      if (!claimedAny) break;
    }
    return ran;
  }

  private async runOne(job: Job, log: Logger): Promise<void> {
    const { store } = this.options;
    const handler = this.options.handlers[job.kind];
    try {
      if (!handler) throw new Error(`No handler for job kind "${job.kind}"`);
      await handler(job);
      await store.jobs.complete(job.id, this.workerId, toIsoTimestamp(this.options.now()));
      log.info({ jobId: job.id, kind: job.kind }, 'job done');
    } catch (err) {
      const now = this.options.now();
      const delay = BACKOFF_MS[Math.min(job.attempts - 1, BACKOFF_MS.length - 1)] ?? 60_000;
      const message = err instanceof Error ? err.message : String(err);
      const isFinal = isAppError(err) && FINAL_FAILURES.has(err.code);
      await store.jobs.fail(
        job.id,
        this.workerId,
        message,
        isFinal ? null : toIsoTimestamp(new Date(now.getTime() + delay)),
        toIsoTimestamp(now),
      );
      const about = { jobId: job.id, kind: job.kind, attempt: job.attempts, ...(isFinal ? { isFinal } : {}) };
      // An expected failure with its reason in its words (another site down, say) is no fault of
      // ours and can come from anyone's input: a warning. A bug, or a failure whose cause the
      // operator needs (the mail server, the disk), is an error with its stack.
      if (isAppError(err) && err.cause === undefined)
        log.warn({ ...about, code: err.code, reason: err.message }, 'job failed');
      else log.error({ ...about, err }, 'job failed');
    }
  }
}
