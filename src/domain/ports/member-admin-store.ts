import type { AdminMember, MemberListFilters, MemberTier } from '../member-admin.ts';

/** A member as an import writes them: fields left out are kept as they are on an existing member. */
export interface ImportedMember {
  email: string;
  name?: string;
  tierId?: number;
  consent?: { at: string; source: string };
}

/** A tier's fields as the admin sets them. */
export type MemberTierFields = Pick<MemberTier, 'slug' | 'name' | 'description' | 'isPaid' | 'priceLabel'>;

/**
 * The members admin's reads and writes: the list (newest first, by keyset on the id), one member's
 * record and the changes an admin makes to it, imports, and the tiers.
 */
export interface MemberAdminStore {
  /** Up to `limit` members matching the filters, newest first, after `afterId` when given. */
  list(filters: MemberListFilters & { limit: number }): Promise<AdminMember[]>;
  /**
   * The id of the `size`th member below `afterId` (newest first; from the newest without it),
   * where a page of a search anywhere stops reading; undefined when fewer are left.
   */
  searchWindowEnd(afterId: number | undefined, size: number): Promise<number | undefined>;
  /** How many members match, counted no further than `cap` (read from the list's own index). */
  count(filters: Omit<MemberListFilters, 'afterId'>, cap: number): Promise<number>;
  findById(id: number): Promise<AdminMember | undefined>;
  setTier(id: number, tierId: number | null, at: string): Promise<void>;
  setBanned(id: number, isBanned: boolean, at: string): Promise<void>;
  /**
   * Writes a batch of imported members: new addresses are added as active members, existing
   * ones updated in place. Says how many of each. Addresses must be distinct within the batch.
   */
  importBatch(rows: readonly ImportedMember[], at: string): Promise<{ created: number; updated: number }>;

  tiers(): Promise<MemberTier[]>;
  findTier(id: number): Promise<MemberTier | undefined>;
  findTierBySlug(slug: string): Promise<MemberTier | undefined>;
  /** How many members each tier has, by tier id (tiers without members are absent). */
  tierMemberCounts(): Promise<Map<number, number>>;
  /** Adds a tier at the end of the order. */
  insertTier(fields: MemberTierFields, at: string): Promise<MemberTier>;
  updateTier(id: number, fields: MemberTierFields, at: string): Promise<void>;
  setTierActive(id: number, isActive: boolean, at: string): Promise<void>;
  /** Numbers the tiers 1, 2, 3… in the order of `ids`. */
  setTierOrder(ids: readonly number[], at: string): Promise<void>;
}
