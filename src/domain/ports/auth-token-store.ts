/** An unlock link lets the account's owner sign in from one browser while others' guesses lock it. */
export type AuthTokenKind = 'reset' | 'invite' | 'unlock';

export interface AuthTokenRecord {
  id: number;
  tokenHash: string;
  kind: AuthTokenKind;
  userId: number;
  createdBy: number | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

/** Single-use links for password resets and invitations, stored as hashes. */
export interface AuthTokenStore {
  insert(token: Omit<AuthTokenRecord, 'id' | 'usedAt'>): Promise<number>;
  findByHash(tokenHash: string): Promise<AuthTokenRecord | undefined>;
  /**
   * Marks a token used, only if it still is unused: returns false when another request won the
   * race, so a link works exactly once even with several processes.
   */
  markUsed(id: number, usedAt: string): Promise<boolean>;
  /** Voids every unused token of a kind for a user (a newer link replaces older ones). */
  voidForUser(userId: number, kind: AuthTokenKind, usedAt: string): Promise<void>;
  deleteById(id: number): Promise<void>;
  /** How many tokens of a kind were made for a user at or after `since` (to limit the mail they cost). */
  countSince(userId: number, kind: AuthTokenKind, since: string): Promise<number>;
}
