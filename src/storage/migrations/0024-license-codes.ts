import type { Kysely } from 'kysely';
import { ARTICLE_LIMITS } from '../../domain/article.ts';
import { migratedLicense } from '../../domain/license.ts';
import type { MigrationContext } from './helpers.ts';

/** Articles read and written per statement while their licenses are rewritten. */
const CHUNK = 500;

/**
 * Licenses become codes of a fixed set (domain/license.ts). Each article's hand-written license,
 * and the site's default, becomes its code when it can be told ("CC BY 4.0", a Creative Commons
 * URL, "All rights reserved"); any other text is kept word for word as `other:<text>`, which
 * needs a few more characters than the column held.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    await db.schema
      .alterTable('articles')
      .alterColumn('license', (c) => c.setDataType(`varchar(${ARTICLE_LIMITS.license})`))
      .execute();
  }
  const store = db as unknown as Kysely<{
    articles: { id: number; license: string | null };
    settings: { key: string; value: string };
  }>;
  for (let lastId = 0; ; ) {
    const rows = await store
      .selectFrom('articles')
      .select(['id', 'license'])
      .where('id', '>', lastId)
      .where('license', 'is not', null)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    for (const row of rows) {
      const text = row.license?.trim() ?? '';
      const license = text ? migratedLicense(text) : null;
      if (license !== row.license) {
        await store.updateTable('articles').set({ license }).where('id', '=', row.id).execute();
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < CHUNK) break;
    lastId = last.id;
  }
  const stored = await store
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'default_license')
    .executeTakeFirst();
  if (stored) {
    const text = stored.value.trim();
    // A blank default was refused by the settings form; it meant nothing, so the new default applies.
    if (!text) await store.deleteFrom('settings').where('key', '=', 'default_license').execute();
    else
      await store
        .updateTable('settings')
        .set({ value: migratedLicense(text) })
        .where('key', '=', 'default_license')
        .execute();
  }
}
