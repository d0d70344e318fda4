import type { Kysely, Selectable } from 'kysely';
import type { Page } from '../domain/page.ts';
import type { PageRecord, PageStore } from '../domain/ports/page-store.ts';
import { Errors } from '../errors.ts';
import type { Database, PagesTable } from './schema.ts';

function toPage(row: Selectable<PagesTable>): Page {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    bodyMarkdown: row.body_markdown,
    bodyHtml: row.body_html,
    status: row.status === 'published' ? 'published' : 'draft',
    showInNavigation: row.show_in_navigation === 1,
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(record: PageRecord): Omit<Selectable<PagesTable>, 'id'> {
  return {
    slug: record.slug,
    title: record.title,
    body_markdown: record.bodyMarkdown,
    body_html: record.bodyHtml,
    status: record.status,
    show_in_navigation: record.showInNavigation ? 1 : 0,
    position: record.position,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** Static pages. */
export class PageRepository implements PageStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async findBySlug(slug: string): Promise<Page | undefined> {
    const row = await this.db.selectFrom('pages').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row && toPage(row);
  }

  async findById(id: number): Promise<Page | undefined> {
    const row = await this.db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPage(row);
  }

  async list(): Promise<Page[]> {
    const rows = await this.db.selectFrom('pages').selectAll().orderBy('position').orderBy('title').execute();
    return rows.map(toPage);
  }

  /** Throws ALREADY_IN_USE when the slug is taken, leaving the transaction usable to read the one that took it. */
  async insert(record: PageRecord): Promise<number> {
    const row = await this.db
      .insertInto('pages')
      .values(toRow(record))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw Errors.ALREADY_IN_USE({ field: 'slug' });
    return row.id;
  }

  async update(id: number, record: PageRecord): Promise<void> {
    await this.db.updateTable('pages').set(toRow(record)).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('pages').where('id', '=', id).execute();
  }
}
