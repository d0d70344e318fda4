export interface Correction {
  id: number;
  articleId: number;
  /** "correction" (something was wrong) or "update" (something changed). */
  kind: string;
  note: string;
  createdAt: string;
}

/** Public, dated corrections and updates appended to articles. */
export interface CorrectionStore {
  listFor(articleId: number): Promise<Correction[]>;
  add(correction: Omit<Correction, 'id'>): Promise<number>;
}
