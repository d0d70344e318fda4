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

/** Every saved version of articles, pages, people, terms and settings. */
export interface RevisionStore {
  add(revision: Omit<Revision, 'id'>): Promise<number>;
  /** Several revisions in a few statements (an import's batch). */
  addMany(revisions: Omit<Revision, 'id'>[]): Promise<void>;
  /** Revisions of one entity, newest first. */
  list(entityType: string, entityId: number): Promise<Revision[]>;
}
