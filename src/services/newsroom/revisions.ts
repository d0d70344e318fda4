import type { Article, ArticleDraft } from '../../domain/article.ts';
import { isStorableLicense, migratedLicense } from '../../domain/license.ts';
import type { RevisionSummaryRow } from '../../domain/ports/revision-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import type { FieldDiff } from '../../domain/revision-diff.ts';
import { mayEditArticle } from '../../domain/workflow.ts';
import { Errors } from '../../errors.ts';
import { announceArticle, draftOf, saveArticleIn } from '../articles.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { bylineProblems } from './byline.ts';
import { compareTexts } from './revision-comparison.ts';
import { auditActor, loadArticle, permissionDenied, revisionActor, type Staff } from './staff.ts';

export interface RevisionSummary {
  id: number;
  version: number;
  createdAt: string;
  /** A user's name, or "system", "import", "cli". */
  actorName: string;
  note: string | null;
}

/** An article's revisions, newest first, with who saved each. */
export async function listArticleRevisions(
  ctx: ServiceContext,
  articleId: number,
): Promise<RevisionSummary[]> {
  const revisions = await ctx.store.revisions.listSummaries('article', articleId);
  const names = await actorNames(ctx.store, revisions);
  return revisions.map((r) => ({
    id: r.id,
    version: r.version,
    createdAt: r.createdAt,
    actorName: names.get(r.actor) ?? r.actor,
    note: r.note,
  }));
}

/** How a revision differs from another one (or from the article as stored now). */
export async function compareRevisions(
  ctx: ServiceContext,
  input: { articleId: number; fromId: number; toId?: number },
): Promise<{ from: RevisionSummary; to: RevisionSummary | 'current'; fields: FieldDiff[] }> {
  const revisions = await listArticleRevisions(ctx, input.articleId);
  const from = await ctx.store.revisions.find('article', input.articleId, input.fromId);
  const fromSummary = revisions.find((r) => r.id === input.fromId);
  if (!from || !fromSummary) throw revisionNotFound(input.fromId);
  let after: ArticleDraft;
  let to: RevisionSummary | 'current' = 'current';
  if (input.toId !== undefined) {
    const target = await ctx.store.revisions.find('article', input.articleId, input.toId);
    const summary = revisions.find((r) => r.id === input.toId);
    if (!target || !summary) throw revisionNotFound(input.toId);
    after = target.snapshot as ArticleDraft;
    to = summary;
  } else {
    const article = await ctx.store.articles.findById(input.articleId);
    if (!article) throw Errors.ARTICLE_NOT_FOUND({ id: input.articleId });
    after = draftOf(article);
  }
  const [beforeText, afterText] = await Promise.all([
    textFields(ctx.store, from.snapshot as ArticleDraft),
    textFields(ctx.store, after),
  ]);
  return { from: fromSummary, to, fields: await compareTexts(beforeText, afterText) };
}

function restoredLicense(license: string): string {
  return isStorableLicense(license) ? license : migratedLicense(license);
}

/**
 * Brings back a revision's content as a new save (itself a revision), leaving the workflow
 * state (status, publication date) as it is now. People or terms deleted since are dropped.
 */
export async function restoreRevision(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number; revisionId: number; expectedVersion?: number },
): Promise<Article> {
  const now = ctx.now();
  const result = await ctx.store.transaction(async (repos) => {
    const { article, isOwn } = await loadArticle(repos, staff, input.articleId);
    if (!mayEditArticle(staff.role, article.status, isOwn)) {
      throw permissionDenied(`Your role (${staff.role}) may not edit “${article.title}” now.`);
    }
    const revision = await repos.revisions.find('article', article.id, input.revisionId);
    if (!revision) throw revisionNotFound(input.revisionId);
    const snapshot = revision.snapshot as ArticleDraft;
    const [people, terms] = await Promise.all([
      repos.people.findByIds(snapshot.authorIds),
      repos.taxonomies.findTermsByIds(snapshot.termIds),
    ]);
    // An old version may credit someone an editor has since taken off the byline.
    const problems = await bylineProblems(
      repos,
      staff,
      { authorIds: people.map((p) => p.id), newAuthorNames: [] },
      article.authorIds,
      { isOwnNameSelf: false },
    );
    if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
    const slugOwner = await repos.articles.findBySlug(snapshot.slug);
    const saved = await saveArticleIn(
      repos,
      {
        ...draftOf(article),
        ...snapshot,
        slug: slugOwner && slugOwner.id !== article.id ? article.slug : snapshot.slug,
        status: article.status,
        publishedAt: article.publishedAt,
        authorIds: people.map((p) => p.id),
        termIds: terms.map((t) => t.id),
        // A version from before licenses were codes holds the words: kept as the migration keeps them.
        license: snapshot.license ? restoredLicense(snapshot.license) : null,
      },
      {
        id: article.id,
        actor: revisionActor(staff),
        now,
        expectedVersion: input.expectedVersion ?? article.version,
        note: `Restored version ${revision.version}`,
      },
    );
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.restore',
      entity: ['article', article.id],
      summary: `Restored “${saved.article.title}” to version ${revision.version}`,
      at: now,
    });
    return saved;
  });
  announceArticle(ctx, result);
  return result.article;
}

function revisionNotFound(id: number) {
  return Errors.REVISION_NOT_FOUND({ id });
}

async function actorNames(
  repos: Repositories,
  revisions: RevisionSummaryRow[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const ids = [...new Set(revisions.map((r) => r.actor).filter((a) => /^\d+$/.test(a)))];
  for (const id of ids) {
    const user = await repos.users.findById(Number(id));
    if (user) names.set(id, user.name);
  }
  return names;
}

/** A revision's fields as plain text, with people and terms by name, for comparing. */
async function textFields(repos: Repositories, draft: ArticleDraft): Promise<Record<string, string>> {
  const [people, terms] = await Promise.all([
    repos.people.findByIds(draft.authorIds ?? []),
    repos.taxonomies.findTermsByIds(draft.termIds ?? []),
  ]);
  return {
    Title: draft.title ?? '',
    Subtitle: draft.subtitle ?? '',
    Slug: draft.slug ?? '',
    Summary: draft.summary ?? '',
    Epigraph: draft.epigraph
      ? `${draft.epigraph.text}${draft.epigraph.attribution ? `\n— ${draft.epigraph.attribution}` : ''}`
      : '',
    Body: draft.bodyMarkdown ?? '',
    Authors: people.map((p) => p.name).join('\n'),
    // The order terms were ticked in means nothing to readers: a reordering is not a change.
    Terms: terms
      .map((t) => t.name)
      .sort((a, b) => a.localeCompare(b))
      .join('\n'),
    'Original source': draft.source ? `${draft.source.name} ${draft.source.url ?? ''}`.trim() : '',
    'Canonical URL': draft.canonicalUrl ?? '',
    License: draft.license ?? '',
    Language: draft.language ?? '',
    'Featured image': draft.featuredImage ? `${draft.featuredImage}\n${draft.featuredImageAlt ?? ''}` : '',
    'Search title': draft.seoTitle ?? '',
    'Search description': draft.seoDescription ?? '',
    'Social image': draft.socialImage ?? '',
    Visibility: draft.visibility ?? '',
    Comments: draft.hasComments ? 'on' : 'off',
    Status: draft.status ?? '',
  };
}
