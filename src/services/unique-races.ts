import { isAppError } from '../errors.ts';

/** Whether a write lost a race for a unique value (a slug another request took a moment before). */
export function isLostRace(error: unknown): boolean {
  return isAppError(error) && error.code === 'ALREADY_IN_USE';
}

/**
 * Runs a find-or-create, and once more if its create lost a race for the slug: the second run
 * finds the row the other request made, so both answer with that one. The stores refuse such an
 * insert without ending the transaction, which is what lets the second run read.
 */
export async function findingTheWinner<T>(findOrCreate: () => Promise<T>): Promise<T> {
  try {
    return await findOrCreate();
  } catch (error) {
    if (!isLostRace(error)) throw error;
    return findOrCreate();
  }
}
