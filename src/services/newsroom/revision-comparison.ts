import { RENDER_WORKER, runOffThread } from '../../content/render-pool.ts';
import type { RenderTask } from '../../content/render-worker.ts';
import { changedChars, diffFields, type FieldDiff, wholeFields } from '../../domain/revision-diff.ts';
import { isAppError } from '../../errors.ts';

/**
 * Versions differing in fewer characters than this are compared on the event loop. Comparing
 * costs time with the lines and words that changed: two versions of 50,000 characters differing
 * almost everywhere took 50 to 100 ms of it, and no other request was answered meanwhile.
 */
export const INLINE_COMPARE_CHARS = 4_000;

/**
 * The processor time a comparison may take in the render pool before the versions are shown
 * whole instead. The line and word limits of the comparison keep it to a fraction of a second
 * even for two rewrites of the longest body; this is the backstop.
 */
export const COMPARE_TIME_LIMIT_MS = 2_000;

/**
 * The fields that differ between two versions, side by side (see diffFields). A large change is
 * compared in the render pool; one too costly to compare line by line within its time limit
 * is shown as the two versions whole (fields marked isWhole), never refused.
 */
export async function compareTexts(
  before: Record<string, string>,
  after: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<FieldDiff[]> {
  if (changedChars(before, after) < INLINE_COMPARE_CHARS) return diffFields(before, after);
  const task: RenderTask = { kind: 'compare', before, after };
  try {
    return await runOffThread<FieldDiff[]>(RENDER_WORKER, task, {
      field: 'body',
      markup: '',
      timeoutMs: options.timeoutMs ?? COMPARE_TIME_LIMIT_MS,
    });
  } catch (error) {
    // The only refusal a comparison can meet is its time limit running out (it has no markup
    // to check): the versions are shown whole. A busy pool still says so.
    if (isAppError(error) && error.code === 'VALIDATION_FAILED') return wholeFields(before, after);
    throw error;
  }
}
