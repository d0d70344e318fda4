import type { Kysely } from 'kysely';
import type { AuditEntry, AuditStore } from '../domain/ports/audit-store.ts';
import type { Database } from './schema.ts';

/** The append-only record of who did what. */
export class AuditRepository implements AuditStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async insert(entry: Omit<AuditEntry, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('audit_log')
      .values({
        actor_user_id: entry.actorUserId,
        actor_label: entry.actorLabel,
        action: entry.action,
        entity_type: entry.entityType,
        entity_id: entry.entityId,
        summary: entry.summary,
        created_at: entry.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Newest first; `beforeId` pages back. */
  async list(options: { limit: number; beforeId?: number }): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
    if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
    return (await query.execute()).map((row) => ({
      id: row.id,
      actorUserId: row.actor_user_id,
      actorLabel: row.actor_label,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      summary: row.summary,
      createdAt: row.created_at,
    }));
  }
}
