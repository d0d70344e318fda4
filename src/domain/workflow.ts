import { Errors } from '../errors.ts';
import type { Article, ArticleStatus } from './article.ts';
import { can, canOnItem } from './permissions.ts';
import type { Role } from './user.ts';

/** What an editor can do to an article's status. */
export const WORKFLOW_ACTIONS = ['submit', 'return', 'publish', 'schedule', 'unpublish'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

interface Transition {
  from: readonly ArticleStatus[];
  to: ArticleStatus;
  label: string;
}

/**
 * The editorial workflow: draft → in review → scheduled or published → unpublished.
 * "return" sends an article back to draft (from review, or a schedule cancelled).
 */
export const TRANSITIONS: Record<WorkflowAction, Transition> = {
  submit: { from: ['draft', 'unpublished'], to: 'review', label: 'Submit for review' },
  return: { from: ['review', 'scheduled', 'unpublished'], to: 'draft', label: 'Back to draft' },
  publish: { from: ['draft', 'review', 'scheduled', 'unpublished'], to: 'published', label: 'Publish now' },
  schedule: { from: ['draft', 'review', 'scheduled', 'unpublished'], to: 'scheduled', label: 'Schedule' },
  unpublish: { from: ['published', 'scheduled'], to: 'unpublished', label: 'Unpublish' },
};

export const STATUS_LABELS: Record<ArticleStatus, string> = {
  draft: 'Draft',
  review: 'In review',
  scheduled: 'Scheduled',
  published: 'Published',
  unpublished: 'Unpublished',
};

/** Who is acting, as far as the rules care. */
export interface Actor {
  id: number;
  role: Role;
  personId: number | null;
}

/** Whether the article is the actor's own work: their person is on the byline, or they created it. */
export function isOwnArticle(
  article: Pick<Article, 'authorIds'>,
  actor: Actor,
  createdByUserId: number | null,
): boolean {
  if (createdByUserId !== null && createdByUserId === actor.id) return true;
  return actor.personId !== null && article.authorIds.includes(actor.personId);
}

/** Whether the role may take `action` on an article that is (or is not) the actor's own. */
export function mayTransition(role: Role, action: WorkflowAction, isOwn: boolean): boolean {
  switch (action) {
    case 'submit':
      return can(role, 'article.submit') && canOnItem(role, 'article', 'edit', { isOwn });
    case 'return':
      // An editor sends work back; an author may take back their own. A contributor may not:
      // once submitted or scheduled, the text is the editors' until they return it.
      return can(role, 'article.review') || canOnItem(role, 'article', 'publish', { isOwn });
    case 'publish':
    case 'schedule':
    case 'unpublish':
      return canOnItem(role, 'article', 'publish', { isOwn });
  }
}

/** Statuses in which only someone who may publish the article may change it. */
const LOCKED_STATUSES: readonly ArticleStatus[] = ['review', 'scheduled', 'published'];

/**
 * Whether the role may edit the article's content. Writers who cannot publish may not change
 * what is being reviewed, what readers already see, or what they will see at a set time: once
 * submitted, the text is the editors' call.
 */
export function mayEditArticle(role: Role, status: ArticleStatus, isOwn: boolean): boolean {
  if (!canOnItem(role, 'article', 'edit', { isOwn })) return false;
  if (LOCKED_STATUSES.includes(status)) return canOnItem(role, 'article', 'publish', { isOwn });
  return true;
}

/** Statuses in which an editor has the article in hand: it is being reviewed, or set to go live. */
const IN_EDITORS_HANDS: readonly ArticleStatus[] = ['review', 'scheduled'];

/**
 * Whether the role may delete the article now: contributors never; authors their own, except
 * while it is in review or scheduled (they take it back to draft first, so that an editor's
 * work is not deleted from under them); editors and admins any article in any status.
 */
export function mayDeleteArticle(role: Role, status: ArticleStatus, isOwn: boolean): boolean {
  if (!canOnItem(role, 'article', 'delete', { isOwn })) return false;
  if (IN_EDITORS_HANDS.includes(status)) return can(role, 'article.delete_any');
  return true;
}

/** The actions the role may take on an article now, in display order. */
export function availableTransitions(role: Role, status: ArticleStatus, isOwn: boolean): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter(
    (action) => TRANSITIONS[action].from.includes(status) && mayTransition(role, action, isOwn),
  );
}

/**
 * The status after `action`, or a STATUS_TRANSITION_INVALID error when it does not apply
 * to an article in `from`.
 */
export function nextStatus(from: ArticleStatus, action: WorkflowAction): ArticleStatus {
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(from)) {
    throw Errors.STATUS_TRANSITION_INVALID({
      status: STATUS_LABELS[from].toLowerCase(),
      action: pastTense(action),
    });
  }
  return transition.to;
}

function pastTense(action: WorkflowAction): string {
  return {
    submit: 'submitted for review',
    return: 'sent back to draft',
    publish: 'published',
    schedule: 'scheduled',
    unpublish: 'unpublished',
  }[action];
}
