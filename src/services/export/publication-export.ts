import type { ExportSink } from '../../domain/export-format.ts';
import type { ServiceContext } from '../context.ts';

export { EXPORT_FORMAT, EXPORT_VERSION, type ExportSink } from '../../domain/export-format.ts';

/**
 * Writes the whole publication as one JSON document (docs/export-format.md): settings,
 * taxonomies and terms, people, articles with authors, terms, revisions, corrections and comments,
 * pages with revisions, the media index, redirects and import mappings. Ids are replaced by slugs
 * so the file can be imported into any instance. Staff logins are not exported (they hold
 * credentials); create them again with `pressroom user create`.
 */
export async function exportPublication(
  ctx: Pick<ServiceContext, 'store' | 'now' | 'siteUrl'>,
  sink: ExportSink,
): Promise<{ articles: number; pages: number }> {
  return ctx.store.archive.dump(sink, { now: ctx.now(), siteUrl: ctx.siteUrl });
}
