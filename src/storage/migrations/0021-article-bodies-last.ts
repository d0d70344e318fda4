import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/** The two bodies as the first migration declared them, between the summary and the status. */
const BODIES = '"body_markdown" text not null, "body_html" text not null, ';

/**
 * On SQLite, moves the article bodies to the end of the articles table.
 *
 * SQLite stores a row's columns in the order the table declares them and reads a row from its
 * start up to the last column a query asks for. The bodies (several kilobytes each, which spill
 * onto overflow pages) were declared before the status, the dates and every column added since,
 * so each card of a listing, a feed or an article's related list read through both bodies of its
 * article: an 8-article summary query read about 60 KB instead of 4. SQLite cannot reorder
 * columns in place, so the table is made again in the new order, as SQLite documents
 * (https://www.sqlite.org/lang_altertable.html#otheralter): a new table, the rows copied with
 * their ids, the old table dropped, the new one renamed, its indexes made again and the id
 * sequence kept (so an id of a deleted article is never handed out again). Foreign keys are off
 * for the run (migrateToLatest turns them off and checks them before committing), or dropping the
 * old table would delete every row that refers to an article.
 *
 * It takes about as long as copying the table once (some 15 s for 20,000 generated articles on
 * a busy two-core machine), once, at the first start after an upgrade.
 *
 * Columns added later by ALTER TABLE land after the bodies again: a column that listings read
 * belongs in the same kind of rebuild. PostgreSQL keeps long values out of line already (TOAST):
 * nothing to do there.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'sqlite') return;
  const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  if (foreignKeys.rows[0]?.foreign_keys !== 0) {
    throw new Error('the articles table can only be rebuilt with foreign keys off');
  }
  const declared = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = 'articles'`.execute(db);
  const create = declared.rows[0]?.sql ?? '';
  // A table declared otherwise (made by hand, or already rebuilt) is left as it is.
  if (!create.includes(BODIES) || !create.endsWith(')')) return;

  const columns = await sql<{ name: string }>`pragma table_info("articles")`.execute(db);
  const names = columns.rows
    .map((c) => c.name)
    .filter((name) => name !== 'body_markdown' && name !== 'body_html');
  const list = [...names, 'body_markdown', 'body_html'].map((name) => `"${name}"`).join(', ');
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'articles' and sql is not null`.execute(
    db,
  );
  const sequence = await sql<{
    seq: number;
  }>`select seq from sqlite_sequence where name = 'articles'`.execute(db);

  const rebuilt = `${create.replace(BODIES, '').replace('"articles"', '"articles_rebuilt"').slice(0, -1)}, ${BODIES.slice(0, -2)})`;
  await sql.raw(rebuilt).execute(db);
  await sql.raw(`insert into "articles_rebuilt" (${list}) select ${list} from "articles"`).execute(db);
  await sql.raw('drop table "articles"').execute(db);
  await sql.raw('alter table "articles_rebuilt" rename to "articles"').execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);

  const kept = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'articles'`.execute(
    db,
  );
  const seq = Math.max(sequence.rows[0]?.seq ?? 0, kept.rows[0]?.seq ?? 0);
  await sql`delete from sqlite_sequence where name = 'articles'`.execute(db);
  // Bound as an integer: a JavaScript number is bound as a real, and the sequence read 9.0.
  if (seq > 0)
    await sql`insert into sqlite_sequence (name, seq) values ('articles', cast(${seq} as integer))`.execute(
      db,
    );
  // The query planner's statistics of the old table went with it.
  const hasStatistics = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (hasStatistics.rows.length > 0) await sql.raw('analyze "articles"').execute(db);
}
