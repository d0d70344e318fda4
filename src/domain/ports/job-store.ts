export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface Job {
  id: number;
  kind: string;
  dedupeKey: string;
  payload: unknown;
  runAt: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * The durable job queue. A job is claimed with a conditional UPDATE, so of several processes
 * polling the same database exactly one wins it; a claim carries a lock expiry, so a job whose
 * process died is claimed again once the lock runs out.
 */
export interface JobStore {
  /** Adds a job, or re-arms the job with the same key (rescheduling replaces, never duplicates). */
  put(
    job: {
      kind: string;
      dedupeKey: string;
      payload: unknown;
      runAt: string;
      maxAttempts?: number;
    },
    now: string,
  ): Promise<number>;
  /** Drops a job that has not started (an unscheduled article). */
  cancel(dedupeKey: string): Promise<void>;
  findByKey(dedupeKey: string): Promise<Job | undefined>;
  findById(id: number): Promise<Job | undefined>;
  /** Ids of jobs that may be claimed now: due and pending, or running under an expired lock. */
  listClaimable(now: string, limit: number): Promise<number[]>;
  /** Claims one job for `worker` until `lockedUntil`; returns it, or nothing when another process won. */
  claim(id: number, worker: string, now: string, lockedUntil: string): Promise<Job | undefined>;
  /**
   * Moves the lock of a job `worker` still holds to `lockedUntil` (a long job renews a short lock,
   * so that it is taken over soon after its process dies); false when the worker lost it.
   */
  extendLock(id: number, worker: string, lockedUntil: string): Promise<boolean>;
  complete(id: number, worker: string, now: string): Promise<void>;
  /** Records a failure: retried at `retryAt`, or given up when attempts are used up or `retryAt` is null. */
  fail(id: number, worker: string, error: string, retryAt: string | null, now: string): Promise<void>;
  list(options: { status?: JobStatus; limit: number }): Promise<Job[]>;
  /** How many jobs of a kind wait or run, counted up to `atMost` (the cost stays bounded). */
  countWaiting(kind: string, atMost: number): Promise<number>;
}
