import {
  type Article,
  type ArticleStatus,
  draftOf,
  hasBeenPublished,
  toIsoTimestamp,
} from '../../domain/article.ts';
import { tooLong } from '../../domain/limits.ts';
import { articlePath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import { MAX_REDIRECT_PATH_LENGTH, type Redirect } from '../../domain/ports/redirect-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { trimEndOf } from '../../domain/text.ts';
import { isHttpUrl, isSitePath } from '../../domain/url.ts';
import { mayDeleteArticle, STATUS_LABELS } from '../../domain/workflow.ts';
import { Errors } from '../../errors.ts';
import { announceArticle, listedState } from '../articles.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { auditActor, loadArticle, permissionDenied, requireCan, revisionActor, type Staff } from './staff.ts';
import { publishJobKey } from './workflow.ts';

/** What deleting an article does to the address readers know. */
export type AddressOutcome =
  /** Never published: readers know no address, nothing changes on the site. */
  { kind: 'none' } | { kind: 'gone'; path: string } | { kind: 'moved'; path: string; to: string };

/** What the confirmation page shows before a deletion. */
export interface DeletionPlan {
  article: Article;
  /** The address readers may know (the article was published), or null. */
  publicPath: string | null;
  /** Published articles leave listings, feeds, sitemaps and search. */
  isListed: boolean;
  /** Whether the old address may be sent to another site (else only within this one). */
  mayRedirectElsewhere: boolean;
}

export interface DeleteInput {
  articleId: number;
  /** The version the editor confirmed; a save in between is reported, not deleted unseen. */
  expectedVersion?: number;
  /**
   * Where the old address should send readers: a site path (or this site's own full URL), or,
   * for those who may send it elsewhere, an http(s) URL; empty for 410 Gone.
   */
  redirectTo?: string;
}

/** A deleted article as the list of deleted articles shows it. */
export interface DeletedArticleRow {
  article: Article;
  deletedAt: string;
  authors: string;
}

/**
 * What deleting the article would do, refused exactly as deleteArticle would refuse it, so the
 * confirmation page is shown only to those who may confirm.
 */
export async function planDeletion(
  ctx: ServiceContext,
  staff: Staff,
  articleId: number,
): Promise<DeletionPlan> {
  const { article } = await loadDeletable(ctx.store, staff, articleId);
  const now = ctx.now();
  return {
    article,
    publicPath: hasBeenPublished(article, now) ? articlePath(article.slug) : null,
    isListed: listedState(article) !== null,
    mayRedirectElsewhere: can(staff.role, 'article.redirect_offsite'),
  };
}

/**
 * Deletes an article in one transaction: the row is kept, marked deleted, with a last revision
 * recording the deletion (every earlier revision stays); it leaves listings, counts and search;
 * an address readers may know answers 410 Gone, or redirects to `redirectTo`; the deletion is
 * audited. Pages that showed it are dropped from caches once it commits.
 *
 * @example await deleteArticle(ctx, staff, { articleId: 12, expectedVersion: 4, redirectTo: '/articles/new-home' })
 */
export async function deleteArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: DeleteInput,
): Promise<{ article: Article; address: AddressOutcome }> {
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const requested = requestedRedirect(input.redirectTo, {
    siteUrl: ctx.siteUrl,
    mayLeaveSite: can(staff.role, 'article.redirect_offsite'),
  });
  const result = await ctx.store.transaction(async (repos) => {
    const { article } = await loadDeletable(repos, staff, input.articleId);
    if (input.expectedVersion !== undefined && article.version !== input.expectedVersion) {
      throw Errors.EDIT_CONFLICT();
    }
    const path = hasBeenPublished(article, now) ? articlePath(article.slug) : null;
    const target = await checkedRedirect(repos, { requested, path, what: 'article' });
    const listedBefore = listedState(article);
    // Off the site first: a deleted article is never published or scheduled, so every reader
    // query (they all ask for published articles) passes it by whatever else it checks.
    const status: ArticleStatus =
      article.status === 'published' || article.status === 'scheduled' ? 'unpublished' : article.status;
    const publishedAt = article.status === 'scheduled' ? null : article.publishedAt;
    const version = article.version + 1;
    const isMarked = await repos.articles.markDeleted(
      article.id,
      { status, publishedAt, version, updatedAt: stamp, deletedAt: stamp },
      article.version,
    );
    if (!isMarked) throw Errors.EDIT_CONFLICT();
    await repos.listings.recordSave(article.id, listedBefore, null, stamp);
    await repos.search.remove(article.id);
    await repos.jobs.cancel(publishJobKey(article.id));

    const address = await leaveAddress(repos, { path, target, stamp });
    const deleted: Article = { ...article, status, publishedAt, version, updatedAt: stamp };
    const was = STATUS_LABELS[article.status].toLowerCase();
    await repos.revisions.add({
      entityType: 'article',
      entityId: article.id,
      version,
      actor: revisionActor(staff),
      note: `Deleted (was ${was})${addressNote(address)}`,
      snapshot: draftOf(deleted),
      createdAt: stamp,
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.delete',
      entity: ['article', article.id],
      summary: `Deleted “${article.title}” (was ${was})${addressNote(address)}`,
      at: now,
    });
    return { article: deleted, address, listedBefore };
  });
  announceArticle(ctx, {
    article: result.article,
    isNew: false,
    previousSlug: null,
    previousListing: result.listedBefore,
  });
  ctx.log.info({ articleId: result.article.id, address: result.address.kind }, 'article deleted');
  return { article: result.article, address: result.address };
}

/** Deleted articles, the most recently deleted first (admins: they may restore them). */
export async function listDeletedArticles(
  ctx: ServiceContext,
  staff: Staff,
  options: { limit?: number } = {},
): Promise<DeletedArticleRow[]> {
  requireCan(staff, 'article.restore', 'Only an admin sees and restores deleted articles.');
  const deleted = await ctx.store.articles.listDeleted(Math.min(Math.max(options.limit ?? 200, 1), 1000));
  const people = await ctx.store.people.findByIds([...new Set(deleted.flatMap((d) => d.article.authorIds))]);
  const names = new Map(people.map((p) => [p.id, p.name]));
  return deleted.map(({ article, deletedAt }) => ({
    article,
    deletedAt,
    authors: article.authorIds
      .map((id) => names.get(id) ?? '')
      .filter(Boolean)
      .join(', '),
  }));
}

/**
 * Brings a deleted article back, unpublished (or in the status it was left in: draft, review,
 * unpublished), under its old slug, with a revision and an audit entry. Its old address stops
 * answering 410 (or redirecting); it goes live again only when someone publishes it.
 */
export async function restoreArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number },
): Promise<Article> {
  requireCan(staff, 'article.restore', 'Only an admin restores deleted articles.');
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const restored = await ctx.store.transaction(async (repos) => {
    const deleted = await repos.articles.findDeleted(input.articleId);
    if (!deleted) throw Errors.ARTICLE_NOT_FOUND({ id: input.articleId });
    const { article } = deleted;
    if (await repos.articles.findBySlug(article.slug)) throw Errors.SLUG_TAKEN({ slug: article.slug });
    const version = article.version + 1;
    const isRestored = await repos.articles.restoreDeleted(
      article.id,
      {
        slug: article.slug,
        status: article.status,
        publishedAt: article.publishedAt,
        version,
        updatedAt: stamp,
      },
      article.version,
    );
    if (!isRestored) throw Errors.EDIT_CONFLICT();
    // The address is the article's again: what the deletion left there goes.
    await repos.redirects.remove(articlePath(article.slug));
    const back: Article = { ...article, version, updatedAt: stamp };
    await repos.revisions.add({
      entityType: 'article',
      entityId: article.id,
      version,
      actor: revisionActor(staff),
      note: `Restored (as ${STATUS_LABELS[article.status].toLowerCase()})`,
      snapshot: draftOf(back),
      createdAt: stamp,
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.restore',
      entity: ['article', article.id],
      summary: `Restored “${article.title}” (as ${STATUS_LABELS[article.status].toLowerCase()})`,
      at: now,
    });
    return back;
  });
  announceArticle(ctx, { article: restored, isNew: false, previousSlug: null, previousListing: null });
  return restored;
}

/** Loads an article the staff member may delete now, or refuses saying why. */
async function loadDeletable(
  repos: Pick<Repositories, 'articles'>,
  staff: Staff,
  articleId: number,
): Promise<{ article: Article; isOwn: boolean }> {
  const loaded = await loadArticle(repos, staff, articleId);
  const { article, isOwn } = loaded;
  if (mayDeleteArticle(staff.role, article.status, isOwn)) return loaded;
  if (!can(staff.role, 'article.delete_own')) {
    throw permissionDenied(`Your role (${staff.role}) may not delete articles. Ask an editor.`);
  }
  if (!isOwn) throw permissionDenied('Your role does not allow this. You can only delete your own articles.');
  throw permissionDenied(
    `“${article.title}” is ${STATUS_LABELS[article.status].toLowerCase()}: an editor has it in hand. Take it back to draft first, or ask an editor to delete it.`,
  );
}

/**
 * The redirect target as it will be stored: a site path, or an http(s) URL for those who may
 * send readers elsewhere (refused like any link a writer sets, see domain/url.ts: no "//host",
 * "/\\host", other scheme, space or control character), percent-encoded so that it is a valid
 * Location as it stands. This site's own full URL counts as its path. Null for none. Deleting a
 * page or a person reads its redirect with this too.
 */
export function requestedRedirect(
  value: string | undefined,
  options: { siteUrl: string; mayLeaveSite: boolean },
): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return null;
  const typed = tooLong(trimmed, MAX_REDIRECT_PATH_LENGTH);
  if (typed) throw redirectProblem(typed);
  const target = redirectAddress(trimmed, options);
  const encoded = tooLong(target, MAX_REDIRECT_PATH_LENGTH);
  if (encoded)
    throw redirectProblem(
      `${encoded.replace(/ \(.*\)$/, '')} once written as a web address (letters outside ASCII take several each)`,
    );
  return target;
}

/** The address a typed target stands for, or a refusal saying what may be given instead. */
function redirectAddress(trimmed: string, options: { siteUrl: string; mayLeaveSite: boolean }): string {
  if (isSitePath(trimmed)) return pathOf(new URL(trimmed, 'http://site.invalid'));
  if (isHttpUrl(trimmed)) {
    const url = new URL(trimmed);
    // Read as a path, it must pass as one: "https://this.site//elsewhere" is no address here.
    if (url.origin === new URL(options.siteUrl).origin && isSitePath(pathOf(url))) return pathOf(url);
    if (options.mayLeaveSite) return url.href;
    throw redirectProblem(
      'must be an address on this site (starting with /): only an editor may send readers to another site',
    );
  }
  throw redirectProblem(
    options.mayLeaveSite
      ? 'must be an address on this site (starting with /) or an http or https URL'
      : 'must be an address on this site (starting with /)',
  );
}

function pathOf(url: URL): string {
  return `${url.pathname}${url.search}${url.hash}`;
}

/** What is deleted, as the refusals about its address name it. */
export type DeletedThing = 'article' | 'page' | 'author page';

/**
 * The redirect `requested` checked against the deleted thing's address `path` (null: readers know
 * none) and what the site already redirects, or null for none; call it in the deletion's
 * transaction, before {@link leaveAddress}.
 */
export async function checkedRedirect(
  repos: Pick<Repositories, 'redirects'>,
  input: {
    requested: string | null;
    path: string | null;
    what: DeletedThing;
    /** The form field a refusal names. */
    field?: string;
  },
): Promise<string | null> {
  const { requested: target, path, what } = input;
  const problem = (message: string) => redirectProblem(message, input.field);
  if (target === null) return null;
  if (path === null) {
    const subject = {
      article: 'an article that was published: this one',
      page: 'a page that is published: this one',
      'author page': 'someone whose author page readers may know: this person',
    }[what];
    throw problem(`is only for ${subject} has no address readers know`);
  }
  const bare = target.split(/[?#]/, 1)[0] ?? target;
  if (trimEndOf(bare, '/') === path) throw problem(`must be another address than the ${what}’s own`);
  if (!target.startsWith('/')) return target;
  // An address that itself redirects: point straight at where it leads, so that none chains.
  const existing: Redirect | undefined = await repos.redirects.find(trimEndOf(bare, '/') || '/');
  if (existing?.statusCode === 410) throw problem('leads to an address that is gone too');
  if (existing && existing.toPath === path) throw problem(`leads back to the ${what}’s own address`);
  return existing ? existing.toPath : target;
}

/**
 * What a deletion leaves at the address readers knew (`path`; null: none): a permanent redirect
 * to `target` (from {@link checkedRedirect}), or 410 Gone. One rule for articles, pages and
 * author pages.
 */
export async function leaveAddress(
  repos: Pick<Repositories, 'redirects'>,
  input: { path: string | null; target: string | null; stamp: string },
): Promise<AddressOutcome> {
  const { path, target, stamp } = input;
  if (path === null) return { kind: 'none' };
  if (target !== null) {
    await repos.redirects.put({ fromPath: path, toPath: target, statusCode: 301 }, stamp);
    return { kind: 'moved', path, to: target };
  }
  await repos.redirects.markGone(path, stamp);
  return { kind: 'gone', path };
}

function redirectProblem(message: string, field = 'redirect_to') {
  return Errors.VALIDATION_FAILED({ details: [{ field, message }] });
}

/** "; /about answers 410 Gone", for a revision note or an audit summary; empty when no address changed. */
export function addressNote(address: AddressOutcome): string {
  switch (address.kind) {
    case 'none':
      return '';
    case 'gone':
      return `; ${address.path} answers 410 Gone`;
    case 'moved':
      return `; ${address.path} redirects to ${address.to}`;
  }
}
