export type ImportedEntityType = 'article' | 'page' | 'person' | 'term' | 'comment' | 'media';

/**
 * The longest source (system and site) and source id kept, in characters: no more than the
 * columns hold. Importers shorten a longer one so that it still names one thing (see the import
 * session's keptSourceId).
 */
export const MAX_SOURCE_KEY_LENGTH = 300;

/** The key of an entity in another system: which system (and site), and its id there. */
export interface SourceKey {
  source: string;
  sourceId: string;
  entityType: ImportedEntityType;
}

/** One string for an entity type and a source id, as `findMany` keys its answer. */
export function sourceKeyOf(entityType: ImportedEntityType, sourceId: string): string {
  return `${entityType}:${sourceId}`;
}

/** Remembers what each imported entity became, so importing the same file again updates in place. */
export interface ImportSourceStore {
  find(key: SourceKey): Promise<number | undefined>;
  /** Every mapping of one source and entity type, source id to our id. */
  mapOf(source: string, entityType: ImportedEntityType): Promise<Map<string, number>>;
  /** Which of these keys of one source are mapped, by `sourceKeyOf(entityType, sourceId)`. */
  findMany(
    source: string,
    keys: { entityType: ImportedEntityType; sourceId: string }[],
  ): Promise<Map<string, number>>;
  /** The source keys that remember having made (or taken) this entity of ours. */
  keysOf(entityType: ImportedEntityType, entityId: number): Promise<{ source: string; sourceId: string }[]>;
  put(key: SourceKey, entityId: number, now: string): Promise<void>;
  /** The same as `put` of each in turn, in a few statements. */
  putMany(entries: (SourceKey & { entityId: number })[], now: string): Promise<void>;
  listAll(): Promise<
    (SourceKey & {
      entityId: number;
      createdAt: string;
    })[]
  >;
}
