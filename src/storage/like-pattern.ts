/**
 * A LIKE pattern that finds `text` anywhere, for `LIKE … ESCAPE '\'`: its own `%` and `_` (and
 * the escape character itself) are matched as written.
 */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
