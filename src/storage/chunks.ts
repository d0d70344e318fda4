/**
 * Bound parameters one statement may carry, well under SQLite's 32,766 and PostgreSQL's 65,535:
 * bulk reads and writes split their lists so that no batch, however large, reaches either limit.
 */
export const MAX_PARAMETERS = 8000;

/** `items` in consecutive slices of at most `size`. */
export function* chunksOf<T>(items: readonly T[], size: number): Generator<T[]> {
  const step = Math.max(1, Math.floor(size));
  for (let at = 0; at < items.length; at += step) yield items.slice(at, at + step);
}

/** Slices of `items` small enough that `parametersPerItem` each stay under MAX_PARAMETERS. */
export function parameterChunks<T>(items: readonly T[], parametersPerItem: number): Generator<T[]> {
  return chunksOf(items, MAX_PARAMETERS / Math.max(1, parametersPerItem));
}
