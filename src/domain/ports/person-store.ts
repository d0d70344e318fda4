import type { Person } from '../person.ts';

export type PersonRecord = Omit<Person, 'id'>;

/** Authors, staff and guests alike. */
export interface PersonStore {
  findById(id: number): Promise<Person | undefined>;
  findBySlug(slug: string): Promise<Person | undefined>;
  /** Case-insensitive match on the display name. */
  findByName(name: string): Promise<Person | undefined>;
  /** The earliest person whose name reads like `name` (lookalike letters, case, spacing aside). */
  findByNameSkeleton(name: string): Promise<Person | undefined>;
  findByIds(ids: number[]): Promise<Person[]>;
  list(): Promise<Person[]>;
  insert(record: PersonRecord): Promise<number>;
  update(id: number, record: PersonRecord): Promise<void>;
  /** Removes the row; the caller has checked that no byline or account refers to it. */
  delete(id: number): Promise<void>;
}
