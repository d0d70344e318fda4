import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * What imports and exports need: comments (kept for the comments feature), a media index,
 * and the map from an entity in another system to ours, so re-running an import updates in place.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('comments'), ctx)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('author_name', 'varchar(300)', (c) => c.notNull())
    .addColumn('author_email', 'varchar(320)')
    .addColumn('author_url', 'varchar(2000)')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull().defaultTo('comment'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(300)')
    .execute();
  await db.schema
    .createIndex('comments_article')
    .on('comments')
    .columns(['article_id', 'created_at'])
    .execute();

  await idColumn(db.schema.createTable('media'), ctx)
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addColumn('local_path', 'varchar(2000)')
    .addColumn('mime', 'varchar(200)')
    .addColumn('alt', 'text')
    .addColumn('title', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(300)')
    .execute();
  await db.schema.createIndex('media_url').on('media').column('url').execute();

  // Recording a redirect repoints older ones that led to its source (no chains); imports record
  // thousands, and without this index each of those updates scans the whole table.
  await db.schema.createIndex('redirects_to_path').on('redirects').column('to_path').execute();

  await idColumn(db.schema.createTable('import_sources'), ctx)
    .addColumn('source', 'varchar(300)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(300)', (c) => c.notNull())
    .addColumn('entity_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('import_sources_unique', ['source', 'entity_type', 'source_id'])
    .execute();
  await db.schema
    .createIndex('import_sources_entity')
    .on('import_sources')
    .columns(['entity_type', 'entity_id'])
    .execute();
}
