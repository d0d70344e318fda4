export type ImportedEntityType = 'article' | 'page' | 'person' | 'term' | 'comment' | 'media';

/** The key of an entity in another system: which system (and site), and its id there. */
export interface SourceKey {
  source: string;
  sourceId: string;
  entityType: ImportedEntityType;
}

/** Remembers what each imported entity became, so importing the same file again updates in place. */
export interface ImportSourceStore {
  find(key: SourceKey): Promise<number | undefined>;
  /** Every mapping of one source and entity type, source id to our id. */
  mapOf(source: string, entityType: ImportedEntityType): Promise<Map<string, number>>;
  put(key: SourceKey, entityId: number, now: string): Promise<void>;
  listAll(): Promise<
    (SourceKey & {
      entityId: number;
      createdAt: string;
    })[]
  >;
}
