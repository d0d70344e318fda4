import type { Kysely, Selectable } from 'kysely';
import type { ReprintRequestStore } from '../domain/ports/reprint-request-store.ts';
import type {
  ReprintKind,
  ReprintRequestFields,
  ReprintRequestListed,
  ReprintStatus,
} from '../domain/reprint-request.ts';
import type { Database, ReprintRequestsTable } from './schema.ts';

/** A request's sender once forgotten: no hash of an address is kept longer than it counts. */
const FORGOTTEN_SENDER = '';

type Row = Selectable<ReprintRequestsTable> & { article_title: string; article_slug: string };

function toRequest(row: Row): ReprintRequestListed {
  return {
    id: row.id,
    articleId: row.article_id,
    kind: row.kind as ReprintKind,
    requesterName: row.requester_name,
    email: row.email,
    organisation: row.organisation,
    outlet: row.outlet,
    targetLanguage: row.target_language,
    message: row.message,
    status: row.status as ReprintStatus,
    decidedBy: row.decided_by,
    decidedByLabel: row.decided_by_label,
    decidedAt: row.decided_at,
    replyText: row.reply_text,
    replySentAt: row.reply_sent_at,
    createdAt: row.created_at,
    articleTitle: row.article_title,
    articleSlug: row.article_slug,
  };
}

/** Reprint and translation requests, each read with its article's title and slug. */
export class ReprintRequestRepository implements ReprintRequestStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  private selectListed() {
    return this.db
      .selectFrom('reprint_requests as r')
      .innerJoin('articles as a', 'a.id', 'r.article_id')
      .selectAll('r')
      .select(['a.title as article_title', 'a.slug as article_slug']);
  }

  async insert(
    request: ReprintRequestFields & { articleId: number; senderKey: string; createdAt: string },
  ): Promise<number> {
    const row = await this.db
      .insertInto('reprint_requests')
      .values({
        article_id: request.articleId,
        kind: request.kind,
        requester_name: request.requesterName,
        email: request.email,
        organisation: request.organisation,
        outlet: request.outlet,
        target_language: request.targetLanguage,
        message: request.message,
        status: 'pending',
        sender_key: request.senderKey,
        created_at: request.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async findById(id: number): Promise<ReprintRequestListed | undefined> {
    const row = await this.selectListed().where('r.id', '=', id).executeTakeFirst();
    return row && toRequest(row);
  }

  async list(options: {
    status: ReprintStatus;
    limit: number;
    beforeId?: number;
  }): Promise<ReprintRequestListed[]> {
    let query = this.selectListed().where('r.status', '=', options.status);
    if (options.beforeId !== undefined) query = query.where('r.id', '<', options.beforeId);
    const rows = await query.orderBy('r.id', 'desc').limit(options.limit).execute();
    return rows.map(toRequest);
  }

  async countByStatus(status: ReprintStatus): Promise<number> {
    const row = await this.db
      .selectFrom('reprint_requests')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('status', '=', status)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async countFromSenderSince(senderKey: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('reprint_requests')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('sender_key', '=', senderKey)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async forgetSendersBefore(before: string): Promise<number> {
    const result = await this.db
      .updateTable('reprint_requests')
      .set({ sender_key: FORGOTTEN_SENDER })
      .where('created_at', '<', before)
      .where('sender_key', '<>', FORGOTTEN_SENDER)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async decide(
    id: number,
    decision: {
      status: Exclude<ReprintStatus, 'pending'>;
      decidedBy: number | null;
      decidedByLabel: string;
      decidedAt: string;
      replyText: string;
    },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('reprint_requests')
      .set({
        status: decision.status,
        decided_by: decision.decidedBy,
        decided_by_label: decision.decidedByLabel,
        decided_at: decision.decidedAt,
        reply_text: decision.replyText,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markReplySent(id: number, sentAt: string): Promise<void> {
    await this.db
      .updateTable('reprint_requests')
      .set({ reply_sent_at: sentAt })
      .where('id', '=', id)
      .execute();
  }
}
