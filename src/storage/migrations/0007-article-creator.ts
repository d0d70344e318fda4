import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Who created each article, stored once instead of being read from the first revision (which
 * two places did, each its own way). Filled from the first revision where a staff user made it;
 * imports, the command line and the demo leave it empty.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('articles').addColumn('created_by', 'integer').execute();
  const isUserId =
    ctx.dialect === 'postgres'
      ? sql`r.actor ~ '^[0-9]+$'`
      : sql`r.actor <> '' AND r.actor NOT GLOB '*[^0-9]*'`;
  await sql`
    UPDATE articles SET created_by = (
      SELECT CAST(r.actor AS INTEGER) FROM revisions r
      WHERE r.entity_type = 'article' AND r.entity_id = articles.id AND ${isUserId}
        AND r.version = (
          SELECT min(f.version) FROM revisions f WHERE f.entity_type = 'article' AND f.entity_id = articles.id
        )
      ORDER BY r.id LIMIT 1
    )`.execute(db);
}
