import type { CreateTableBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface MigrationContext {
  dialect: DialectName;
}

/** Adds an auto-incrementing integer primary key named id, spelled as each dialect wants it. */
export function idColumn<T extends string>(
  table: CreateTableBuilder<T, never>,
  ctx: MigrationContext,
): CreateTableBuilder<T, 'id'> {
  return ctx.dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
