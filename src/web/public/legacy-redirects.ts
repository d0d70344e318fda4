import type { FastifyInstance } from 'fastify';
import { feedPathOf } from '../../domain/paths.ts';
import { wordPressQueryFeed } from '../../domain/wordpress-address.ts';
import { Errors } from '../../errors.ts';
import type { Reader } from '../../services/reader.ts';

/**
 * WordPress links of the form /?p=123 and /?page_id=45 land on the home page route, so the
 * not-found handler never sees them; this answers them with the redirect an import recorded.
 * /?feed=rss2 (and atom, and the comments feed, which has no equivalent here) leads to the site's feed.
 */
export async function legacyRedirects(
  app: FastifyInstance,
  deps: { reader: Reader; cacheControl: string },
): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const match = /^\/(?:index\.php)?\?(?:.*&)?(p|page_id|feed)=([\w-]+)(?:&|$)/.exec(request.url);
    if (!match) return;
    const [, key, value = ''] = match;
    if (key === 'feed') {
      const format = wordPressQueryFeed(value);
      if (format)
        return reply.header('cache-control', deps.cacheControl).redirect(feedPathOf('', format), 301);
      return;
    }
    if (!/^\d+$/.test(value)) return;
    const address = await deps.reader.oldAddress(`/?${key}=${value}`);
    if (address?.kind === 'gone') throw Errors.GONE();
    if (address?.kind === 'moved')
      return reply.header('cache-control', deps.cacheControl).redirect(address.to, 301);
  });
}
// Applies to every route, not only those registered inside this plugin (what fastify-plugin does).
Object.assign(legacyRedirects, { [Symbol.for('skip-override')]: true });
