import type { FastifyInstance } from 'fastify';
import { Errors } from '../../errors.ts';
import type { Reader } from '../../services/reader.ts';

/**
 * WordPress links of the form /?p=123 and /?page_id=45 land on the home page route, so the
 * not-found handler never sees them; this answers them with the redirect an import recorded.
 */
export async function legacyRedirects(app: FastifyInstance, deps: { reader: Reader }): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const match = /^\/(?:index\.php)?\?(?:.*&)?(p|page_id)=(\d+)(?:&|$)/.exec(request.url);
    if (!match) return;
    const address = await deps.reader.oldAddress(`/?${match[1]}=${match[2]}`);
    if (address?.kind === 'gone') throw Errors.GONE();
    if (address?.kind === 'moved') return reply.redirect(address.to, 301);
  });
}
// Applies to every route, not only those registered inside this plugin (what fastify-plugin does).
Object.assign(legacyRedirects, { [Symbol.for('skip-override')]: true });
