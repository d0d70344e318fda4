import type { Kysely, Selectable } from 'kysely';
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
    return rows.map(variantOf);
  }

  async listForUrls(urls: string[]): Promise<Map<string, MediaVariant[]>> {
    const byUrl = new Map<string, MediaVariant[]>();
    const wanted = [...new Set(urls)];
    if (wanted.length === 0) return byUrl;
    const rows = await this.db
      .selectFrom('media_variants')
      .innerJoin('media', 'media.id', 'media_variants.media_id')
      .selectAll('media_variants')
      .select('media.url as media_url')
      .where('media.url', 'in', wanted)
      .orderBy('media_variants.media_id')
      .orderBy('media_variants.width')
      .execute();
    for (const row of rows) {
      const list = byUrl.get(row.media_url) ?? [];
      // Two entries at one address (an image imported twice): the first one's variants only.
      if (list[0] && list[0].mediaId !== row.media_id) continue;
      list.push(variantOf(row));
      byUrl.set(row.media_url, list);
    }
    return byUrl;
  }
}

function variantOf(r: Selectable<Database['media_variants']>): MediaVariant {
  return {
    id: r.id,
    mediaId: r.media_id,
    format: r.format,
    width: r.width,
    height: r.height,
    byteSize: r.byte_size,
    localPath: r.local_path,
    url: r.url,
  };
}
