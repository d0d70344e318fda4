import type { Member, MemberSession, MemberToken, MemberTokenKind } from '../member.ts';

/** Members, their signed-in browsers, their mailed links, and the count of links asked for. */
export interface MemberStore {
  findById(id: number): Promise<Member | undefined>;
  /** By the normalised address (normaliseMemberEmail). */
  findByEmail(email: string): Promise<Member | undefined>;
  /**
   * Adds a pending member; undefined when the address is already taken (another sign-up won the
   * race), leaving the transaction usable to read the one that took it.
   */
  insertPending(member: { email: string; name: string; createdAt: string }): Promise<number | undefined>;
  /** Marks a pending member active with their consent; false when they were not pending. */
  activate(id: number, at: string, consentSource: string): Promise<boolean>;
  rename(id: number, name: string, at: string): Promise<void>;
  /** Moves a member to a new address; false when another member holds it. */
  changeEmail(id: number, email: string, at: string): Promise<boolean>;
  /** Deletes the member with their sessions and links. */
  delete(id: number): Promise<void>;

  insertToken(token: Omit<MemberToken, 'id' | 'usedAt'>): Promise<number>;
  findTokenByHash(tokenHash: string): Promise<MemberToken | undefined>;
  /** Marks a link used if it still is unused: false when another request used it first. */
  markTokenUsed(id: number, at: string): Promise<boolean>;
  /** Voids the member's unused links of a kind (a newer one replaces them). */
  voidTokens(memberId: number, kind: MemberTokenKind, at: string): Promise<void>;
  listTokens(memberId: number): Promise<MemberToken[]>;
  /** Deletes everyone's links that expired before a time (used or not): they open nothing any more. */
  deleteTokensExpiredBefore(before: string): Promise<void>;

  insertSession(session: MemberSession): Promise<void>;
  findSession(id: string): Promise<MemberSession | undefined>;
  /** Whether a tier is a paid one (member_tiers.is_paid): what opens paid articles. False for none. */
  isPaidTier(tierId: number): Promise<boolean>;
  touchSession(id: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Ends every session of the member; returns how many there were. */
  deleteSessionsOf(memberId: number): Promise<number>;
  deleteExpiredSessions(now: string): Promise<number>;
  listSessions(memberId: number): Promise<MemberSession[]>;

  /** Records one request for a link under each (hashed) key. */
  recordLinkRequest(keys: string[], at: string): Promise<void>;
  /** How many requests were recorded under the key since a time. */
  countLinkRequestsSince(key: string, since: string): Promise<number>;
  /** Forgets requests recorded before a time (or, with keys, only those under them). */
  forgetLinkRequests(options: { before?: string; keys?: string[] }): Promise<void>;
}
