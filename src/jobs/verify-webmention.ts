import { SafeFetcher } from '../adapters/safe-fetcher.ts';
import type { PageFetcher } from '../domain/ports/page-fetcher.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  verifyWebmention,
  WEBMENTION_JOB,
  type WebmentionJob,
} from '../services/republishing/webmentions.ts';
import type { JobHandler } from './runner.ts';

/** Checks a received webmention by fetching its source (safely: see SafeFetcher); running it again checks again. */
export function verifyWebmentionHandler(
  ctx: ServiceContext,
  fetcher: PageFetcher = new SafeFetcher({
    allowPrivateAddresses: ctx.webmention?.allowPrivateAddresses ?? false,
    userAgent: `Pressroom webmention verification (+${ctx.siteUrl}/)`,
  }),
): Record<string, JobHandler> {
  return {
    [WEBMENTION_JOB]: async (job) => {
      await verifyWebmention(ctx, fetcher, job.payload as WebmentionJob);
    },
  };
}
