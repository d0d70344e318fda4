/** An image or file the publication uses: where it is served from, and a copy on disk if we hold one. */
export interface MediaItem {
  id: number;
  url: string;
  /** Path below the data folder's media directory, when the file was copied in. */
  localPath: string | null;
  mime: string | null;
  alt: string | null;
  title: string | null;
  createdAt: string;
  sourceId: string | null;
}

export type MediaRecord = Omit<MediaItem, 'id'>;

/** The media index. */
export interface MediaIndexStore {
  findById(id: number): Promise<MediaItem | undefined>;
  findByIds(ids: number[]): Promise<MediaItem[]>;
  findByUrl(url: string): Promise<MediaItem | undefined>;
  listAll(): Promise<MediaItem[]>;
  insert(record: MediaRecord): Promise<number>;
  update(id: number, record: MediaRecord): Promise<void>;
}

/** One resized, re-encoded copy of an uploaded image. */
export interface MediaVariant {
  id: number;
  mediaId: number;
  /** webp, avif, jpeg or png. */
  format: string;
  width: number;
  height: number;
  byteSize: number;
  /** Path below the media directory. */
  localPath: string;
  url: string;
}

/** The variants of uploaded images, used to build srcset and <picture> sources. */
export interface MediaVariantStore {
  add(variant: Omit<MediaVariant, 'id'>): Promise<number>;
  listFor(mediaIds: number[]): Promise<MediaVariant[]>;
}
