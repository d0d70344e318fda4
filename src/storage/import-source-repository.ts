import { type Kysely, sql } from 'kysely';
import {
  type ImportedEntityType,
  type ImportSourceStore,
  type SourceKey,
  sourceKeyOf,
} from '../domain/ports/import-source-store.ts';
import { parameterChunks } from './chunks.ts';
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

  async keysOf(
    entityType: ImportedEntityType,
    entityId: number,
  ): Promise<{ source: string; sourceId: string }[]> {
    const rows = await this.db
      .selectFrom('import_sources')
      .select(['source', 'source_id'])
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .execute();
    return rows.map((r) => ({ source: r.source, sourceId: r.source_id }));
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

  async findMany(
    source: string,
    keys: { entityType: ImportedEntityType; sourceId: string }[],
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const byType = new Map<ImportedEntityType, string[]>();
    for (const key of keys) byType.set(key.entityType, [...(byType.get(key.entityType) ?? []), key.sourceId]);
    for (const [entityType, sourceIds] of byType)
      for (const chunk of parameterChunks([...new Set(sourceIds)], 1)) {
        const rows = await this.db
          .selectFrom('import_sources')
          .select(['source_id', 'entity_id'])
          .where('source', '=', source)
          .where('entity_type', '=', entityType)
          .where('source_id', 'in', chunk)
          .execute();
        for (const row of rows) found.set(sourceKeyOf(entityType, row.source_id), row.entity_id);
      }
    return found;
  }

  async putMany(entries: (SourceKey & { entityId: number })[], now: string): Promise<void> {
    // The last word on each key wins, as it would with one put after another.
    const last = new Map(
      entries.map((e) => [`${e.source}\u0000${sourceKeyOf(e.entityType, e.sourceId)}`, e]),
    );
    for (const chunk of parameterChunks([...last.values()], 5))
      await this.db
        .insertInto('import_sources')
        .values(
          chunk.map((e) => ({
            source: e.source,
            source_id: e.sourceId,
            entity_type: e.entityType,
            entity_id: e.entityId,
            created_at: now,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['source', 'entity_type', 'source_id'])
            .doUpdateSet({ entity_id: sql`excluded.entity_id` }),
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
