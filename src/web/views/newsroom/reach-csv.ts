import { ROLLED_UP_HOST } from '../../../domain/reach.ts';
import type { ReachReport } from '../../../services/republishing/reach.ts';
import { toCsv } from '../csv.ts';
import type { ReachTable } from './reach.ts';

/** One table of a reach report as CSV, with its header row; times stay ISO (UTC) for spreadsheets. */
export function reachCsv(report: ReachReport, table: ReachTable): string {
  switch (table) {
    case 'days':
      return toCsv(
        ['day', 'views'],
        report.days.map((d) => [d.day, d.views]),
      );
    case 'articles':
      return toCsv(
        ['article_id', 'title', 'views'],
        report.topArticles.map((a) => [a.articleId, a.title, a.views]),
      );
    case 'referrers':
      return toCsv(
        ['site', 'views'],
        report.referrers.map((r) => [r.host === ROLLED_UP_HOST ? '(rolled up)' : r.host, r.views]),
      );
    case 'republishers':
      return toCsv(
        ['site', 'views', 'articles', 'pages', 'first_seen', 'last_seen'],
        report.republishers.map((r) => [r.host, r.views, r.articles, r.pages, r.firstSeen, r.lastSeen]),
      );
    case 'republications':
      return toCsv(
        ['site', 'page', 'views_in_period', 'views_in_all', 'first_seen', 'last_seen'],
        report.republications.map((r) => [r.host, r.page, r.views, r.totalViews, r.firstSeen, r.lastSeen]),
      );
    case 'mentions':
      return toCsv(
        ['first_verified', 'article_id', 'article', 'source', 'source_title'],
        report.mentions.map((m) => [m.firstVerifiedAt, m.articleId, m.articleTitle, m.source, m.sourceTitle]),
      );
  }
}
