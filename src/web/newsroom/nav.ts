import { type Action, can } from '../../domain/permissions.ts';
import { trimEndOf } from '../../domain/text.ts';
import type { Role } from '../../domain/user.ts';
import type { AdminNavLink } from '../views/newsroom/layout.ts';

/**
 * The admin navigation, in order. Each link names the permission needed to open its page; a
 * user sees only the links their role allows. Adding an admin page: add its link here with the
 * same action as its route's `config.access`.
 */
/** The queue whose pending requests the navigation counts. */
export const REPRINT_QUEUE_HREF = '/admin/reprint-requests';
/** The comments waiting for moderation, also counted in the navigation. */
export const COMMENT_QUEUE_HREF = '/admin/comments';

export const ADMIN_NAV: { href: string; label: string; action: Action }[] = [
  { href: '/admin', label: 'Dashboard', action: 'dashboard.view' },
  { href: '/admin/articles', label: 'Articles', action: 'article.create' },
  { href: '/admin/reach', label: 'Reach', action: 'reach.view' },
  { href: '/admin/media', label: 'Images', action: 'media.upload' },
  { href: '/admin/taxonomies', label: 'Taxonomies', action: 'taxonomy.manage' },
  { href: '/admin/people', label: 'People', action: 'person.manage' },
  { href: '/admin/pages', label: 'Pages', action: 'page.manage' },
  { href: REPRINT_QUEUE_HREF, label: 'Reprint requests', action: 'reprint.manage' },
  { href: COMMENT_QUEUE_HREF, label: 'Comments', action: 'comment.moderate' },
  { href: '/admin/members', label: 'Members', action: 'member.manage' },
  { href: '/admin/newsletters', label: 'Newsletters', action: 'newsletter.manage' },
  { href: '/admin/users', label: 'Users', action: 'user.manage' },
  { href: '/admin/settings', label: 'Settings', action: 'settings.manage' },
  { href: '/admin/audit', label: 'Audit log', action: 'audit.view' },
  { href: '/admin/account', label: 'Your account', action: 'account.manage_own' },
];

/**
 * The links a role may see, with the current page marked, and how many things wait behind the
 * links `waiting` counts (by href).
 */
export function adminNavFor(
  role: Role,
  currentPath: string,
  waiting: Readonly<Record<string, number>> = {},
): AdminNavLink[] {
  const path = trimEndOf(currentPath.split('?')[0] ?? '', '/') || '/admin';
  return ADMIN_NAV.filter((link) => can(role, link.action)).map((link) => ({
    href: link.href,
    label: link.label,
    ...(waiting[link.href] ? { waiting: waiting[link.href] } : {}),
    isCurrent:
      link.href === '/admin' ? path === '/admin' : path === link.href || path.startsWith(`${link.href}/`),
  }));
}
