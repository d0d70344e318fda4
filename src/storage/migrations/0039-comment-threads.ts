import { type Kysely, sql } from 'kysely';

/**
 * Long threads are read a page at a time. Each reply names the top-level comment its thread
 * starts from (`root_id`, null on a top-level comment), so that a page of top-level comments and
 * the first replies of each are read by keyset, whatever the number of comments under the
 * article: the top-level ones from a partial index of them on (article_id, created_at, id),
 * replies from (article_id, root_id, created_at, id). Replies to replies point at other replies,
 * so without the column a thread could only be gathered by walking it whole. (PostgreSQL reads
 * no order from an index past an IS NULL, and so walked every reply on the way to the newest
 * top-level comments: hence the partial index.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign key: a JSON load or restore writes a reply before its parent as often as after,
  // and erasing a member re-threads the replies to their comments before they go.
  await db.schema.alterTable('comments').addColumn('root_id', 'integer').execute();
  // UNION, not UNION ALL: an imported parent cycle ends the walk instead of looping; comments on
  // such a cycle keep no root and are shown at the top level.
  await sql`
    with recursive tree(id, root) as (
      select id, id from comments where parent_id is null
      union
      select c.id, tree.root from comments c join tree on c.parent_id = tree.id
    )
    update comments set root_id = tree.root from tree
    where comments.id = tree.id and tree.id <> tree.root`.execute(db);
  await db.schema
    .createIndex('comments_article_top')
    .on('comments')
    .columns(['article_id', 'created_at', 'id'])
    .where(sql.ref('root_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('comments_article_thread')
    .on('comments')
    .columns(['article_id', 'root_id', 'created_at', 'id'])
    .execute();
  // A deleted comment keeps its place only while replies hang from it, and re-parenting an
  // imported comment walks its replies: both look comments up by parent.
  await db.schema.createIndex('comments_parent').on('comments').column('parent_id').execute();
}
