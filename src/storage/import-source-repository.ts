import type { Kysely } from 'kysely';
import type {
  ImportedEntityType,
  ImportSourceStore,
  SourceKey,
} from '../domain/ports/import-source-store.ts';
import type { Database } from './schema.ts';

/** Remembers what each imported entity became, so importing the same file again updates in place. */
export class ImportSourceRepository implements ImportSourceStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async find(key: SourceKey): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('import_sources')
      .select('entity_id')
      .where('source', '=', key.source)
      .where('entity_type', '=', key.entityType)
      .where('source_id', '=', key.sourceId)
      .executeTakeFirst();
    return row?.entity_id;
  }

  /** Every mapping of one source and entity type, source id to our id. */
  async mapOf(source: string, entityType: ImportedEntityType): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('import_sources')
      .select(['source_id', 'entity_id'])
      .where('source', '=', source)
      .where('entity_type', '=', entityType)
      .execute();
    return new Map(rows.map((r) => [r.source_id, r.entity_id]));
  }

  async put(key: SourceKey, entityId: number, now: string): Promise<void> {
    await this.db
      .insertInto('import_sources')
      .values({
        source: key.source,
        source_id: key.sourceId,
        entity_type: key.entityType,
        entity_id: entityId,
        created_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['source', 'entity_type', 'source_id']).doUpdateSet({ entity_id: entityId }),
      )
      .execute();
  }

  async listAll(): Promise<(SourceKey & { entityId: number; createdAt: string })[]> {
    const rows = await this.db.selectFrom('import_sources').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      source: r.source,
      sourceId: r.source_id,
      entityType: r.entity_type as ImportedEntityType,
      entityId: r.entity_id,
      createdAt: r.created_at,
    }));
  }
}
