import { toIsoTimestamp } from '../domain/article.ts';
import type { AuditEntry } from '../domain/ports/audit-store.ts';
import type { Repositories } from '../domain/ports/store.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';

/** Who did something: a signed-in user, or the CLI/system (userId null). */
export interface Actor {
  userId: number | null;
  label: string;
}

export function actorOf(user: Pick<User, 'id' | 'email'>): Actor {
  return { userId: user.id, label: user.email };
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system' };

/**
 * Writes one audit entry. Call it with the repositories of the transaction that makes the
 * change, so the entry lands exactly when the change does.
 *
 * @example
 * await ctx.store.transaction(async (repos) => {
 *   await repos.articles.update(...);
 *   await recordAudit(repos, { actor, action: 'article.publish', entity: ['article', id], summary: `Published “${title}”`, at: ctx.now() });
 * });
 */
export async function recordAudit(
  repos: Pick<Repositories, 'audit'>,
  entry: {
    actor: Actor;
    /** Dotted, like the permission actions: "user.invite", "settings.update", "article.publish". */
    action: string;
    entity?: [type: string, id: string | number];
    summary: string;
    at: Date;
  },
): Promise<void> {
  await repos.audit.insert({
    actorUserId: entry.actor.userId,
    actorLabel: entry.actor.label,
    action: entry.action,
    entityType: entry.entity?.[0] ?? null,
    entityId: entry.entity ? String(entry.entity[1]) : null,
    summary: entry.summary,
    createdAt: toIsoTimestamp(entry.at),
  });
}

/** The newest audit entries, `limit` at a time; pass the last id seen as `beforeId` for the next page. */
export async function listAudit(
  ctx: ServiceContext,
  options: { limit?: number; beforeId?: number } = {},
): Promise<AuditEntry[]> {
  return ctx.store.audit.list({
    limit: Math.min(Math.max(options.limit ?? 50, 1), 500),
    ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}),
  });
}
