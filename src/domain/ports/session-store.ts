/** A server-side session as stored; `id` is the hash of the cookie token. */
export interface SessionRecord {
  id: string;
  userId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** Sessions live in the database so any number of app processes share them. */
export interface SessionStore {
  insert(session: SessionRecord): Promise<void>;
  findById(id: string): Promise<SessionRecord | undefined>;
  touch(id: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Ends every session of a user; returns how many there were. */
  deleteForUser(userId: number): Promise<number>;
  deleteExpired(now: string): Promise<number>;
  /** A user's live sessions, most recently used first. */
  listForUser(userId: number, now: string): Promise<SessionRecord[]>;
  countForUser(userId: number, now: string): Promise<number>;
}
