import { type Kysely, type Selectable, sql } from 'kysely';
import type { TaxonomyStore, TermRecord } from '../domain/ports/taxonomy-store.ts';
import type { Taxonomy, Term } from '../domain/taxonomy.ts';
import { Errors } from '../errors.ts';
import { parameterChunks } from './chunks.ts';
import { runCompiled } from './compiled-query.ts';
import type { Database, TaxonomiesTable, TermsTable } from './schema.ts';

function toTaxonomy(row: Selectable<TaxonomiesTable>): Taxonomy {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    pluralName: row.plural_name,
    isHierarchical: row.is_hierarchical === 1,
    isMultiple: row.is_multiple === 1,
    position: row.position,
  };
}

function toTerm(row: Selectable<TermsTable>): Term {
  return {
    id: row.id,
    taxonomyId: row.taxonomy_id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    descriptionHtml: row.description_html,
    parentId: row.parent_id,
    position: row.position,
  };
}

/** Taxonomies and their terms. */
export class TaxonomyRepository implements TaxonomyStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async listTaxonomies(): Promise<Taxonomy[]> {
    const rows = await this.db
      .selectFrom('taxonomies')
      .selectAll()
      .orderBy('position')
      .orderBy('id')
      .execute();
    return rows.map(toTaxonomy);
  }

  async insertMissingTaxonomies(taxonomies: Omit<Taxonomy, 'id'>[]): Promise<void> {
    if (taxonomies.length === 0) return;
    await this.db
      .insertInto('taxonomies')
      .values(
        taxonomies.map((taxonomy) => ({
          slug: taxonomy.slug,
          name: taxonomy.name,
          plural_name: taxonomy.pluralName,
          is_hierarchical: taxonomy.isHierarchical ? 1 : 0,
          is_multiple: taxonomy.isMultiple ? 1 : 0,
          position: taxonomy.position,
        })),
      )
      .onConflict((conflict) => conflict.column('slug').doNothing())
      .execute();
  }

  async insertTaxonomy(taxonomy: Omit<Taxonomy, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('taxonomies')
      .values({
        slug: taxonomy.slug,
        name: taxonomy.name,
        plural_name: taxonomy.pluralName,
        is_hierarchical: taxonomy.isHierarchical ? 1 : 0,
        is_multiple: taxonomy.isMultiple ? 1 : 0,
        position: taxonomy.position,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async findTermById(id: number): Promise<Term | undefined> {
    const row = await this.db.selectFrom('terms').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTerm(row);
  }

  async findTerm(taxonomyId: number, slug: string): Promise<Term | undefined> {
    const row = await this.db
      .selectFrom('terms')
      .selectAll()
      .where('taxonomy_id', '=', taxonomyId)
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row && toTerm(row);
  }

  /** Case-insensitive match on the term's name within one taxonomy. */
  async findTermByName(taxonomyId: number, name: string): Promise<Term | undefined> {
    const row = await this.db
      .selectFrom('terms')
      .selectAll()
      .where('taxonomy_id', '=', taxonomyId)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .orderBy('id')
      .executeTakeFirst();
    return row && toTerm(row);
  }

  async findTermsByName(taxonomyId: number, name: string): Promise<Term[]> {
    const rows = await this.db
      .selectFrom('terms')
      .selectAll()
      .where('taxonomy_id', '=', taxonomyId)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .orderBy('id')
      .limit(20)
      .execute();
    return rows.map(toTerm);
  }

  async findTermsByIds(ids: number[]): Promise<Term[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('terms').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, toTerm(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async findTermsWithAncestors(ids: readonly number[]): Promise<Term[]> {
    const found = new Map<number, Term>();
    for (const chunk of parameterChunks([...new Set(ids)], 1)) {
      // UNION (not UNION ALL) drops the rows already found, so the walk ends even on a cycle.
      const { rows } = await sql<Selectable<TermsTable>>`
        with recursive lineage(id) as (
          select id from terms where id in (${sql.join(chunk)})
          union
          select terms.parent_id from terms join lineage on terms.id = lineage.id
          where terms.parent_id is not null
        )
        select terms.* from terms where terms.id in (select id from lineage)`.execute(this.db);
      for (const row of rows) found.set(row.id, toTerm(row));
    }
    return [...found.values()];
  }

  async listTerms(taxonomyId?: number): Promise<Term[]> {
    let query = this.db.selectFrom('terms').selectAll();
    if (taxonomyId !== undefined) query = query.where('taxonomy_id', '=', taxonomyId);
    const rows = await query.orderBy('position').orderBy('name').execute();
    return rows.map(toTerm);
  }

  async listTermsUpTo(taxonomyId: number, limit: number): Promise<Term[]> {
    // The order of the terms_admin_position index, so the database stops after `limit` rows.
    const rows = await this.db
      .selectFrom('terms')
      .selectAll()
      .where('taxonomy_id', '=', taxonomyId)
      .orderBy('position')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toTerm);
  }

  async listTermTimes(): Promise<Map<number, { createdAt: string; updatedAt: string }>> {
    const rows = await this.db.selectFrom('terms').select(['id', 'created_at', 'updated_at']).execute();
    return new Map(rows.map((r) => [r.id, { createdAt: r.created_at, updatedAt: r.updated_at }]));
  }

  /** Throws ALREADY_IN_USE when the taxonomy has the slug, leaving the transaction usable to read that term. */
  async insertTerm(record: TermRecord, now: string): Promise<number> {
    const row = await this.db
      .insertInto('terms')
      .values({ ...termRow(record), created_at: now, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw Errors.ALREADY_IN_USE({ field: 'slug' });
    return row.id;
  }

  async updateTerm(id: number, record: TermRecord, now: string): Promise<void> {
    await this.db
      .updateTable('terms')
      .set({ ...termRow(record), updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Number of published articles per term, for listings: read from the maintained listing counts. */
  async publishedCounts(termIds?: readonly number[]): Promise<Map<number, number>> {
    const select = this.db.selectFrom('listing_counts').select(['scope', 'count']).where('count', '>', 0);
    const rows = [];
    if (termIds === undefined) {
      rows.push(...(await select.where('scope', '>', 'term:').where('scope', '<', 'term;').execute()));
    } else {
      // The taxonomy index is a reader page: built once per number of terms (see runCompiled).
      for (const chunk of parameterChunks([...new Set(termIds)], 1))
        rows.push(
          ...(await runCompiled(
            this.db,
            'published counts of terms',
            chunk.map((id) => `term:${id}`),
            (scopes) => select.where('scope', 'in', scopes as string[]),
          )),
        );
    }
    return new Map(rows.map((r) => [Number(r.scope.slice('term:'.length)), Number(r.count)]));
  }
}

function termRow(record: TermRecord) {
  return {
    taxonomy_id: record.taxonomyId,
    slug: record.slug,
    name: record.name,
    description: record.description,
    description_html: record.descriptionHtml,
    parent_id: record.parentId,
    position: record.position,
  };
}
