import type { Kysely } from 'kysely';
import type { MediaVariant, MediaVariantStore } from '../domain/ports/media-store.ts';
import type { Database } from './schema.ts';

/** The variants of uploaded images, used to build srcset and <picture> sources. */
export class MediaVariantRepository implements MediaVariantStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async add(variant: Omit<MediaVariant, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('media_variants')
      .values({
        media_id: variant.mediaId,
        format: variant.format,
        width: variant.width,
        height: variant.height,
        byte_size: variant.byteSize,
        local_path: variant.localPath,
        url: variant.url,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async listFor(mediaIds: number[]): Promise<MediaVariant[]> {
    if (mediaIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('media_variants')
      .selectAll()
      .where('media_id', 'in', mediaIds)
      .orderBy('media_id')
      .orderBy('width')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      mediaId: r.media_id,
      format: r.format,
      width: r.width,
      height: r.height,
      byteSize: r.byte_size,
      localPath: r.local_path,
      url: r.url,
    }));
  }
}
