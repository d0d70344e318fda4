import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
  type Updateable,
} from 'kysely';
import {
  type BounceEvent,
  type ClaimedDelivery,
  type DeliveryStatus,
  type IssueStatus,
  NEWSLETTER_KINDS,
  type Newsletter,
  type NewsletterIssue,
  type NewsletterKind,
} from '../domain/newsletter.ts';
import type { MemberSubscription, NewsletterStore, Recipient } from '../domain/ports/newsletter-store.ts';
import { parameterChunks } from './chunks.ts';
import type { DialectName } from './migrations/helpers.ts';
import type {
  Database,
  NewsletterDeliveriesTable,
  NewsletterIssuesTable,
  NewslettersTable,
} from './schema.ts';

const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'bounced', 'skipped'];

function toNewsletter(row: Selectable<NewslettersTable>): Newsletter {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind as NewsletterKind,
    termId: row.term_id,
    personId: row.person_id,
    isActive: row.is_active === 1,
    sendHour: row.send_hour,
  };
}

function toIssue(row: Selectable<NewsletterIssuesTable>): NewsletterIssue {
  return {
    id: row.id,
    newsletterId: row.newsletter_id,
    subject: row.subject,
    intro: row.intro,
    articleIds: JSON.parse(row.article_ids) as number[],
    status: row.status as IssueStatus,
    scheduledAt: row.scheduled_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    htmlBody: row.html_body,
    textBody: row.text_body,
    recipientsAfter: row.recipients_after,
    isEnumerated: row.is_enumerated === 1,
    recipientCount: row.recipient_count,
    sentCount: row.sent_count,
    failedCount: row.failed_count,
    bouncedCount: row.bounced_count,
  };
}

/** Digests first (daily, weekly), then alerts; by name within a kind (sorted here: collations differ). */
function byKindThenName(a: Newsletter, b: Newsletter): number {
  const order = NEWSLETTER_KINDS.indexOf(a.kind) - NEWSLETTER_KINDS.indexOf(b.kind);
  return order !== 0 ? order : a.name.localeCompare(b.name, 'en') || a.id - b.id;
}

/** A member who may be written to: active, not banned, never hard-bounced nor complained. */
function isReachable(eb: ExpressionBuilder<Database, 'members'>): Expression<SqlBool> {
  return eb.and([
    eb('members.status', '=', 'active'),
    eb('members.is_banned', '=', 0),
    eb('members.bounced_at', 'is', null),
    eb('members.complained_at', 'is', null),
  ]);
}

/** A delivery that may be claimed now: due and pending, or claimed under a lease that ran out. */
function isClaimable(
  eb: ExpressionBuilder<Database, 'newsletter_deliveries'>,
  now: string,
): Expression<SqlBool> {
  return eb.or([
    eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
    eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)]),
  ]);
}

/** Newsletters, subscriptions, issues and deliveries on Kysely (the same SQL on both databases). */
export class NewsletterRepository implements NewsletterStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.dialect = dialect;
  }

  async createNewsletter(
    newsletter: {
      slug: string;
      name: string;
      kind: NewsletterKind;
      termId?: number | null;
      personId?: number | null;
      sendHour?: number | null;
    },
    now: string,
  ): Promise<number> {
    const row = await this.db
      .insertInto('newsletters')
      .values({
        slug: newsletter.slug,
        name: newsletter.name,
        kind: newsletter.kind,
        term_id: newsletter.termId ?? null,
        person_id: newsletter.personId ?? null,
        send_hour: newsletter.sendHour ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async findNewsletter(id: number): Promise<Newsletter | undefined> {
    const row = await this.db.selectFrom('newsletters').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toNewsletter(row);
  }

  async findNewsletterBySlug(slug: string): Promise<Newsletter | undefined> {
    const row = await this.db
      .selectFrom('newsletters')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row && toNewsletter(row);
  }

  async listNewsletters(): Promise<Newsletter[]> {
    const rows = await this.db
      .selectFrom('newsletters')
      .selectAll()
      .orderBy('is_active', 'desc')
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toNewsletter);
  }

  async updateNewsletter(
    id: number,
    changes: { name: string; sendHour: number | null; isActive: boolean },
    now: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('newsletters')
      .set({
        name: changes.name,
        send_hour: changes.sendHour,
        is_active: changes.isActive ? 1 : 0,
        updated_at: now,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listIssues(newsletterId: number, limit: number): Promise<NewsletterIssue[]> {
    const rows = await this.db
      .selectFrom('newsletter_issues')
      .select([
        'id',
        'newsletter_id',
        'subject',
        'intro',
        'article_ids',
        'status',
        'scheduled_at',
        'started_at',
        'finished_at',
        'recipients_after',
        'is_enumerated',
        'recipient_count',
        'sent_count',
        'failed_count',
        'bounced_count',
        'period_key',
        'created_at',
        'updated_at',
        sql<null>`null`.as('html_body'),
        sql<null>`null`.as('text_body'),
      ])
      .where('newsletter_id', '=', newsletterId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toIssue);
  }

  async updateIssueContent(
    id: number,
    content: { subject: string; intro: string; articleIds: number[] },
    now: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('newsletter_issues')
      .set({
        subject: content.subject,
        intro: content.intro,
        article_ids: JSON.stringify(content.articleIds),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', 'in', ['draft', 'scheduled'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async createPeriodIssue(
    issue: { newsletterId: number; periodKey: string; subject: string; intro: string; articleIds: number[] },
    now: string,
  ): Promise<number | undefined> {
    const rows = await this.db
      .insertInto('newsletter_issues')
      .values({
        newsletter_id: issue.newsletterId,
        period_key: issue.periodKey,
        subject: issue.subject,
        intro: issue.intro,
        article_ids: JSON.stringify(issue.articleIds),
        status: 'scheduled',
        scheduled_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['newsletter_id', 'period_key']).doNothing())
      .returning('id')
      .execute();
    return rows[0]?.id;
  }

  async lastPeriodIssueAt(newsletterId: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('newsletter_issues')
      .select('created_at')
      .where('newsletter_id', '=', newsletterId)
      .where('period_key', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.created_at;
  }

  async subscribe(
    subscription: { newsletterId: number; memberId: number; source: string },
    now: string,
  ): Promise<boolean> {
    const rows = await this.db
      .insertInto('newsletter_subscriptions')
      .values({
        newsletter_id: subscription.newsletterId,
        member_id: subscription.memberId,
        source: subscription.source,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['newsletter_id', 'member_id']).doNothing())
      .returning('member_id')
      .execute();
    return rows.length === 1;
  }

  async unsubscribe(newsletterId: number, memberId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('newsletter_subscriptions')
      .where('newsletter_id', '=', newsletterId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async isSubscribed(newsletterId: number, memberId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('newsletter_subscriptions')
      .select('member_id')
      .where('newsletter_id', '=', newsletterId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listActiveNewsletters(): Promise<Newsletter[]> {
    const rows = await this.db.selectFrom('newsletters').selectAll().where('is_active', '=', 1).execute();
    return rows.map(toNewsletter).sort(byKindThenName);
  }

  async listSubscriptionsOf(memberId: number): Promise<MemberSubscription[]> {
    const rows = await this.db
      .selectFrom('newsletter_subscriptions as s')
      .innerJoin('newsletters as n', 'n.id', 's.newsletter_id')
      .select(['s.newsletter_id', 'n.name', 'n.slug', 's.source', 's.created_at'])
      .where('s.member_id', '=', memberId)
      .orderBy('s.newsletter_id')
      .execute();
    return rows.map((row) => ({
      newsletterId: row.newsletter_id,
      newsletterName: row.name,
      newsletterSlug: row.slug,
      source: row.source,
      createdAt: row.created_at,
    }));
  }

  async createIssue(
    issue: { newsletterId: number; subject: string; intro: string; articleIds: number[] },
    now: string,
  ): Promise<number> {
    const row = await this.db
      .insertInto('newsletter_issues')
      .values({
        newsletter_id: issue.newsletterId,
        subject: issue.subject,
        intro: issue.intro,
        article_ids: JSON.stringify(issue.articleIds),
        status: 'draft',
        scheduled_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async findIssue(id: number): Promise<NewsletterIssue | undefined> {
    const row = await this.db
      .selectFrom('newsletter_issues')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toIssue(row);
  }

  async scheduleIssue(id: number, scheduledAt: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('newsletter_issues')
      .set({ status: 'scheduled', scheduled_at: scheduledAt, updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', ['draft', 'scheduled'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listDueIssues(now: string, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('newsletter_issues')
      .select('id')
      .where('status', '=', 'scheduled')
      .where('scheduled_at', '<=', now)
      .orderBy('scheduled_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async startSending(id: number, bodies: { html: string; text: string }, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('newsletter_issues')
      .set({
        status: 'sending',
        html_body: bodies.html,
        text_body: bodies.text,
        started_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', 'in', ['draft', 'scheduled'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listRecipients(newsletterId: number, afterMemberId: number, limit: number): Promise<Recipient[]> {
    const rows = await this.db
      .selectFrom('newsletter_subscriptions as s')
      .innerJoin('members', 'members.id', 's.member_id')
      .select('s.member_id')
      .where('s.newsletter_id', '=', newsletterId)
      .where('s.member_id', '>', afterMemberId)
      .where(isReachable)
      .orderBy('s.member_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ memberId: row.member_id }));
  }

  async addDeliveries(
    issueId: number,
    deliveries: { memberId: number; messageId: string }[],
    now: string,
  ): Promise<number> {
    let added = 0;
    for (const chunk of parameterChunks(deliveries, 5)) {
      const rows = await this.db
        .insertInto('newsletter_deliveries')
        .values(
          chunk.map((delivery) => ({
            issue_id: issueId,
            member_id: delivery.memberId,
            status: 'pending',
            message_id: delivery.messageId,
            next_attempt_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['issue_id', 'member_id']).doNothing())
        .returning('id')
        .execute();
      added += rows.length;
    }
    return added;
  }

  async advanceEnumeration(
    issueId: number,
    progress: { lastMemberId: number; added: number; isComplete: boolean },
  ): Promise<void> {
    await this.db
      .updateTable('newsletter_issues')
      .set((eb) => ({
        recipients_after: sql<number>`CASE WHEN recipients_after < ${progress.lastMemberId} THEN ${progress.lastMemberId} ELSE recipients_after END`,
        recipient_count: eb('recipient_count', '+', progress.added),
        ...(progress.isComplete ? { is_enumerated: 1 } : {}),
      }))
      .where('id', '=', issueId)
      .execute();
  }

  async claimDeliveries(options: {
    issueId: number;
    worker: string;
    now: string;
    leaseUntil: string;
    limit: number;
  }): Promise<ClaimedDelivery[]> {
    const { issueId, worker, now, leaseUntil } = options;
    const ids = await this.claimableIds(issueId, now, options.limit);
    if (ids.length === 0) return [];
    // The condition is checked again by the UPDATE itself: of two workers that read the same
    // candidates, each row goes to the one whose UPDATE reaches it first.
    await this.db
      .updateTable('newsletter_deliveries')
      .set({
        status: 'sending',
        claimed_by: worker,
        lease_until: leaseUntil,
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', 'in', ids)
      .where('issue_id', '=', issueId)
      .where((eb) => isClaimable(eb, now))
      .execute();
    const issue = await this.db
      .selectFrom('newsletter_issues')
      .select('newsletter_id')
      .where('id', '=', issueId)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('newsletter_deliveries as d')
      .innerJoin('members', 'members.id', 'd.member_id')
      .leftJoin('newsletter_subscriptions as s', (join) =>
        join.onRef('s.member_id', '=', 'd.member_id').on('s.newsletter_id', '=', issue.newsletter_id),
      )
      .select([
        'd.id',
        'd.member_id',
        'd.message_id',
        'd.attempts',
        'members.email',
        'members.name',
        's.member_id as subscribed',
      ])
      .select(['members.status', 'members.is_banned', 'members.bounced_at', 'members.complained_at'])
      .where('d.id', 'in', ids)
      .where('d.claimed_by', '=', worker)
      .where('d.lease_until', '=', leaseUntil)
      .where('d.status', '=', 'sending')
      .orderBy('d.id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      memberId: row.member_id,
      email: row.email,
      name: row.name,
      messageId: row.message_id,
      attempts: row.attempts,
      isStillWanted:
        row.subscribed !== null &&
        row.status === 'active' &&
        row.is_banned === 0 &&
        row.bounced_at === null &&
        row.complained_at === null,
    }));
  }

  /**
   * Ids of claimable deliveries: first those whose lease ran out, then pending ones. Two range
   * reads on (issue_id, status, id) rather than one with an OR, which reads every delivery of
   * the issue on each claim and makes a send quadratic in its recipients.
   */
  private async claimableIds(issueId: number, now: string, limit: number): Promise<number[]> {
    const expired = await this.db
      .selectFrom('newsletter_deliveries')
      .select('id')
      .where('issue_id', '=', issueId)
      .where('status', '=', 'sending')
      .where('lease_until', '<', now)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (expired.length >= limit) return expired.map((row) => row.id);
    const pending = await this.db
      .selectFrom('newsletter_deliveries')
      .select('id')
      .where('issue_id', '=', issueId)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit - expired.length)
      .execute();
    return [...expired, ...pending].map((row) => row.id);
  }

  async renewClaims(options: {
    issueId: number;
    worker: string;
    now: string;
    leaseUntil: string;
  }): Promise<void> {
    await this.db
      .updateTable('newsletter_deliveries')
      .set({ lease_until: options.leaseUntil })
      .where('issue_id', '=', options.issueId)
      .where('status', '=', 'sending')
      .where('claimed_by', '=', options.worker)
      .where('lease_until', '>=', options.now)
      .execute();
  }

  /**
   * One commit that does not wait for the disk (see the store's interface). SQLite in WAL mode
   * with `synchronous = NORMAL` for this commit alone: it is in the log file, in the operating
   * system's hands, when it returns, and the next flushed commit or checkpoint carries it to the
   * disk. PostgreSQL with `synchronous_commit = off` for this transaction alone: the server has it
   * at once and flushes it within a few hundred milliseconds (wal_writer_delay), whatever happens
   * to us.
   */
  async markSent(ids: number[], sentAt: string, worker: string): Promise<void> {
    if (ids.length === 0) return;
    const write = async (db: Kysely<Database>) => {
      for (const chunk of parameterChunks(ids, 1)) {
        await db
          .updateTable('newsletter_deliveries')
          .set({ status: 'sent', sent_at: sentAt, lease_until: null, last_error: null })
          .where('id', 'in', chunk)
          .where('claimed_by', '=', worker)
          .where('status', '=', 'sending')
          .execute();
      }
    };
    // Inside a caller's transaction the commit is the caller's, and SQLite refuses to change
    // its safety level there.
    if (this.db.isTransaction) return write(this.db);
    if (this.dialect === 'sqlite') {
      // The one connection is held throughout, so no other commit runs at the lowered level.
      await this.db.connection().execute(async (connection) => {
        const current = await sql<{ synchronous: number }>`pragma synchronous`.execute(connection);
        const level = Number(current.rows[0]?.synchronous ?? 2);
        await sql`pragma synchronous = normal`.execute(connection);
        try {
          await write(connection);
        } finally {
          await sql.raw(`pragma synchronous = ${level}`).execute(connection);
        }
      });
      return;
    }
    // One statement, its own transaction: set_config(..., true) is SET LOCAL for that implicit
    // transaction. Once the statement is on its way the mark is the server's to commit, even if
    // this process dies the next instant; BEGIN, SET LOCAL, UPDATE and COMMIT would hold it three
    // round trips longer in our hands.
    for (const chunk of parameterChunks(ids, 1)) {
      await sql`
        update newsletter_deliveries
        set status = 'sent', sent_at = ${sentAt}, lease_until = null, last_error = null
        from (select set_config('synchronous_commit', 'off', true)) as relaxed
        where id in (${sql.join(chunk)}) and claimed_by = ${worker} and status = 'sending'
      `.execute(this.db);
    }
  }

  async deferDelivery(
    id: number,
    worker: string,
    failure: { error: string; nextAttemptAt: string },
  ): Promise<void> {
    await this.updateClaimed(id, worker, {
      status: 'pending',
      last_error: failure.error.slice(0, 2000),
      next_attempt_at: failure.nextAttemptAt,
      lease_until: null,
    });
  }

  async closeDelivery(
    id: number,
    worker: string,
    outcome: { status: 'failed' | 'skipped'; error: string },
  ): Promise<void> {
    await this.updateClaimed(id, worker, {
      status: outcome.status,
      last_error: outcome.error.slice(0, 2000),
      lease_until: null,
    });
  }

  /** Changes a delivery only while `worker` still holds its claim (a claim that ran out is another's). */
  private async updateClaimed(
    id: number,
    worker: string,
    values: Updateable<NewsletterDeliveriesTable>,
  ): Promise<void> {
    await this.db
      .updateTable('newsletter_deliveries')
      .set(values)
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .where('status', '=', 'sending')
      .execute();
  }

  async countDeliveries(issueId: number): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.db
      .selectFrom('newsletter_deliveries')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('issue_id', '=', issueId)
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
      DeliveryStatus,
      number
    >;
    for (const row of rows) counts[row.status as DeliveryStatus] = Number(row.n);
    return counts;
  }

  async nextAttemptAt(issueId: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('newsletter_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('issue_id', '=', issueId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.next ?? undefined;
  }

  async finishIssue(id: number, counts: Record<DeliveryStatus, number>, now: string): Promise<void> {
    await this.db
      .updateTable('newsletter_issues')
      .set({
        status: 'sent',
        finished_at: now,
        updated_at: now,
        sent_count: counts.sent + counts.bounced,
        failed_count: counts.failed,
        bounced_count: counts.bounced,
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async findDeliveryByMessageId(
    messageId: string,
  ): Promise<{ id: number; memberId: number; issueId: number } | undefined> {
    const row = await this.db
      .selectFrom('newsletter_deliveries')
      .select(['id', 'member_id', 'issue_id'])
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    return row && { id: row.id, memberId: row.member_id, issueId: row.issue_id };
  }

  async findMemberIdByEmail(email: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('members')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    return row?.id;
  }

  async recordBounceEvent(event: BounceEvent, now: string): Promise<void> {
    await this.db
      .insertInto('newsletter_bounce_events')
      .values({
        email: event.email.slice(0, 320),
        member_id: event.memberId,
        delivery_id: event.deliveryId,
        kind: event.kind,
        source: event.source,
        status_code: event.statusCode.slice(0, 20),
        diagnostic: event.diagnostic.slice(0, 2000),
        message_id: event.messageId.slice(0, 300),
        received_at: now,
      })
      .execute();
  }

  async markMemberUnreachable(memberId: number, kind: 'hard' | 'complaint', at: string): Promise<void> {
    const column = kind === 'hard' ? 'bounced_at' : 'complained_at';
    await this.db
      .updateTable('members')
      .set({ [column]: at, updated_at: at })
      .where('id', '=', memberId)
      .where(column, 'is', null)
      .execute();
  }

  async markDeliveryBounced(deliveryId: number): Promise<void> {
    await this.db
      .updateTable('newsletter_deliveries')
      .set({ status: 'bounced' })
      .where('id', '=', deliveryId)
      .execute();
  }

  async keyFor(name: string, candidate: string, now: string): Promise<string> {
    await this.db
      .insertInto('newsletter_keys')
      .values({ name, value: candidate, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('newsletter_keys')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }
}
