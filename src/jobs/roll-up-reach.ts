import type { ServiceContext } from '../services/context.ts';
import { REACH_ROLL_UP_JOB, rollUpReach, scheduleReachRollUp } from '../services/republishing/reach.ts';
import type { JobHandler } from './runner.ts';

/** Rolls up reach detail older than the detail period; running it again folds nothing more. */
export function rollUpReachHandler(ctx: ServiceContext): Record<string, JobHandler> {
  return {
    [REACH_ROLL_UP_JOB]: async () => {
      await rollUpReach(ctx);
    },
  };
}

/**
 * Puts the day's roll-up on the queue, asking the database once per process and day (the
 * runner polls every few seconds).
 */
export function dailyReachRollUp(ctx: ServiceContext): () => Promise<number> {
  let scheduledDay = '';
  return async () => {
    const day = ctx.now().toISOString().slice(0, 10);
    if (day === scheduledDay) return 0;
    const added = await scheduleReachRollUp(ctx);
    scheduledDay = day;
    return added;
  };
}
