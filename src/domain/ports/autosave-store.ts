/** An editor's unsaved work on one article, and the version it started from. */
export interface Autosave {
  articleId: number;
  userId: number;
  baseVersion: number;
  snapshot: unknown;
  savedAt: string;
}

/** Autosaved work in progress, one per editor per article, apart from the article itself. */
export interface AutosaveStore {
  find(articleId: number, userId: number): Promise<Autosave | undefined>;
  put(autosave: Autosave): Promise<void>;
  remove(articleId: number, userId: number): Promise<void>;
}
