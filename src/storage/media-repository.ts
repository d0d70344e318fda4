import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type {
  MediaIndexStore,
  MediaItem,
  MediaRecord,
  MediaSearch,
  MediaUse,
} from '../domain/ports/media-store.ts';
import { parameterChunks } from './chunks.ts';
import { likeContaining } from './like-pattern.ts';
import type { Database, MediaTable } from './schema.ts';

function toMedia(row: Selectable<MediaTable>): MediaItem {
  return {
    id: row.id,
    url: row.url,
    localPath: row.local_path,
    mime: row.mime,
    alt: row.alt,
    caption: row.caption,
    title: row.title,
    createdAt: row.created_at,
    sourceId: row.source_id,
    uploadedBy: row.uploaded_by,
  };
}

function toRow(record: MediaRecord): Omit<Selectable<MediaTable>, 'id'> {
  return {
    url: record.url,
    local_path: record.localPath,
    mime: record.mime,
    alt: record.alt,
    caption: record.caption,
    title: record.title,
    created_at: record.createdAt,
    source_id: record.sourceId,
    uploaded_by: record.uploadedBy ?? null,
  };
}

/** The media index. */
export class MediaRepository implements MediaIndexStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async bytesUploadedSince(userId: number, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('media')
      .innerJoin('media_variants', 'media_variants.media_id', 'media.id')
      .select((eb) => eb.fn.sum<number | string | null>('media_variants.byte_size').as('bytes'))
      .where('media.uploaded_by', '=', userId)
      .where('media.created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.bytes ?? 0);
  }

  async findById(id: number): Promise<MediaItem | undefined> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMedia(row);
  }

  async findByIds(ids: number[]): Promise<MediaItem[]> {
    const found: MediaItem[] = [];
    for (const chunk of parameterChunks([...new Set(ids)], 1))
      found.push(
        ...(await this.db.selectFrom('media').selectAll().where('id', 'in', chunk).execute()).map(toMedia),
      );
    return found;
  }

  async findByUrl(url: string): Promise<MediaItem | undefined> {
    const row = await this.db
      .selectFrom('media')
      .selectAll()
      .where('url', '=', url)
      .orderBy('id')
      .executeTakeFirst();
    return row && toMedia(row);
  }

  async listAll(): Promise<MediaItem[]> {
    const rows = await this.db.selectFrom('media').selectAll().orderBy('id').execute();
    return rows.map(toMedia);
  }

  async searchUploads(query: MediaSearch): Promise<MediaItem[]> {
    // Newest first by the primary key, so an empty query reads only `limit` rows; each word
    // narrows by a LIKE over the text a person would search by.
    const text = sql<string>`lower(coalesce(alt, '') || ' ' || coalesce(caption, '') || ' ' || coalesce(title, '') || ' ' || url)`;
    let select = this.db.selectFrom('media').selectAll().where('local_path', 'is not', null);
    for (const word of query.words)
      select = select.where(sql<SqlBool>`${text} like ${likeContaining(word)} escape '\\'`);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toMedia);
  }

  async insert(record: MediaRecord): Promise<number> {
    const { id } = await this.db
      .insertInto('media')
      .values(toRow(record))
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async update(id: number, record: MediaRecord): Promise<void> {
    await this.db.updateTable('media').set(toRow(record)).where('id', '=', id).execute();
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('media_variants').where('media_id', '=', id).execute();
    await this.db.deleteFrom('media').where('id', '=', id).execute();
  }

  async findUses(url: string, limit: number): Promise<MediaUse[]> {
    const inBody = sql<SqlBool>`body_markdown like ${likeContaining(url)} escape '\\'`;
    const [articles, pages, people] = await Promise.all([
      this.db
        .selectFrom('articles')
        .select(['id', 'title', 'status', 'featured_image', 'deleted_at'])
        .where((eb) => eb.or([eb('featured_image', '=', url), inBody]))
        .orderBy('id')
        .limit(limit)
        .execute(),
      this.db
        .selectFrom('pages')
        .select(['id', 'title', 'status'])
        .where(inBody)
        .orderBy('id')
        .limit(limit)
        .execute(),
      this.db
        .selectFrom('people')
        .select(['id', 'name'])
        .where('photo', '=', url)
        .orderBy('id')
        .limit(limit)
        .execute(),
    ]);
    return [
      ...articles.map((a) => ({
        kind: 'article' as const,
        id: a.id,
        title: a.title,
        status: a.deleted_at ? 'deleted' : a.status,
        as: a.featured_image === url ? ('featured image' as const) : ('body' as const),
      })),
      ...pages.map((p) => ({
        kind: 'page' as const,
        id: p.id,
        title: p.title,
        status: p.status,
        as: 'body' as const,
      })),
      ...people.map((p) => ({
        kind: 'person' as const,
        id: p.id,
        title: p.name,
        status: null,
        as: 'photo' as const,
      })),
    ];
  }
}
