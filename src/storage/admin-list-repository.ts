import { type Kysely, type RawBuilder, sql } from 'kysely';
import type {
  AdminListStore,
  NameListQuery,
  PageListRow,
  PersonChoiceRow,
  TermChoiceRow,
  TermListRow,
} from '../domain/ports/admin-list-store.ts';
import { likeContaining } from './like-pattern.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { Database } from './schema.ts';

/**
 * How many characters a picker's text needs before names holding it further in are suggested
 * too ("reis" finds "Ana Reis"): one letter is in nearly every name.
 */
const MIN_CONTAINED_LENGTH = 2;

/** The highest code point: every text that begins with `p` sorts below `p` followed by it, byte-wise. */
const LAST_CHARACTER = 0x10ffff;

interface TermListDbRow {
  id: number;
  slug: string;
  name: string;
  parent_id: number | null;
  position: number;
  updated_at: string;
  sort_key: string | number;
}

interface PageListDbRow {
  id: number;
  slug: string;
  title: string;
  status: string;
  show_in_navigation: number;
  position: number;
  updated_at: string;
  sort_key: string | number;
}

interface TermChoiceDbRow {
  id: number;
  taxonomy_id: number;
  slug: string;
  name: string;
}

/**
 * The statements behind the newsroom's term and page lists and its pickers (indexes: migration
 * 0016), exported so that a test can ask each database for their plans. Names are compared as
 * `lower(name)`, in the "C" collation on PostgreSQL, exactly as the indexes hold them: a prefix
 * is then a range of the index, and a page is a walk from the cursor that stops at its end.
 */
export function adminListQueries(dialect: DialectName) {
  const key = (column: string): RawBuilder<string> =>
    dialect === 'postgres'
      ? sql<string>`lower(${sql.ref(column)}) COLLATE "C"`
      : sql<string>`lower(${sql.ref(column)})`;
  const last = dialect === 'postgres' ? sql`chr(${LAST_CHARACTER})` : sql`char(${LAST_CHARACTER})`;
  const beginsWith = (column: string, text: string | undefined): RawBuilder<boolean> =>
    text === undefined
      ? sql<boolean>`1 = 1`
      : sql<boolean>`(${key(column)} >= lower(${text}) AND ${key(column)} < lower(${text}) || ${last})`;
  // A name holding `text` anywhere but at its start (the prefix is the index range above):
  // matched by reading the names in order, which the pickers do only once the prefix ran short.
  const holdsLater = (column: string, text: string): RawBuilder<boolean> => {
    const pattern = likeContaining(text);
    return sql<boolean>`(lower(${sql.ref(column)}) LIKE lower(${pattern}) ESCAPE '\\' AND NOT ${beginsWith(column, text)})`;
  };
  const order = (query: NameListQuery, nameColumn: string) => {
    const direction = query.sort === 'updated' ? sql`DESC` : sql`ASC`;
    const first =
      query.sort === 'position'
        ? sql.ref('position')
        : query.sort === 'name'
          ? key(nameColumn)
          : sql.ref('updated_at');
    let after = sql`1 = 1`;
    if (query.after) {
      const { id } = query.after;
      const value = query.sort === 'position' ? Number.parseInt(query.after.key, 10) || 0 : query.after.key;
      after =
        query.sort === 'updated'
          ? sql`(${first}, ${sql.ref('id')}) < (${value}, ${id})`
          : sql`(${first}, ${sql.ref('id')}) > (${value}, ${id})`;
    }
    return {
      first,
      after,
      orderBy: sql`ORDER BY ${first} ${direction}, ${sql.ref('id')} ${direction}`,
    };
  };
  return {
    terms(query: NameListQuery & { taxonomyId: number }) {
      const { first, after, orderBy } = order(query, 'name');
      return sql<TermListDbRow>`SELECT id, slug, name, parent_id, position, updated_at, ${first} AS sort_key
        FROM terms WHERE taxonomy_id = ${query.taxonomyId} AND ${beginsWith('name', query.text)} AND ${after}
        ${orderBy} LIMIT ${query.limit}`;
    },
    pages(query: NameListQuery) {
      const { first, after, orderBy } = order(query, 'title');
      return sql<PageListDbRow>`SELECT id, slug, title, status, show_in_navigation, position, updated_at,
        ${first} AS sort_key FROM pages WHERE ${beginsWith('title', query.text)} AND ${after}
        ${orderBy} LIMIT ${query.limit}`;
    },
    /**
     * How many terms match, counted no further than `cap`: the list's own walk of the index,
     * cut at the cap, so an unfiltered count reads at most `cap` index entries, never the table.
     */
    countTerms(query: Omit<NameListQuery, 'after' | 'limit'> & { taxonomyId: number }, cap: number) {
      return sql<{
        n: number | string;
      }>`SELECT count(*) AS n FROM (${this.terms({ ...query, limit: cap })}) AS matching`;
    },
    /** How many pages match, counted no further than `cap` (as countTerms). */
    countPages(query: Omit<NameListQuery, 'after' | 'limit'>, cap: number) {
      return sql<{
        n: number | string;
      }>`SELECT count(*) AS n FROM (${this.pages({ ...query, limit: cap })}) AS matching`;
    },
    suggestPeople(text: string, limit: number) {
      return sql<PersonChoiceRow>`SELECT id, slug, name FROM people WHERE ${beginsWith('name', text)}
        ORDER BY ${key('name')}, id LIMIT ${limit}`;
    },
    suggestPeopleContaining(text: string, limit: number) {
      return sql<PersonChoiceRow>`SELECT id, slug, name FROM people WHERE ${holdsLater('name', text)}
        ORDER BY ${key('name')}, id LIMIT ${limit}`;
    },
    suggestTermsContaining(text: string, taxonomyId: number, limit: number) {
      return sql<TermChoiceDbRow>`SELECT id, taxonomy_id, slug, name FROM terms
        WHERE taxonomy_id = ${taxonomyId} AND ${holdsLater('name', text)}
        ORDER BY ${key('name')}, id LIMIT ${limit}`;
    },
    suggestTerms(text: string, taxonomyId: number, limit: number) {
      return sql<TermChoiceDbRow>`SELECT id, taxonomy_id, slug, name FROM terms
        WHERE taxonomy_id = ${taxonomyId} AND ${beginsWith('name', text)}
        ORDER BY ${key('name')}, id LIMIT ${limit}`;
    },
    // A union of two lookups, each answered by its own index: an OR would read the whole
    // taxonomy on PostgreSQL, which takes its other condition from the taxonomy's index.
    peopleCalled(name: string, slug: string) {
      return sql<PersonChoiceRow>`SELECT id, slug, name FROM people WHERE slug = ${slug}
        UNION SELECT id, slug, name FROM people WHERE ${key('name')} = lower(${name}) LIMIT 20`;
    },
    termsCalled(name: string, slug: string, taxonomyId: number) {
      return sql<TermChoiceDbRow>`SELECT id, taxonomy_id, slug, name FROM terms
        WHERE taxonomy_id = ${taxonomyId} AND slug = ${slug}
        UNION SELECT id, taxonomy_id, slug, name FROM terms
        WHERE taxonomy_id = ${taxonomyId} AND ${key('name')} = lower(${name}) LIMIT 20`;
    },
  };
}

function toTermChoice(r: TermChoiceDbRow): TermChoiceRow {
  return { id: r.id, taxonomyId: r.taxonomy_id, slug: r.slug, name: r.name };
}

/** The newsroom's term and page lists and its type-ahead pickers, read by keyset from indexes. */
export class AdminListRepository implements AdminListStore {
  private readonly db: Kysely<Database>;
  private readonly queries: ReturnType<typeof adminListQueries>;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.queries = adminListQueries(dialect);
  }

  async terms(query: NameListQuery & { taxonomyId: number }): Promise<TermListRow[]> {
    const { rows } = await this.queries.terms(query).execute(this.db);
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      parentId: row.parent_id,
      position: row.position,
      updatedAt: row.updated_at,
      key: String(row.sort_key),
    }));
  }

  async pages(query: NameListQuery): Promise<PageListRow[]> {
    const { rows } = await this.queries.pages(query).execute(this.db);
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      status: row.status === 'published' ? 'published' : 'draft',
      showInNavigation: row.show_in_navigation === 1,
      position: row.position,
      updatedAt: row.updated_at,
      key: String(row.sort_key),
    }));
  }

  async countTerms(
    query: Omit<NameListQuery, 'after' | 'limit'> & { taxonomyId: number },
    cap: number,
  ): Promise<number> {
    const { rows } = await this.queries.countTerms(query, cap).execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async countPages(query: Omit<NameListQuery, 'after' | 'limit'>, cap: number): Promise<number> {
    const { rows } = await this.queries.countPages(query, cap).execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async suggestPeople(text: string, limit: number): Promise<PersonChoiceRow[]> {
    const { rows } = await this.queries.suggestPeople(text, limit).execute(this.db);
    if (rows.length >= limit || [...text].length < MIN_CONTAINED_LENGTH) return rows;
    const later = await this.queries.suggestPeopleContaining(text, limit - rows.length).execute(this.db);
    return [...rows, ...later.rows];
  }

  async suggestTerms(text: string, taxonomyIds: number[], limit: number): Promise<TermChoiceRow[]> {
    // One walk per taxonomy, each in its own range of the index: an IN list would sort every match.
    const found: TermChoiceRow[] = [];
    for (const taxonomyId of taxonomyIds) {
      const { rows } = await this.queries.suggestTerms(text, taxonomyId, limit).execute(this.db);
      found.push(...rows.map(toTermChoice));
    }
    if (found.length >= limit || [...text].length < MIN_CONTAINED_LENGTH) return found;
    for (const taxonomyId of taxonomyIds) {
      const { rows } = await this.queries
        .suggestTermsContaining(text, taxonomyId, limit - found.length)
        .execute(this.db);
      found.push(...rows.map(toTermChoice));
      if (found.length >= limit) break;
    }
    return found;
  }

  async peopleCalled(name: string, slug: string): Promise<PersonChoiceRow[]> {
    // Two index lookups joined: their few rows are put in order here, not by the database.
    const { rows } = await this.queries.peopleCalled(name, slug).execute(this.db);
    return rows.sort((a, b) => a.id - b.id);
  }

  async termsCalled(name: string, slug: string, taxonomyIds: number[]): Promise<TermChoiceRow[]> {
    const found: TermChoiceRow[] = [];
    for (const taxonomyId of taxonomyIds) {
      const { rows } = await this.queries.termsCalled(name, slug, taxonomyId).execute(this.db);
      found.push(...rows.map(toTermChoice).sort((a, b) => a.id - b.id));
    }
    return found;
  }
}
