import type { Article, ArticleStatus } from '../../domain/article.ts';
import type { Taxonomy, Term } from '../../domain/taxonomy.ts';
import { mayEditArticle } from '../../domain/workflow.ts';
import { AppError, Errors } from '../../errors.ts';
import { announceArticle, draftOf, saveArticleIn } from '../articles.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { resolveTermChoice } from './pickers.ts';
import { auditActor, loadArticle, permissionDenied, revisionActor, type Staff } from './staff.ts';
import { transitionArticle } from './workflow.ts';

/** What the article list can do to several articles at once. */
export const BULK_ACTIONS = ['submit', 'publish', 'unpublish', 'move'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The most articles one bulk action takes: two pages of the list. */
export const MAX_BULK_ARTICLES = 100;

export interface BulkOutcome {
  articleId: number;
  /** The title when the article could be read; otherwise empty. */
  title: string;
  /**
   * Its address name and status when it could be read: two articles may share a title, and the
   * results must tell them apart.
   */
  slug?: string;
  status?: ArticleStatus;
  isDone: boolean;
  /** Why it was refused, as the single action would have said it. */
  reason?: string;
}

/**
 * Applies one action to each article in turn, each exactly as its single action does (the
 * same permission and workflow checks, its own transaction, revision and audit entry), and
 * reports each one: done, or refused and why, with the term moved to for a move. One refusal
 * does not stop the others.
 */
export async function bulkArticleAction(
  ctx: ServiceContext,
  staff: Staff,
  input: { action: BulkAction; articleIds: number[]; termId?: number; term?: string },
): Promise<{ outcomes: BulkOutcome[]; term?: Term; taxonomy?: Taxonomy }> {
  const ids = [...new Set(input.articleIds)];
  if (ids.length === 0) {
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'id', message: 'choose at least one article' }] });
  }
  if (ids.length > MAX_BULK_ARTICLES) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'id', message: `at most ${MAX_BULK_ARTICLES} articles at once` }],
    });
  }
  const termId =
    input.action === 'move' && input.termId === undefined && input.term?.trim()
      ? (await resolveTermChoice(ctx, input.term, 'term')).id
      : input.termId;
  if (input.action === 'move' && termId === undefined) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'term', message: 'choose the term to move them to' }],
    });
  }
  const term =
    input.action === 'move' && termId !== undefined
      ? await ctx.store.taxonomies.findTermById(termId)
      : undefined;
  if (input.action === 'move' && !term) {
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'term', message: `no term has the id ${termId}` }] });
  }
  const outcomes: BulkOutcome[] = [];
  for (const articleId of ids) {
    try {
      const article =
        input.action === 'move' && termId !== undefined
          ? await moveArticleToTerm(ctx, staff, { articleId, termId })
          : await transitionArticle(ctx, staff, {
              articleId,
              action: input.action as Exclude<BulkAction, 'move'>,
            });
      outcomes.push({
        articleId,
        title: article.title,
        slug: article.slug,
        status: article.status,
        isDone: true,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const stored = await ctx.store.articles.findById(articleId);
      outcomes.push({
        articleId,
        title: stored?.title ?? '',
        ...(stored ? { slug: stored.slug, status: stored.status } : {}),
        isDone: false,
        reason: err.message,
      });
    }
  }
  if (!term) return { outcomes };
  const taxonomy = (await ctx.store.taxonomies.listTaxonomies()).find((t) => t.id === term.taxonomyId);
  return taxonomy ? { outcomes, term, taxonomy } : { outcomes, term };
}

/**
 * The article's terms once filed under `term`. A taxonomy that takes several terms (tags, and
 * by default regions and themes) gains the term beside the ones the article has; one that takes
 * a single term (a series) has its term replaced. Other taxonomies' terms are always kept.
 */
export function termsAfterMove(
  termIds: readonly number[],
  current: readonly Pick<Term, 'id' | 'taxonomyId'>[],
  term: Pick<Term, 'id' | 'taxonomyId'>,
  taxonomy: Pick<Taxonomy, 'isMultiple'> | undefined,
): number[] {
  if (termIds.includes(term.id)) return [...termIds];
  if (taxonomy?.isMultiple ?? true) return [...termIds, term.id];
  const replaced = new Set(current.filter((t) => t.taxonomyId === term.taxonomyId).map((t) => t.id));
  return [...termIds.filter((id) => !replaced.has(id)), term.id];
}

/**
 * Files an article under a term (see {@link termsAfterMove}: added, or in place of the one term
 * its taxonomy allows), with the editor's permission check, a revision and an audit entry.
 */
export async function moveArticleToTerm(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number; termId: number },
): Promise<Article> {
  const now = ctx.now();
  const result = await ctx.store.transaction(async (repos) => {
    const { article, isOwn } = await loadArticle(repos, staff, input.articleId);
    if (!mayEditArticle(staff.role, article.status, isOwn)) {
      throw permissionDenied(`Your role (${staff.role}) may not edit “${article.title}” now.`);
    }
    const term = await repos.taxonomies.findTermById(input.termId);
    if (!term) throw Errors.TERM_NOT_FOUND({ id: input.termId });
    const [current, taxonomies] = await Promise.all([
      repos.taxonomies.findTermsByIds(article.termIds),
      repos.taxonomies.listTaxonomies(),
    ]);
    const taxonomy = taxonomies.find((t) => t.id === term.taxonomyId);
    const termIds = termsAfterMove(article.termIds, current, term, taxonomy);
    const saved = await saveArticleIn(
      repos,
      { ...draftOf(article), termIds },
      { id: article.id, actor: revisionActor(staff), now, note: `Moved to “${term.name}”` },
    );
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.edit',
      entity: ['article', article.id],
      summary: `Moved “${article.title}” to “${term.name}”`,
      at: now,
    });
    return saved;
  });
  announceArticle(ctx, result);
  return result.article;
}
