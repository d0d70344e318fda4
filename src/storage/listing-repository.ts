import { type Kysely, sql } from 'kysely';
import { type ListedArticle, type ListingCount, listingScope, listingScopesOf } from '../domain/listing.ts';
import { parameterChunks } from './chunks.ts';
import { runCompiled } from './compiled-query.ts';
import type { Database } from './schema.ts';

/**
 * How many published articles each listing holds (the site, a term, an author, a month) and
 * when one last changed, kept up to date by every save, so readers' pages count nothing.
 * Counts include articles published with a future date before their time (rare: only imports
 * make them); pages list only what is due.
 */
export class ListingRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /**
   * Records that a save moved an article from `before` to `after` (null: not published), in
   * the save's transaction: listed_at on its term and author rows, and the counts.
   */
  async recordSave(
    articleId: number,
    before: ListedArticle | null,
    after: ListedArticle | null,
    now: string,
  ): Promise<void> {
    const listedAt = after?.publishedAt ?? null;
    await this.db
      .updateTable('article_terms')
      .set({ listed_at: listedAt })
      .where('article_id', '=', articleId)
      .execute();
    await this.db
      .updateTable('article_authors')
      .set({ listed_at: listedAt })
      .where('article_id', '=', articleId)
      .execute();
    const old = listingScopesOf(before);
    const current = listingScopesOf(after);
    const changes: { scope: string; delta: number }[] = [];
    for (const scope of old) if (!current.has(scope)) changes.push({ scope, delta: -1 });
    for (const scope of current) changes.push({ scope, delta: old.has(scope) ? 0 : 1 });
    const lastModified = sql<string>`CASE WHEN excluded.last_modified > listing_counts.last_modified
      THEN excluded.last_modified ELSE listing_counts.last_modified END`;
    // Listings the article joins or stays in: one statement for all of them (a save touches
    // the site, its month, each term and each author).
    const staying = changes.filter((change) => change.delta >= 0);
    // A listing the article is in last changed when the article did (an import keeps the
    // source's date); one it left changed now.
    const changedAt = after?.modifiedAt ?? now;
    if (staying.length > 0)
      await this.db
        .insertInto('listing_counts')
        .values(staying.map(({ scope, delta }) => ({ scope, count: delta, last_modified: changedAt })))
        .onConflict((oc) =>
          oc
            .column('scope')
            .doUpdateSet({ count: sql`listing_counts.count + excluded.count`, last_modified: lastModified }),
        )
        .execute();
    for (const { scope, delta } of changes.filter((change) => change.delta < 0)) {
      await this.db
        .insertInto('listing_counts')
        .values({ scope, count: 0, last_modified: now })
        .onConflict((oc) =>
          oc
            .column('scope')
            .doUpdateSet({ count: sql`listing_counts.count + ${delta}`, last_modified: lastModified }),
        )
        .execute();
    }
  }

  /**
   * Records that new articles were saved (an import's batch): the counts of the listings the
   * published ones join, and the newest change among them, in one statement. Their term and author rows carry listed_at already
   * (ArticleStore.addRelations).
   */
  async recordNew(listed: ListedArticle[], now: string): Promise<void> {
    const counts = new Map<string, { count: number; lastModified: string }>();
    for (const article of listed)
      for (const scope of listingScopesOf(article)) {
        const known = counts.get(scope);
        const modifiedAt = article.modifiedAt || now;
        if (!known) counts.set(scope, { count: 1, lastModified: modifiedAt });
        else {
          known.count++;
          if (modifiedAt > known.lastModified) known.lastModified = modifiedAt;
        }
      }
    const lastModified = sql<string>`CASE WHEN excluded.last_modified > listing_counts.last_modified
      THEN excluded.last_modified ELSE listing_counts.last_modified END`;
    for (const chunk of parameterChunks([...counts], 3))
      await this.db
        .insertInto('listing_counts')
        .values(
          chunk.map(([scope, { count, lastModified: modified }]) => ({
            scope,
            count,
            last_modified: modified,
          })),
        )
        .onConflict((oc) =>
          oc
            .column('scope')
            .doUpdateSet({ count: sql`listing_counts.count + excluded.count`, last_modified: lastModified }),
        )
        .execute();
  }

  /** Counts terms again from their articles (after articles moved between terms in a merge). */
  async recountTerms(termIds: number[], now: string): Promise<void> {
    for (const termId of termIds) {
      const row = await this.db
        .selectFrom('article_terms')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('term_id', '=', termId)
        .where('listed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      const scope = listingScope.term(termId);
      await this.db
        .insertInto('listing_counts')
        .values({ scope, count: Number(row.n), last_modified: now })
        .onConflict((oc) => oc.column('scope').doUpdateSet({ count: Number(row.n), last_modified: now }))
        .execute();
    }
  }

  async get(scope: string, now?: string): Promise<ListingCount> {
    const [row] = await runCompiled(this.db, 'listing count', [scope], ([given]) =>
      this.db
        .selectFrom('listing_counts')
        .select(['count', 'last_modified'])
        .where('scope', '=', given as string),
    );
    const count = Number(row?.count ?? 0);
    const later = now === undefined ? 0 : await this.countLater(scope, now);
    return { count: Math.max(0, count - later), lastModified: row?.last_modified ?? '' };
  }

  /**
   * Published articles of a listing dated after `now` (imports bring a few): counted through
   * the same ordered indexes, so the cost follows how many there are, not the archive.
   */
  private async countLater(scope: string, now: string): Promise<number> {
    const [kind, key] = scope.split(':');
    // Every listing page asks: built once per kind (see runCompiled), not anew per request.
    let rows: { n: number | string | bigint }[] = [];
    if (kind === 'site')
      rows = await runCompiled(this.db, 'site articles after now', [now], ([after]) =>
        this.db
          .selectFrom('articles')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('status', '=', 'published')
          .where('published_at', '>', after as string),
      );
    else if (kind === 'term' || kind === 'person') {
      // A term's and an author's listings are read alike, from their link tables.
      const [table, column] =
        kind === 'term' ? ['article_terms', 'term_id'] : ['article_authors', 'person_id'];
      rows = await runCompiled(
        this.db,
        `${kind} articles after now`,
        [Number(key), now],
        ([id, after]) =>
          sql<{ n: number | string | bigint }>`
          SELECT count(*) AS n FROM ${sql.table(table)}
          WHERE ${sql.ref(column)} = ${id} AND listed_at > ${after}`,
      );
    }
    return Number(rows[0]?.n ?? 0);
  }

  /** Non-empty scopes of one kind ("term", "person", "month"), by the key after the colon. */
  async nonEmpty(kind: 'term' | 'person' | 'month'): Promise<Map<string, ListingCount>> {
    // A range on the primary key, not LIKE: both databases read only that kind's rows.
    const rows = await this.db
      .selectFrom('listing_counts')
      .select(['scope', 'count', 'last_modified'])
      .where('scope', '>', `${kind}:`)
      .where('scope', '<', `${kind};`)
      .where('count', '>', 0)
      .execute();
    return new Map(
      rows.map((r) => [
        r.scope.slice(kind.length + 1),
        { count: Number(r.count), lastModified: r.last_modified },
      ]),
    );
  }

  /**
   * Works every listing out again from the articles: after writes that bypass article saves
   * (a JSON import or restore). Reads the whole archive; never on a reader's request.
   */
  async rebuild(): Promise<void> {
    for (const table of ['article_terms', 'article_authors']) {
      await sql`UPDATE ${sql.table(table)} SET listed_at = (
        SELECT CASE WHEN a.status = 'published' THEN a.published_at END FROM articles a
        WHERE a.id = ${sql.table(table)}.article_id)`.execute(this.db);
    }
    await sql`DELETE FROM listing_counts`.execute(this.db);
    await sql`INSERT INTO listing_counts (scope, count, last_modified)
      SELECT 'site', count(*), coalesce(max(updated_at), '') FROM articles WHERE status = 'published'`.execute(
      this.db,
    );
    await sql`INSERT INTO listing_counts (scope, count, last_modified)
      SELECT 'month:' || substr(published_at, 1, 7), count(*), max(updated_at) FROM articles
      WHERE status = 'published' AND published_at IS NOT NULL GROUP BY substr(published_at, 1, 7)`.execute(
      this.db,
    );
    await sql`INSERT INTO listing_counts (scope, count, last_modified)
      SELECT 'term:' || x.term_id, count(*), max(a.updated_at) FROM article_terms x
      JOIN articles a ON a.id = x.article_id WHERE x.listed_at IS NOT NULL GROUP BY x.term_id`.execute(
      this.db,
    );
    await sql`INSERT INTO listing_counts (scope, count, last_modified)
      SELECT 'person:' || x.person_id, count(*), max(a.updated_at) FROM article_authors x
      JOIN articles a ON a.id = x.article_id WHERE x.listed_at IS NOT NULL GROUP BY x.person_id`.execute(
      this.db,
    );
  }
}
