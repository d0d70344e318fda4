import type { Logger } from 'pino';

/** One key's count since the last flush, with what it stands for. */
export interface PendingCount<T> {
  item: T;
  count: number;
}

export interface BatchedCountsOptions<T> {
  /** Writes one window's counts, all of them in one transaction; may return how many hits it kept. */
  write: (counts: PendingCount<T>[]) => Promise<number | undefined>;
  log: Pick<Logger, 'warn'>;
  /** Named in the log when a write fails or counts are dropped. */
  label: string;
  flushMs?: number;
  /** Distinct keys held between flushes; a hit on a new key past it is dropped (see `add`). */
  maxPending?: number;
  onFlushed?: (count: number) => void;
}

/**
 * Counts in memory and writes them every few seconds, so a hit costs a map update and never a
 * query. Each process keeps (and flushes) its own counts; `stop` writes what is left.
 */
export class BatchedCounts<T> {
  private pending = new Map<string, PendingCount<T>>();
  private timer: NodeJS.Timeout | null = null;
  private dropped = 0;
  /** The flush in progress, or a settled promise: the next one waits for it. */
  private writing: Promise<unknown> = Promise.resolve();
  private readonly maxPending: number;
  private readonly options: BatchedCountsOptions<T>;

  constructor(options: BatchedCountsOptions<T>) {
    this.options = options;
    this.maxPending = options.maxPending ?? 10_000;
  }

  /**
   * Counts one hit on `key`. Once `maxPending` distinct keys wait for the flush, a hit on a key
   * not among them is dropped (and false returned) while the waiting keys go on counting: a
   * flood of distinct keys cannot grow memory, and the window's counts so far are kept.
   * Returns the key's entry (its item as first given), or null when the hit was dropped.
   */
  add(key: string, item: T): PendingCount<T> | null {
    const entry = this.pending.get(key);
    if (entry) {
      entry.count++;
      return entry;
    }
    if (this.pending.size >= this.maxPending) {
      this.dropped++;
      return null;
    }
    const added = { item, count: 1 };
    this.pending.set(key, added);
    return added;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /**
   * Writes pending counts; returns how many hits were kept (0 when the write failed). A flush
   * called while another writes (the timer's, say) starts when that one is done: what it answers,
   * and what stop() leaves behind, is in the database.
   */
  flush(): Promise<number> {
    const flushed = this.writing.then(() => this.writePending());
    this.writing = flushed.catch(() => {});
    return flushed;
  }

  private async writePending(): Promise<number> {
    if (this.dropped > 0) {
      this.options.log.warn(
        { dropped: this.dropped, maxPending: this.maxPending },
        `${this.options.label}: too many distinct keys in one window, hits on new ones dropped`,
      );
      this.dropped = 0;
    }
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    let kept: number | undefined;
    try {
      kept = await this.options.write(batch);
    } catch (err) {
      this.options.log.warn({ err }, `${this.options.label}: could not write counts`);
      return 0;
    }
    const total = kept ?? batch.reduce((n, c) => n + c.count, 0);
    this.options.onFlushed?.(total);
    return total;
  }
}

/** When a counter writes and how many keys it holds: what the counter's owner may set. */
export type BatchedCountsTiming = Pick<BatchedCountsOptions<unknown>, 'flushMs' | 'maxPending' | 'onFlushed'>;

/**
 * A counter whose hits wait in a BatchedCounts: starting, stopping and flushing are the
 * batch's; the subclass decides which hits count and under what key.
 */
export abstract class BatchedCounter<T> {
  protected readonly counts: BatchedCounts<T>;
  private second = -1;
  private day = '';

  constructor(options: BatchedCountsOptions<T>) {
    this.counts = new BatchedCounts<T>(options);
  }

  start(): void {
    this.counts.start();
  }

  /** Stops the timer and writes what is pending (the server's stop path calls it). */
  stop(): Promise<void> {
    return this.counts.stop();
  }

  /** Writes pending counts now; returns how many hits were kept. */
  flush(): Promise<number> {
    return this.counts.flush();
  }

  /** The UTC day (YYYY-MM-DD) of a time in ms, worked out once a second: hits are counted per day. */
  protected dayOf(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.day = new Date(second * 1000).toISOString().slice(0, 10);
    }
    return this.day;
  }
}
