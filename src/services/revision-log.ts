import type { Repositories } from '../domain/ports/store.ts';

/**
 * Keeps a revision of an entity that has no version column of its own (pages, people, terms,
 * settings): the next version number is one more than the latest revision's.
 */
export async function keepRevision(
  repos: Pick<Repositories, 'revisions'>,
  entry: {
    entityType: string;
    entityId: number;
    actor: string;
    snapshot: unknown;
    createdAt: string;
    note?: string;
  },
): Promise<void> {
  const history = await repos.revisions.listSummaries(entry.entityType, entry.entityId);
  await repos.revisions.add({
    entityType: entry.entityType,
    entityId: entry.entityId,
    version: (history[0]?.version ?? 0) + 1,
    actor: entry.actor,
    note: entry.note ?? null,
    snapshot: entry.snapshot,
    createdAt: entry.createdAt,
  });
}
