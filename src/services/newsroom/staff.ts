import type { Article } from '../../domain/article.ts';
import { type Action, can, canOnItem } from '../../domain/permissions.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import type { User } from '../../domain/user.ts';
import { isOwnArticle } from '../../domain/workflow.ts';
import { type AppError, Errors } from '../../errors.ts';
import { type Actor, actorOf } from '../audit.ts';

/** The signed-in staff member a newsroom service acts for. */
export type Staff = Pick<User, 'id' | 'email' | 'name' | 'role' | 'personId'>;

/** The audit actor for a staff member. */
export function auditActor(staff: Staff): Actor {
  return actorOf(staff);
}

/** Revisions record the user id as the actor. */
export function revisionActor(staff: Staff): string {
  return String(staff.id);
}

export function permissionDenied(reason: string): AppError {
  return Errors.PERMISSION_DENIED({ reason });
}

/** Throws PERMISSION_DENIED unless the staff member's role allows the action. */
export function requireCan(staff: Staff, action: Action, message = 'Your role does not allow this.'): void {
  if (!can(staff.role, action)) throw permissionDenied(message);
}

/** Loads an article and tells whether it is the staff member's own work. */
export async function loadArticle(
  repos: Pick<Repositories, 'articles'>,
  staff: Staff,
  id: number,
): Promise<{ article: Article; isOwn: boolean }> {
  const article = await repos.articles.findById(id);
  if (!article) throw Errors.ARTICLE_NOT_FOUND({ id });
  return { article, isOwn: isOwnArticle(article, staff, article.createdBy) };
}

/** Loads an article the staff member may edit (their own, or anyone's with edit_any); refuses otherwise. */
export async function loadEditableArticle(
  repos: Pick<Repositories, 'articles'>,
  staff: Staff,
  id: number,
  refusal: string,
): Promise<{ article: Article; isOwn: boolean }> {
  const loaded = await loadArticle(repos, staff, id);
  if (!canOnItem(staff.role, 'article', 'edit', { isOwn: loaded.isOwn })) throw permissionDenied(refusal);
  return loaded;
}
