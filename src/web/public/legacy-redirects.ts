import type { FastifyInstance } from 'fastify';
import { feedPathOf } from '../../domain/paths.ts';
import { trimEndOf } from '../../domain/text.ts';
import {
  hasWordPressQueryKey,
  wordPressQueryAddress,
  wordPressQueryAddressAt,
  wordPressQueryFeed,
} from '../../domain/wordpress-address.ts';
import { Errors } from '../../errors.ts';
import type { Reader } from '../../services/reader.ts';

/**
 * WordPress links of the form /?p=123, /?page_id=45, /?attachment_id=201, /?cat=3, /?tag=rivers
 * and /?author=2 land on the home page route, so the not-found handler never sees them; this
 * answers them with the redirect an import recorded, or 404 when there is none or the value is no
 * id or slug WordPress would have made (?p=-1, ?p[]=101).
 * /?feed=rss2 (and atom, and the comments feed, which has no equivalent here) leads to the site's feed.
 */
export async function legacyRedirects(
  app: FastifyInstance,
  deps: { reader: Reader; cacheControl: string },
): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const at = request.url.indexOf('?');
    if (at < 0) return;
    const query = new URLSearchParams(request.url.slice(at + 1));
    if (!/^\/(?:index\.php)?\?/.test(request.url)) {
      // A site that lived in a folder of its host (/blog/?p=12, /blog/index.php?p=12): only an
      // address an import recorded is answered; any other goes on to the page it names.
      let folder = request.url.slice(0, at);
      try {
        folder = decodeURI(folder);
      } catch {
        // Recorded decoded where it could be; kept as written otherwise (see normalizePath).
      }
      const old = wordPressQueryAddressAt(folder, query);
      // ?feed=rss2 under the folder: its feed (/blog/feed/, which leads to ours when the folder was the site's home).
      const format = old === undefined ? wordPressQueryFeed(query.get('feed') ?? '') : undefined;
      const feed = format
        ? `${trimEndOf(folder.replace(/\/index\.php$/, '/'), '/')}/feed${format === 'atom' ? '/atom' : ''}`
        : undefined;
      const lookup = old ?? feed;
      const address = lookup === undefined ? undefined : await deps.reader.oldAddress(lookup);
      if (address?.kind === 'gone') throw Errors.GONE();
      if (address?.kind === 'moved')
        return reply.header('cache-control', deps.cacheControl).redirect(address.to, 301);
      return;
    }
    // What the address names comes first (a post's or a category's feed leads to it), then a
    // feed of the whole site.
    const path = request.url.slice(0, at) || '/';
    const old = wordPressQueryAddress(path, query);
    // A WordPress key whose value no import could have recorded (?p=-1, ?p[]=101, ?tag=//x.example)
    // names nothing here either: 404, as for an id no import saw.
    if (!old && hasWordPressQueryKey(path, query)) throw Errors.NOT_FOUND();
    if (!old) {
      const format = wordPressQueryFeed(query.get('feed') ?? '');
      if (format)
        return reply.header('cache-control', deps.cacheControl).redirect(feedPathOf('', format), 301);
      return;
    }
    const address = await deps.reader.oldAddress(old);
    if (address?.kind === 'gone') throw Errors.GONE();
    if (address?.kind === 'moved')
      return reply.header('cache-control', deps.cacheControl).redirect(address.to, 301);
    // An id no import recorded (or whose item failed to import), or one recorded whose target has
    // no page for readers (a tag with no article yet, a draft): 404, not the home page that would
    // tell a link checker the old link still works, and no 301 to a 404 that would tell a draft's slug.
    if (address === undefined) throw Errors.NOT_FOUND();
  });
}
// Applies to every route, not only those registered inside this plugin (what fastify-plugin does).
Object.assign(legacyRedirects, { [Symbol.for('skip-override')]: true });
