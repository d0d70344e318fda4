/** Failed logins by key ("email:..." or "ip:..."), in the database so every process counts them. */
export interface LoginAttemptStore {
  /**
   * Records an attempt under each key and returns the ids and each key's count in the window,
   * this attempt included. In a transaction, parallel attempts count one after another.
   */
  reserve(keys: string[], at: string, since: string): Promise<{ ids: number[]; counts: number[] }>;
  /**
   * Holds the keys until the transaction ends, taken in the same order as `reserve` takes them:
   * a transaction that deletes a key's attempts takes it first, so that parallel sign-ins wait
   * for each other instead of deadlocking.
   */
  lock(keys: string[]): Promise<void>;
  deleteIds(ids: number[]): Promise<void>;
  countSince(key: string, since: string): Promise<number>;
  /** The oldest failure still inside the window, to tell the user when they may try again. */
  oldestSince(key: string, since: string): Promise<string | undefined>;
  clear(key: string): Promise<void>;
  /** Deletes attempts older than the window; rows another transaction holds are left for next time. */
  deleteBefore(before: string): Promise<void>;
}
