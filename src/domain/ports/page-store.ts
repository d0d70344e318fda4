import type { Page } from '../page.ts';

export type PageRecord = Omit<Page, 'id'>;

/** Static pages. */
export interface PageStore {
  findBySlug(slug: string): Promise<Page | undefined>;
  findById(id: number): Promise<Page | undefined>;
  list(): Promise<Page[]>;
  insert(record: PageRecord): Promise<number>;
  update(id: number, record: PageRecord): Promise<void>;
  /** Removes the row (its revisions stay, in the revision log). */
  delete(id: number): Promise<void>;
}
