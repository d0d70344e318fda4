import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Article } from '../../domain/article.ts';
import { type ReachPeriodInput, reachPeriod, utcDay } from '../../domain/reach.ts';
import { Errors, type FieldError } from '../../errors.ts';
import { loadEditableArticle } from '../../services/newsroom/staff.ts';
import { reachReport } from '../../services/republishing/reach.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { IdParams, OptionalText, type TypedApp } from '../schemas.ts';
import {
  ARTICLE_REACH_TABLES,
  type ReachTable,
  reachView,
  SITE_REACH_TABLES,
} from '../views/newsroom/reach.ts';
import { reachCsv } from '../views/newsroom/reach-csv.ts';
import type { AdminDeps } from './deps.ts';
import { listFilterProblems } from './forms.ts';
import { currentUser } from './guard.ts';

const ReachQuery = Type.Object(
  { days: OptionalText, from: OptionalText, to: OptionalText, table: OptionalText },
  { additionalProperties: true },
);
type ReachQueryValues = ReachPeriodInput & { table?: string | undefined };

/** Reach: site-wide for editors and admins, one article's for whoever may edit it. */
export async function reachPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const periodOf = (query: ReachQueryValues) => reachPeriod(query, utcDay(ctx.now()));
  const refusal = 'You can only see the reach of your own articles.';

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: ReachQueryValues,
    article?: Article,
  ): Promise<FastifyReply> => {
    const { period, problems } = periodOf(query);
    const shown = listFilterProblems(problems, {
      days: query.days,
      from: query.from,
      to: query.to,
    });
    const [report, calendar] = await Promise.all([
      reachReport(ctx, { period, ...(article ? { articleId: article.id } : {}) }),
      loadSiteSettings(ctx),
    ]);
    return deps.page(request, reply, {
      title: article ? `Reach: ${article.title}` : 'Reach',
      status: shown ? 400 : 200,
      body: reachView({
        report,
        ...(article ? { article } : {}),
        problems: shown,
        typed: { days: query.days, from: query.from, to: query.to },
        calendar,
      }),
    });
  };

  const csv = async (
    reply: FastifyReply,
    query: ReachQueryValues,
    tables: readonly ReachTable[],
    article?: Article,
  ): Promise<FastifyReply> => {
    const { period, problems } = periodOf(query);
    const table = tables.find((name) => name === (query.table || 'days'));
    const details: FieldError[] = [...problems];
    if (!table) details.push({ field: 'table', message: `Table must be one of ${tables.join(', ')}.` });
    if (!table || details.length > 0) throw Errors.VALIDATION_FAILED({ details });
    const report = await reachReport(ctx, { period, ...(article ? { articleId: article.id } : {}) });
    const name = `reach-${article ? `article-${article.id}-` : ''}${period.since}-to-${period.until}-${table}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(reachCsv(report, table));
  };

  const editable = async (request: FastifyRequest, id: number): Promise<Article> =>
    (await loadEditableArticle(ctx.store, currentUser(request), id, refusal)).article;

  app.get(
    '/reach',
    { config: { access: 'reach.view', listQuery: true }, schema: { querystring: ReachQuery } },
    (request, reply) => page(request, reply, request.query),
  );
  app.get(
    '/reach.csv',
    { config: { access: 'reach.view', listQuery: true }, schema: { querystring: ReachQuery } },
    (request, reply) => csv(reply, request.query, SITE_REACH_TABLES),
  );
  app.get(
    '/articles/:id/reach',
    {
      config: { access: 'article.create', listQuery: true },
      schema: { params: IdParams, querystring: ReachQuery },
    },
    async (request, reply) => page(request, reply, request.query, await editable(request, request.params.id)),
  );
  app.get(
    '/articles/:id/reach.csv',
    {
      config: { access: 'article.create', listQuery: true },
      schema: { params: IdParams, querystring: ReachQuery },
    },
    async (request, reply) =>
      csv(reply, request.query, ARTICLE_REACH_TABLES, await editable(request, request.params.id)),
  );
}
