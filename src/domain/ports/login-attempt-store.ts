/** Sign-in attempts by key ("email:..." or "ip:..."), in the database so every process counts them. */
export interface LoginAttemptStore {
  /**
   * Holds the keys until the transaction ends, in one order for every caller, so that parallel
   * sign-ins count and record one after another, and wait for each other instead of deadlocking.
   */
  lock(keys: string[]): Promise<void>;
  /**
   * Each key's attempts in the window: failures, and attempts still in flight (their password
   * being checked). One in flight since before `staleBefore` counts as a failure: the process
   * checking it stopped before saying how it ended.
   */
  tally(
    keys: string[],
    since: string,
    staleBefore: string,
  ): Promise<{ failures: number[]; inFlight: number[] }>;
  /** Records an attempt in flight under each key; returns their ids. */
  begin(keys: string[], at: string): Promise<number[]>;
  /** Turns attempts in flight into failures. */
  fail(ids: number[]): Promise<void>;
  deleteIds(ids: number[]): Promise<void>;
  /** Every attempt in the window, failed or in flight. */
  countSince(key: string, since: string): Promise<number>;
  /** The oldest failure still inside the window, to tell the user when they may try again. */
  oldestSince(key: string, since: string): Promise<string | undefined>;
  /** Forgets the key's failures; attempts still in flight settle on their own. */
  clearFailures(key: string): Promise<void>;
  /** Forgets every attempt under the key. */
  clear(key: string): Promise<void>;
  /** Deletes attempts older than the window; rows another transaction holds are left for next time. */
  deleteBefore(before: string): Promise<void>;
}
