import type { Article, ArticleStatus } from '../../domain/article.ts';
import { can } from '../../domain/permissions.ts';
import { isOwnArticle } from '../../domain/workflow.ts';
import type { ServiceContext } from '../context.ts';
import type { Staff } from './staff.ts';

export interface ArticleRow {
  article: Article;
  authors: string;
  isOwn: boolean;
}

/**
 * The articles a staff member works on, newest change first: everyone's for editors, one's own
 * for contributors and authors. Counts are per status, over the same set.
 */
export async function listArticlesFor(
  ctx: ServiceContext,
  staff: Staff,
  status: ArticleStatus | 'all',
): Promise<{ rows: ArticleRow[]; counts: Record<string, number> }> {
  const [articles, people] = await Promise.all([ctx.store.articles.listAll(), ctx.store.people.list()]);
  const seesAll = can(staff.role, 'article.edit_any');
  const names = new Map(people.map((p) => [p.id, p.name]));
  const visible = articles
    .map((article) => {
      const isOwn = isOwnArticle(article, staff, article.createdBy);
      return {
        article,
        isOwn,
        authors: article.authorIds
          .map((id) => names.get(id) ?? '')
          .filter(Boolean)
          .join(', '),
      };
    })
    .filter((row) => seesAll || row.isOwn)
    .sort((a, b) => b.article.updatedAt.localeCompare(a.article.updatedAt) || b.article.id - a.article.id);
  const counts: Record<string, number> = { all: visible.length };
  for (const row of visible) counts[row.article.status] = (counts[row.article.status] ?? 0) + 1;
  return { rows: status === 'all' ? visible : visible.filter((r) => r.article.status === status), counts };
}
