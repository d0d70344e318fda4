import { ROLES, type Role } from './user.ts';

/**
 * What a staff member may do, as data: one row per action, one cell per role. docs/permissions.md
 * is generated from this table (`permissionMatrixMarkdown`) and a test keeps the two equal, so
 * the written matrix and the enforced one cannot drift apart.
 *
 * Actions ending in `_own` apply only to the user's own work (an article whose byline includes
 * the person the user writes as); the matching `_any` action covers everyone's.
 */
export const PERMISSIONS = {
  'dashboard.view': {
    description: 'Open the admin dashboard',
    roles: ['contributor', 'author', 'editor', 'admin'],
  },
  'account.manage_own': {
    description: 'Manage one’s own account: password, log out everywhere',
    roles: ['contributor', 'author', 'editor', 'admin'],
  },
  'article.create': {
    description: 'Write a new article (a draft)',
    roles: ['contributor', 'author', 'editor', 'admin'],
  },
  'article.edit_own': {
    description: 'Edit one’s own articles',
    roles: ['contributor', 'author', 'editor', 'admin'],
  },
  'article.edit_any': { description: 'Edit anyone’s articles', roles: ['editor', 'admin'] },
  'article.submit': {
    description: 'Submit an article for review',
    roles: ['contributor', 'author', 'editor', 'admin'],
  },
  'article.review': { description: 'See the review queue, send articles back', roles: ['editor', 'admin'] },
  'article.publish_own': {
    description: 'Publish, schedule or unpublish one’s own articles',
    roles: ['author', 'editor', 'admin'],
  },
  'article.publish_any': {
    description: 'Publish, schedule or unpublish anyone’s articles',
    roles: ['editor', 'admin'],
  },
  'article.correct': {
    description:
      'Add, edit or withdraw the public corrections and updates of any article (each change kept in its history)',
    roles: ['editor', 'admin'],
  },
  'byline.credit_others': {
    description:
      'Credit other people on a byline, or add new people there by name (others credit only themselves, and keep whom an editor credited)',
    roles: ['editor', 'admin'],
  },
  'article.delete_own': { description: 'Delete one’s own articles', roles: ['author', 'editor', 'admin'] },
  'article.delete_any': { description: 'Delete anyone’s articles', roles: ['editor', 'admin'] },
  'article.redirect_offsite': {
    description: 'Send a deleted article’s or page’s address to another site (others: only within this one)',
    roles: ['editor', 'admin'],
  },
  'article.restore': {
    description: 'See deleted articles and bring them back (as unpublished)',
    roles: ['admin'],
  },
  'media.upload': {
    description: 'Upload images and files, and describe them in the library',
    roles: ['contributor', 'author', 'editor', 'admin'],
  },
  'media.describe_any': {
    description: 'Describe any image in the library (others: only those they uploaded)',
    roles: ['editor', 'admin'],
  },
  'media.delete': {
    description: 'Delete images from the library (after a warning listing where each is used)',
    roles: ['editor', 'admin'],
  },
  'taxonomy.manage': { description: 'Manage taxonomies and terms', roles: ['editor', 'admin'] },
  'person.manage': { description: 'Manage people (authors and their bios)', roles: ['editor', 'admin'] },
  'page.manage': { description: 'Manage pages (About, Membership...)', roles: ['editor', 'admin'] },
  'reprint.manage': {
    description: 'Read reprint and translation requests, approve or decline them with a reply',
    roles: ['editor', 'admin'],
  },
  'comment.moderate': {
    description:
      'See the comments waiting and decided; approve, reject, mark as spam or edit any comment; ban the member who wrote one (signed out, refused comments and sign-in)',
    roles: ['editor', 'admin'],
  },
  'reach.view': {
    description:
      'See reach across the site (views, referring sites, republications, mentions, top articles) and export it as CSV',
    roles: ['editor', 'admin'],
  },
  'member.manage': {
    description:
      'See members (their addresses and consent are personal data), search and export them, import them from CSV, change their tier, ban or delete them, and define the membership tiers',
    roles: ['admin'],
  },
  'newsletter.manage': {
    description:
      'Set up newsletters (digests, alerts), compose issues, preview and test them, schedule or send them, and see their sending history',
    roles: ['editor', 'admin'],
  },
  'settings.manage': { description: 'Change site settings', roles: ['admin'] },
  'user.manage': { description: 'Invite staff, change roles, disable accounts', roles: ['admin'] },
  'audit.view': { description: 'Read the audit log', roles: ['admin'] },
} as const satisfies Record<string, { description: string; roles: readonly Role[] }>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** Where an action applies, for actions that distinguish the user's own work from anyone's. */
export interface PermissionContext {
  /** True when the thing acted on is the user's own (e.g. their byline is on the article). */
  isOwn?: boolean;
}

/**
 * Whether a role may perform an action. For an `_own` action, a context with `isOwn: false`
 * refuses; without a context it answers whether the role may do it to its own work.
 *
 * @example can('author', 'article.publish_own', { isOwn: true }) // true
 */
export function can(role: Role, action: Action, context?: PermissionContext): boolean {
  const rule = PERMISSIONS[action] as { roles: readonly Role[] } | undefined;
  if (!rule?.roles.includes(role)) return false;
  if (action.endsWith('_own') && context?.isOwn === false) return false;
  return true;
}

/**
 * Whether a role may do `verb` to an item, own or not: the `_any` action, or the `_own` one on
 * the user's own work. Use this in handlers that act on one article.
 *
 * @example canOnItem('author', 'article', 'edit', { isOwn: false }) // false
 */
export function canOnItem(
  role: Role,
  subject: 'article',
  verb: 'edit' | 'publish' | 'delete',
  context: { isOwn: boolean },
): boolean {
  const any = `${subject}.${verb}_any` as Action;
  const own = `${subject}.${verb}_own` as Action;
  return can(role, any) || can(role, own, context);
}

/** The permission matrix as a Markdown table (the body of docs/permissions.md). */
export function permissionMatrixMarkdown(): string {
  const header = `| Action | What it allows | ${ROLES.join(' | ')} |`;
  const rule = `|---|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = ACTIONS.map((action) => {
    const { description } = PERMISSIONS[action];
    const cells = ROLES.map((role) => (can(role, action) ? 'yes' : '—'));
    return `| \`${action}\` | ${description} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
