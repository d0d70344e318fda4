export interface Revision {
  id: number;
  entityType: string;
  entityId: number;
  version: number;
  actor: string;
  note: string | null;
  snapshot: unknown;
  createdAt: string;
}

/** A revision without its snapshot. */
export type RevisionSummaryRow = Omit<Revision, 'snapshot'>;

/** Every saved version of articles, pages, people, terms and settings. */
export interface RevisionStore {
  add(revision: Omit<Revision, 'id'>): Promise<number>;
  /** Several revisions in a few statements (an import's batch). */
  addMany(revisions: Omit<Revision, 'id'>[]): Promise<void>;
  /**
   * Gives one entity the history it had elsewhere instead of the one it has here (an entity an
   * import just made, whose own first revision the export's history replaces).
   */
  replaceHistory(
    entityType: string,
    entityId: number,
    revisions: Omit<Revision, 'id' | 'entityType' | 'entityId'>[],
  ): Promise<void>;
  /** The size in bytes of the revisions `actor` saved at or after `since` (an ISO time). */
  bytesSavedSince(actor: string, since: string): Promise<number>;
  /** Revisions of one entity, newest first. */
  list(entityType: string, entityId: number): Promise<Revision[]>;
  /**
   * Revisions of one entity, newest first, without their snapshots: for a history, whose
   * snapshots (a long article's body each) would cost time and memory with every save listed.
   */
  listSummaries(entityType: string, entityId: number): Promise<RevisionSummaryRow[]>;
  /** One revision of an entity, with its snapshot. */
  find(entityType: string, entityId: number, id: number): Promise<Revision | undefined>;
}
