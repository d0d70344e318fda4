import { AppError, Errors } from '../../errors.ts';

/** How many people or pages one bulk action takes: two pages of their lists. */
export const MAX_BULK_ITEMS = 100;

/** What a bulk action did to one person or page. */
export interface BulkItemOutcome {
  id: number;
  /** Its name or title when it could be read; otherwise empty. */
  name: string;
  /** Its address on the site, which tells apart two that share a name. */
  path?: string;
  isDone: boolean;
  /** What was done, when there is more to say than "done" (where its old address now leads). */
  note?: string;
  /** Why it was refused, as the single action would have said it. */
  reason?: string;
}

/**
 * The distinct ids a bulk form chose, refused by the field `id` when there are none or more
 * than {@link MAX_BULK_ITEMS}; `noun` is what they are ("people", "pages").
 */
export function chosenIds(ids: readonly number[], noun: string): number[] {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'id', message: `choose at least one of the ${noun}` }],
    });
  }
  if (distinct.length > MAX_BULK_ITEMS) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'id', message: `at most ${MAX_BULK_ITEMS} ${noun} at once` }],
    });
  }
  return distinct;
}

/**
 * Runs `act` on each id in turn (each in its own transaction, as its single action) and reports
 * each: done, or refused and why. One refusal does not stop the others; `describe` names an item
 * whose action was refused, when it still exists.
 */
export async function actOnEach(
  ids: readonly number[],
  act: (id: number) => Promise<Omit<BulkItemOutcome, 'id' | 'isDone'>>,
  describe: (id: number) => Promise<{ name: string; path: string } | undefined>,
): Promise<BulkItemOutcome[]> {
  const outcomes: BulkItemOutcome[] = [];
  for (const id of ids) {
    try {
      outcomes.push({ id, ...(await act(id)), isDone: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.kind === 'unavailable') throw err;
      const known = await describe(id);
      outcomes.push({
        id,
        name: known?.name ?? '',
        ...(known ? { path: known.path } : {}),
        isDone: false,
        reason: err.message,
      });
    }
  }
  return outcomes;
}
