export interface AuditEntry {
  id: number;
  actorUserId: number | null;
  actorLabel: string;
  action: string;
  entityType: string | null;
  entityId: string | null;
  summary: string;
  createdAt: string;
}

/** The append-only record of who did what. */
export interface AuditStore {
  insert(entry: Omit<AuditEntry, 'id'>): Promise<number>;
  /** Newest first; `beforeId` pages back. */
  list(options: { limit: number; beforeId?: number }): Promise<AuditEntry[]>;
}
