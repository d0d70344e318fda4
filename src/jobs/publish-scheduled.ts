import type { ServiceContext } from '../services/context.ts';
import { PUBLISH_JOB, publishScheduledArticle } from '../services/newsroom/workflow.ts';
import type { JobHandler } from './runner.ts';

/** Publishes a scheduled article when its time comes; a no-op if it was published or unscheduled meanwhile. */
export function publishScheduledHandler(ctx: ServiceContext): Record<string, JobHandler> {
  return {
    [PUBLISH_JOB]: async (job) => {
      const { articleId } = job.payload as { articleId: number };
      const outcome = await publishScheduledArticle(ctx, articleId);
      ctx.log.info({ articleId, outcome }, 'scheduled publication');
    },
  };
}
