import type { ServiceContext } from '../services/context.ts';
import { publishScheduledHandler } from './publish-scheduled.ts';
import { JobRunner } from './runner.ts';

/** The job runner with every job kind this application knows, for the server and tests. */
export function jobRunnerFor(
  ctx: ServiceContext,
  options: { pollMs?: number; workerId?: string } = {},
): JobRunner {
  return new JobRunner({
    store: ctx.store,
    log: ctx.log.child({ module: 'jobs' }),
    now: ctx.now,
    handlers: { ...publishScheduledHandler(ctx) },
    ...options,
  });
}
