/**
 * The longest address a redirect is kept for, from or to, in characters (as the address is
 * stored: percent-encoded, so a letter outside ASCII takes several). Longer ones are refused.
 */
export const MAX_REDIRECT_PATH_LENGTH = 2000;

export interface Redirect {
  fromPath: string;
  /** Where the address moved; empty when it is gone (status 410). */
  toPath: string;
  /** 301 (or another 30x) for a move, 410 for an address that is gone for good. */
  statusCode: number;
}

/** Old URLs (renamed slugs, imported permalinks, deleted articles) and what they answer now. */
export interface RedirectStore {
  find(fromPath: string): Promise<Redirect | undefined>;
  /** Records that `fromPath` moved to `toPath`, and repoints older redirects to it so none chains. */
  put(redirect: Redirect, now: string): Promise<void>;
  /** Those of these paths that have a redirect. */
  findMany(fromPaths: string[]): Promise<Redirect[]>;
  /** The same as `put` of each in turn, in as few statements as their paths allow. */
  putMany(redirects: Redirect[], now: string): Promise<void>;
  /**
   * Records that `fromPath` is gone for good (410). Redirects that led to it are left alone: they
   * end there now, and lead to it again should it come back.
   */
  markGone(fromPath: string, now: string): Promise<void>;
  /** Forgets what `fromPath` answered. */
  remove(fromPath: string): Promise<void>;
  list(): Promise<Redirect[]>;
  /**
   * The redirects recorded after the one with id `afterId`, in the order they were recorded, at
   * most `limit`, with when each was recorded where the store keeps it (for an export).
   */
  listAfter(afterId: number, limit: number): Promise<(Redirect & { id: number; createdAt?: string })[]>;
}
