import { CamelCasePlugin, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

type CamelKey<K extends string> = K extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelKey<Tail>>}`
  : K;
type CamelColumns<T> = { [K in keyof T as K extends string ? CamelKey<K> : K]: T[K] };

/** The schema as seen through CamelCasePlugin: the same tables, columns named in camelCase. */
export type CamelDatabase = { [Table in keyof Database]: CamelColumns<Database[Table]> };

/**
 * The connection (or transaction) with column names translated both ways, for repositories
 * whose records are their rows renamed: they select and insert records as they are, with no
 * hand mapping. Repositories that reshape rows (nested source and epigraph, 0/1 flags, JSON
 * text) keep their own mapping.
 */
export function camelCased(db: Kysely<Database>): Kysely<CamelDatabase> {
  return db.withPlugin(new CamelCasePlugin()) as unknown as Kysely<CamelDatabase>;
}
