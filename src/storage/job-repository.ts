import { type Kysely, type Selectable, sql } from 'kysely';
import type { Job, JobStatus, JobStore } from '../domain/ports/job-store.ts';
import type { Database, JobsTable } from './schema.ts';

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    kind: row.kind,
    dedupeKey: row.dedupe_key,
    payload: JSON.parse(row.payload) as unknown,
    runAt: row.run_at,
    status: row.status as JobStatus,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/**
 * The durable job queue. A job is claimed with a conditional UPDATE, so of several processes
 * polling the same database exactly one wins it; a claim carries a lock expiry, so a job whose
 * process died is claimed again once the lock runs out.
 */
export class JobRepository implements JobStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Adds a job, or re-arms the job with the same key (rescheduling replaces, never duplicates). */
  async put(
    job: { kind: string; dedupeKey: string; payload: unknown; runAt: string; maxAttempts?: number },
    now: string,
  ): Promise<number> {
    const values = {
      kind: job.kind,
      dedupe_key: job.dedupeKey,
      payload: JSON.stringify(job.payload),
      run_at: job.runAt,
      status: 'pending',
      attempts: 0,
      max_attempts: job.maxAttempts ?? 5,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      finished_at: null,
    };
    const { id } = await this.db
      .insertInto('jobs')
      .values(values)
      .onConflict((oc) =>
        oc.column('dedupe_key').doUpdateSet({
          kind: values.kind,
          payload: values.payload,
          run_at: values.run_at,
          status: 'pending',
          attempts: 0,
          max_attempts: values.max_attempts,
          locked_by: null,
          locked_until: null,
          last_error: null,
          finished_at: null,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Drops a job that has not started (an unscheduled article). */
  async cancel(dedupeKey: string): Promise<void> {
    await this.db
      .deleteFrom('jobs')
      .where('dedupe_key', '=', dedupeKey)
      .where('status', '=', 'pending')
      .execute();
  }

  async findByKey(dedupeKey: string): Promise<Job | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
    return row && toJob(row);
  }

  async findById(id: number): Promise<Job | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  /** Ids of jobs that may be claimed now: due and pending, or running under an expired lock. */
  async listClaimable(now: string, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async countWaiting(kind: string, atMost: number): Promise<number> {
    const rows = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('status', 'in', ['pending', 'running'])
      .where('kind', '=', kind)
      .limit(atMost)
      .execute();
    return rows.length;
  }

  /** Claims one job for `worker` until `lockedUntil`; returns it, or nothing when another process won. */
  async claim(id: number, worker: string, now: string, lockedUntil: string): Promise<Job | undefined> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: worker,
        locked_until: lockedUntil,
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.findById(id);
  }

  async extendLock(id: number, worker: string, lockedUntil: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: lockedUntil })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('locked_by', '=', worker)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async complete(id: number, worker: string, now: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: now, locked_by: null, locked_until: null, last_error: null })
      .where('id', '=', id)
      .where('locked_by', '=', worker)
      .execute();
  }

  /** Records a failure: retried at `retryAt`, or given up when attempts are used up or `retryAt` is null. */
  async fail(id: number, worker: string, error: string, retryAt: string | null, now: string): Promise<void> {
    const job = await this.findById(id);
    if (!job || job.lockedBy !== worker) return;
    const isExhausted = retryAt === null || job.attempts >= job.maxAttempts;
    await this.db
      .updateTable('jobs')
      .set({
        status: isExhausted ? 'failed' : 'pending',
        run_at: isExhausted ? job.runAt : retryAt,
        finished_at: isExhausted ? now : null,
        locked_by: null,
        locked_until: null,
        last_error: error.slice(0, 4000),
      })
      .where('id', '=', id)
      .where('locked_by', '=', worker)
      .execute();
  }

  async list(options: { status?: JobStatus; limit: number }): Promise<Job[]> {
    let query = this.db.selectFrom('jobs').selectAll().orderBy('run_at', 'desc').limit(options.limit);
    if (options.status) query = query.where('status', '=', options.status);
    return (await query.execute()).map(toJob);
  }
}
