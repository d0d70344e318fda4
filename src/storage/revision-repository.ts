import type { Kysely, Selectable } from 'kysely';
import type { Revision, RevisionStore, RevisionSummaryRow } from '../domain/ports/revision-store.ts';
import { parameterChunks } from './chunks.ts';
import type { Database, RevisionsTable } from './schema.ts';

/** Every saved version of articles, pages, people, terms and settings. */
export class RevisionRepository implements RevisionStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async add(revision: Omit<Revision, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('revisions')
      .values({
        entity_type: revision.entityType,
        entity_id: revision.entityId,
        version: revision.version,
        actor: revision.actor,
        note: revision.note,
        ...snapshotColumns(revision.snapshot),
        created_at: revision.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async addMany(revisions: Omit<Revision, 'id'>[]): Promise<void> {
    for (const chunk of parameterChunks(revisions, 8))
      await this.db
        .insertInto('revisions')
        .values(
          chunk.map((revision) => ({
            entity_type: revision.entityType,
            entity_id: revision.entityId,
            version: revision.version,
            actor: revision.actor,
            note: revision.note,
            ...snapshotColumns(revision.snapshot),
            created_at: revision.createdAt,
          })),
        )
        .execute();
  }

  async replaceHistory(
    entityType: string,
    entityId: number,
    revisions: Omit<Revision, 'id' | 'entityType' | 'entityId'>[],
  ): Promise<void> {
    await this.db
      .deleteFrom('revisions')
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .execute();
    await this.addMany(revisions.map((r) => ({ ...r, entityType, entityId })));
  }

  /** Revisions of one entity, newest first. */
  async list(entityType: string, entityId: number): Promise<Revision[]> {
    const rows = await this.db
      .selectFrom('revisions')
      .selectAll()
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .orderBy('version', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toRevision);
  }

  async listSummaries(entityType: string, entityId: number): Promise<RevisionSummaryRow[]> {
    const rows = await this.db
      .selectFrom('revisions')
      .select(['id', 'entity_type', 'entity_id', 'version', 'actor', 'note', 'created_at'])
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .orderBy('version', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toSummary);
  }

  async bytesSavedSince(actor: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('revisions')
      .select((eb) => eb.fn.sum<number | string | null>('byte_size').as('bytes'))
      .where('actor', '=', actor)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.bytes ?? 0);
  }

  async find(entityType: string, entityId: number, id: number): Promise<Revision | undefined> {
    const r = await this.db
      .selectFrom('revisions')
      .selectAll()
      .where('id', '=', id)
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .executeTakeFirst();
    return r && toRevision(r);
  }
}

/** A snapshot as stored, with its size in bytes (what a day's writing quota counts). */
function snapshotColumns(snapshot: unknown): { snapshot: string; byte_size: number } {
  const text = JSON.stringify(snapshot);
  return { snapshot: text, byte_size: Buffer.byteLength(text) };
}

type SummaryRow = Omit<Selectable<RevisionsTable>, 'snapshot' | 'byte_size'>;

function toSummary(r: SummaryRow): RevisionSummaryRow {
  return {
    id: r.id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    version: r.version,
    actor: r.actor,
    note: r.note,
    createdAt: r.created_at,
  };
}

function toRevision(r: Selectable<RevisionsTable>): Revision {
  const { createdAt, ...summary } = toSummary(r);
  return { ...summary, snapshot: JSON.parse(r.snapshot) as unknown, createdAt };
}
