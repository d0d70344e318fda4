import { type AppError, Errors, isAppError } from '../errors.ts';

/**
 * Writes that break a unique index. Checking "is this slug free?" before an insert cannot stop
 * two requests that both checked at once: the index stops the second, and this names what it
 * stopped, so the caller hears a conflict on a field rather than a driver error (a 500).
 */

/** The columns of the unique index a write broke, or undefined when the error is not that. */
export function uniqueClashColumns(error: unknown): string[] | undefined {
  const raw = isAppError(error) ? error.cause : error;
  if (!(raw instanceof Error)) return undefined;
  const { code, detail } = raw as { code?: unknown; detail?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: terms.taxonomy_id, terms.slug"
    const list = /constraint failed: (.+)$/.exec(raw.message)?.[1] ?? '';
    return list.split(', ').map((column) => column.slice(column.indexOf('.') + 1));
  }
  if (code === '23505') {
    // "Key (taxonomy_id, slug)=(2, tides) already exists."
    const list = typeof detail === 'string' ? /^Key \((.+?)\)=/.exec(detail)?.[1] : undefined;
    return list ? list.split(', ').map((column) => column.replace(/^"|"$/g, '')) : [];
  }
  return undefined;
}

/**
 * The conflict a unique-index error stands for, naming the field (the index's last column: the
 * slug of `(taxonomy_id, slug)`), or undefined when the error is another one.
 */
export function uniqueClash(error: unknown): AppError | undefined {
  const columns = uniqueClashColumns(error);
  if (columns === undefined) return undefined;
  return Errors.ALREADY_IN_USE({ field: columns.at(-1) || 'value' }, { cause: error });
}
