/** Failed logins by key ("email:..." or "ip:..."), in the database so every process counts them. */
export interface LoginAttemptStore {
  record(keys: string[], at: string): Promise<void>;
  countSince(key: string, since: string): Promise<number>;
  /** The oldest failure still inside the window, to tell the user when they may try again. */
  oldestSince(key: string, since: string): Promise<string | undefined>;
  clear(key: string): Promise<void>;
  deleteBefore(before: string): Promise<void>;
}
