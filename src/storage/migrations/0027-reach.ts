import { type Kysely, sql } from 'kysely';

/**
 * Reach: the sites that sent readers to an article, as a count per article, UTC day and
 * referring host (only the host: never a full address, nothing about the reader). Rows older
 * than the detail period are folded into one row per article and day under the host '' (see
 * ReachRepository.rollUp). The day indexes serve site-wide figures over a period; the others
 * serve the roll-up and the site-wide list of mentions without reading the whole archive.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('article_referrers')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('host', 'varchar(260)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('article_referrers_pk', ['article_id', 'day', 'host'])
    .execute();
  await db.schema
    .createIndex('article_referrers_day')
    .on('article_referrers')
    .columns(['day', 'host'])
    .execute();
  // The roll-up looks only at detail not yet rolled up: these partial indexes hold just that,
  // so its daily read stays the size of the detail period, however long the archive.
  await db.schema
    .createIndex('article_referrers_detail')
    .on('article_referrers')
    .column('day')
    .where(sql.ref('host'), '<>', '')
    .execute();
  await db.schema
    .createIndex('republications_page_seen')
    .on('republications')
    .column('last_seen')
    .where(sql<boolean>`page <> host`)
    .execute();
  await db.schema
    .createIndex('webmentions_first_verified')
    .on('webmentions')
    .columns(['first_verified_at'])
    .execute();
}
