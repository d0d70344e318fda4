import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/** The core content schema: settings, people, taxonomies, terms, articles, pages, revisions, redirects. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('people'), ctx)
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('bio', 'text')
    .addColumn('bio_html', 'text')
    .addColumn('email', 'varchar(320)')
    .addColumn('website', 'varchar(2000)')
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('photo', 'varchar(2000)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('taxonomies'), ctx)
    .addColumn('slug', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('plural_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('is_hierarchical', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_multiple', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await idColumn(db.schema.createTable('terms'), ctx)
    .addColumn('taxonomy_id', 'integer', (c) => c.notNull().references('taxonomies.id').onDelete('cascade'))
    .addColumn('slug', 'varchar(200)', (c) => c.notNull())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('description_html', 'text')
    .addColumn('parent_id', 'integer', (c) => c.references('terms.id').onDelete('set null'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('terms_taxonomy_slug_unique', ['taxonomy_id', 'slug'])
    .execute();

  await idColumn(db.schema.createTable('articles'), ctx)
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('subtitle', 'text')
    .addColumn('summary', 'text')
    .addColumn('epigraph_text', 'text')
    .addColumn('epigraph_attribution', 'text')
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('published_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('source_name', 'varchar(500)')
    .addColumn('source_url', 'varchar(2000)')
    .addColumn('canonical_url', 'varchar(2000)')
    .addColumn('license', 'varchar(200)')
    .addColumn('language', 'varchar(35)', (c) => c.notNull().defaultTo('en'))
    .addColumn('featured_image', 'varchar(2000)')
    .addColumn('featured_image_alt', 'text')
    .addColumn('visibility', 'varchar(20)', (c) => c.notNull().defaultTo('public'))
    .addColumn('is_featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('has_comments', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('word_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('articles_status_published')
    .on('articles')
    .columns(['status', 'published_at'])
    .execute();

  await db.schema
    .createTable('article_authors')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_authors_pk', ['article_id', 'person_id'])
    .execute();
  await db.schema.createIndex('article_authors_person').on('article_authors').column('person_id').execute();

  await db.schema
    .createTable('article_terms')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('term_id', 'integer', (c) => c.notNull().references('terms.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_terms_pk', ['article_id', 'term_id'])
    .execute();
  await db.schema.createIndex('article_terms_term').on('article_terms').column('term_id').execute();

  await idColumn(db.schema.createTable('pages'), ctx)
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('show_in_navigation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('revisions'), ctx)
    .addColumn('entity_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('actor', 'varchar(200)', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('revisions_entity')
    .on('revisions')
    .columns(['entity_type', 'entity_id', 'version'])
    .execute();

  await idColumn(db.schema.createTable('redirects'), ctx)
    .addColumn('from_path', 'varchar(2000)', (c) => c.notNull().unique())
    .addColumn('to_path', 'varchar(2000)', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull().defaultTo(301))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('corrections'), ctx)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('corrections_article').on('corrections').column('article_id').execute();
}
