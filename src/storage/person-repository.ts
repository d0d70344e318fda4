import type { Kysely, Selectable } from 'kysely';
import { nameSkeleton } from '../domain/name-skeleton.ts';
import type { Person, PersonLink } from '../domain/person.ts';
import type { PersonRecord, PersonStore } from '../domain/ports/person-store.ts';
import { Errors } from '../errors.ts';
import { runCompiled } from './compiled-query.ts';
import type { Database, PeopleTable } from './schema.ts';

function parseLinks(json: string): PersonLink[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as PersonLink[]) : [];
  } catch {
    return [];
  }
}

function toPerson(row: Selectable<PeopleTable>): Person {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    bio: row.bio,
    bioHtml: row.bio_html,
    email: row.email,
    website: row.website,
    links: parseLinks(row.links),
    photo: row.photo,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(record: PersonRecord): Omit<Selectable<PeopleTable>, 'id'> {
  return {
    slug: record.slug,
    name: record.name,
    bio: record.bio,
    bio_html: record.bioHtml,
    email: record.email,
    website: record.website,
    links: JSON.stringify(record.links),
    photo: record.photo,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    name_skeleton: nameSkeleton(record.name),
  };
}

/** Authors, staff and guests alike. */
export class PersonRepository implements PersonStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async findById(id: number): Promise<Person | undefined> {
    const row = await this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPerson(row);
  }

  async findBySlug(slug: string): Promise<Person | undefined> {
    // Every author page asks: built once (see runCompiled), not anew per request.
    const [row] = await runCompiled(this.db, 'person by slug', [slug], ([given]) =>
      this.db
        .selectFrom('people')
        .selectAll()
        .where('slug', '=', given as string),
    );
    return row && toPerson(row);
  }

  /** Case-insensitive match on the display name. */
  async findByName(name: string): Promise<Person | undefined> {
    const row = await this.db
      .selectFrom('people')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .orderBy('id')
      .executeTakeFirst();
    return row && toPerson(row);
  }

  /** The earliest person whose name reads like `name` (same skeleton), however it is spelled. */
  async findByNameSkeleton(name: string): Promise<Person | undefined> {
    const skeleton = nameSkeleton(name);
    if (!skeleton) return undefined;
    const row = await this.db
      .selectFrom('people')
      .selectAll()
      .where('name_skeleton', '=', skeleton)
      .orderBy('id')
      .executeTakeFirst();
    return row && toPerson(row);
  }

  async findByIds(ids: number[]): Promise<Person[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('people').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, toPerson(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async list(): Promise<Person[]> {
    const rows = await this.db.selectFrom('people').selectAll().orderBy('name').execute();
    return rows.map(toPerson);
  }

  /** Throws ALREADY_IN_USE when the slug is taken, leaving the transaction usable to read the one that took it. */
  async insert(record: PersonRecord): Promise<number> {
    const row = await this.db
      .insertInto('people')
      .values(toRow(record))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw Errors.ALREADY_IN_USE({ field: 'slug' });
    return row.id;
  }

  async update(id: number, record: PersonRecord): Promise<void> {
    await this.db.updateTable('people').set(toRow(record)).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('people').where('id', '=', id).execute();
  }
}
