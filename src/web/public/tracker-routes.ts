import Type from 'typebox';
import type { RepublicationTracker } from '../../services/republishing/tracker.ts';
import type { TypedApp } from '../schemas.ts';
import { TRANSPARENT_GIF } from './transparent-gif.ts';

/** The tracking image's address for an article (the republish kit embeds it). */
export function trackingImagePath(articleId: number): string {
  return `/r/${articleId}.gif`;
}

const ID_FILE = /^([1-9][0-9]{0,9})\.gif$/;

/**
 * The tracking image of republished articles: /r/<article id>.gif. Every address under /r/
 * answers the same image with the same headers, whatever the id (a draft, an unknown id,
 * garbage): nothing in the answer tells which articles exist. Never kept by the page cache or
 * any HTTP cache (each display must reach us), and no cookie is read or set.
 */
export async function trackerRoutes(app: TypedApp, deps: { tracker: RepublicationTracker }): Promise<void> {
  app.get(
    '/r/:file',
    { schema: { params: Type.Object({ file: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      const id = ID_FILE.exec(request.params.file)?.[1];
      if (id !== undefined) {
        deps.tracker.record({
          articleId: Number(id),
          referer: request.headers.referer,
          userAgent: request.headers['user-agent'],
          clientAddress: request.ip,
          requestHost: request.host,
        });
      }
      return (
        reply
          .code(200)
          .header('cache-control', 'no-store, max-age=0')
          // The image is shown on other sites' pages: the site-wide same-origin policy would block it.
          .header('cross-origin-resource-policy', 'cross-origin')
          .type('image/gif')
          .send(TRANSPARENT_GIF)
      );
    },
  );
}
