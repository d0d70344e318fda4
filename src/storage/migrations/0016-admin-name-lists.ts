import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * The newsroom's term and page lists page by keyset in three orders (position, name, last
 * change), and its type-ahead pickers look names up by their beginning. Names are compared in
 * lower case and, on PostgreSQL, in the "C" collation: a range `name >= 'ab' AND name < 'ab…'`
 * is exactly "begins with" only under a byte-wise order, and the index must be built in the
 * order the queries ask for. Each index ends with the id, the keyset's tie-breaker.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const key = (column: string) =>
    ctx.dialect === 'postgres' ? `lower(${column}) COLLATE "C"` : `lower(${column})`;
  const indexes: [string, string, string][] = [
    ['terms_admin_position', 'terms', 'taxonomy_id, position, id'],
    ['terms_admin_name', 'terms', `taxonomy_id, ${key('name')}, id`],
    ['terms_admin_updated', 'terms', 'taxonomy_id, updated_at, id'],
    ['pages_admin_position', 'pages', 'position, id'],
    ['pages_admin_title', 'pages', `${key('title')}, id`],
    ['pages_admin_updated', 'pages', 'updated_at, id'],
    ['people_admin_lower_name', 'people', `${key('name')}, id`],
  ];
  for (const [name, table, columns] of indexes) {
    await sql.raw(`CREATE INDEX ${name} ON ${table} (${columns})`).execute(db);
  }
}
