import { renderPreview } from '../content/preview.ts';
import { isGated } from '../domain/article-access.ts';
import type { ServiceContext } from './context.ts';
import { indexArticleIn } from './discovery/search.ts';

/**
 * Renders and keeps the preview of every gated article that has none (made gated before
 * previews were kept, migration 0030), and indexes it again by its preview alone, so that its
 * full text leaves the search index too. A batch at a time; each article in its own transaction,
 * rendered before it opens. Running it again finds nothing to do.
 */
export async function fillMissingPreviews(
  ctx: Pick<ServiceContext, 'store' | 'changes'>,
  options: { batchSize?: number } = {},
): Promise<{ filled: number }> {
  const batchSize = options.batchSize ?? 100;
  let filled = 0;
  for (let afterId = 0; ; ) {
    const ids = await ctx.store.articles.gatedWithoutPreview(afterId, batchSize);
    if (ids.length === 0) break;
    afterId = ids.at(-1) ?? afterId;
    for (const article of await ctx.store.articles.findByIds(ids)) {
      if (!isGated(article)) continue;
      const previewHtml = await renderPreview(article, article.bodyHtml);
      await ctx.store.transaction(async (repos) => {
        await repos.articles.setPreview(article.id, previewHtml);
        await indexArticleIn(repos, article.id, { article: { ...article, previewHtml } });
      });
      ctx.changes.publish({ kind: 'article', id: article.id, slugs: [article.slug] });
      filled++;
    }
  }
  return { filled };
}
