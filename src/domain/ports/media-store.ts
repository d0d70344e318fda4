import type { FieldError } from '../../errors.ts';
import { lengthErrors } from '../limits.ts';

/** An image or file the publication uses: where it is served from, and a copy on disk if we hold one. */
export interface MediaItem {
  id: number;
  url: string;
  /** Path below the data folder's media directory, when the file was copied in. */
  localPath: string | null;
  mime: string | null;
  alt: string | null;
  /** Shown under the image where an article inserts it from the library. */
  caption: string | null;
  title: string | null;
  createdAt: string;
  sourceId: string | null;
  /** The staff user who uploaded it here (not set for imported images). */
  uploadedBy?: number | null;
}

export type MediaRecord = Omit<MediaItem, 'id'>;

/** The longest value of each of a media entry's short fields, in characters: what the columns hold. */
export const MEDIA_LIMITS = { url: 2000, localPath: 2000, mime: 200, sourceId: 300 } as const;

/** Every field of a media entry longer than it may be, by field (the export's column names). */
export function mediaLengthErrors(
  media: Pick<MediaRecord, 'url' | 'localPath' | 'mime' | 'sourceId'>,
): FieldError[] {
  return lengthErrors([
    ['url', media.url, MEDIA_LIMITS.url],
    ['local_path', media.localPath, MEDIA_LIMITS.localPath],
    ['mime', media.mime, MEDIA_LIMITS.mime],
    ['source_id', media.sourceId, MEDIA_LIMITS.sourceId],
  ]);
}

/** The media index. */
export interface MediaIndexStore {
  findById(id: number): Promise<MediaItem | undefined>;
  findByIds(ids: number[]): Promise<MediaItem[]>;
  findByUrl(url: string): Promise<MediaItem | undefined>;
  listAll(): Promise<MediaItem[]>;
  /** Uploaded images (with a local file) matching every word, newest first, at most `limit`. */
  searchUploads(query: MediaSearch): Promise<MediaItem[]>;
  insert(record: MediaRecord): Promise<number>;
  /** The bytes of the files (every variant) of the images `userId` uploaded at or after `since`. */
  bytesUploadedSince(userId: number, since: string): Promise<number>;
  update(id: number, record: MediaRecord): Promise<void>;
  /** Removes the entry and its variants' rows (the files are the media store's). */
  remove(id: number): Promise<void>;
  /**
   * What refers to `url`: articles (deleted ones too: they can be restored) by featured image or
   * body, pages by body, people by photo. By id, at most `limit` of each.
   */
  findUses(url: string, limit: number): Promise<MediaUse[]>;
}

/** What the image library looks for. */
export interface MediaSearch {
  /** Lower-case words, each found somewhere in the description, caption, title or address. */
  words: string[];
  /** Only images older than this one (the next page). */
  beforeId?: number;
  limit: number;
}

/** One place an image is used. */
export interface MediaUse {
  kind: 'article' | 'page' | 'person';
  id: number;
  /** The article's or page's title, the person's name. */
  title: string;
  /** The article's or page's status ("deleted" for a deleted article); null for a person. */
  status: string | null;
  /** How: as the featured image, in the body, or as the photo. */
  as: 'featured image' | 'body' | 'photo';
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
  /** The variants of the images at these main URLs (a featured image's address), by URL, in one query. */
  listForUrls(urls: string[]): Promise<Map<string, MediaVariant[]>>;
}
