export interface Correction {
  id: number;
  articleId: number;
  /** "correction" (something was wrong) or "update" (something changed). */
  kind: string;
  note: string;
  createdAt: string;
  /** When its kind or note was last edited; null when never. */
  updatedAt: string | null;
  /** When it was withdrawn (it no longer stands); null while it is current. */
  withdrawnAt: string | null;
  /** Why it was withdrawn, shown to readers in its place. */
  withdrawnReason: string | null;
}

/** What a correction's edit or withdrawal writes. */
export type CorrectionChange = Pick<
  Correction,
  'kind' | 'note' | 'updatedAt' | 'withdrawnAt' | 'withdrawnReason'
>;

/** Public, dated corrections and updates appended to articles. */
export interface CorrectionStore {
  /** An article's corrections, withdrawn ones included, oldest first. */
  listFor(articleId: number): Promise<Correction[]>;
  find(articleId: number, id: number): Promise<Correction | undefined>;
  add(correction: Omit<Correction, 'id'>): Promise<number>;
  update(id: number, change: CorrectionChange): Promise<void>;
}
