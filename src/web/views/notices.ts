/**
 * The notice a page shows for `name` (from its address, such as ?notice=saved), looked up among
 * the table's own entries only: by plain indexing, names every object inherits (constructor,
 * toString, __proto__) found Object's methods, and a page printed their source as its notice.
 */
export function noticeIn<T>(table: Readonly<Record<string, T>>, name: string | undefined): T | undefined {
  return name !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}
