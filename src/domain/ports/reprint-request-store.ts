import type { ReprintRequestFields, ReprintRequestListed, ReprintStatus } from '../reprint-request.ts';

/** Reprint and translation requests, and what editors decided on them. */
export interface ReprintRequestStore {
  insert(
    request: ReprintRequestFields & { articleId: number; senderKey: string; createdAt: string },
  ): Promise<number>;
  findById(id: number): Promise<ReprintRequestListed | undefined>;
  /** Requests of one status, newest first, `limit` at a time; `beforeId` pages back. */
  list(options: { status: ReprintStatus; limit: number; beforeId?: number }): Promise<ReprintRequestListed[]>;
  countByStatus(status: ReprintStatus): Promise<number>;
  /** How many requests came from one sender (a hashed address) since a time. */
  countFromSenderSince(senderKey: string, since: string): Promise<number>;
  /** Forgets the senders of requests made before a time (they no longer count); returns how many. */
  forgetSendersBefore(before: string): Promise<number>;
  /**
   * Records a decision on a request still pending; false when it was not pending any more (an
   * editor in another tab decided first), and nothing is changed then.
   */
  decide(
    id: number,
    decision: {
      status: Exclude<ReprintStatus, 'pending'>;
      decidedBy: number | null;
      decidedByLabel: string;
      decidedAt: string;
      replyText: string;
    },
  ): Promise<boolean>;
  markReplySent(id: number, sentAt: string): Promise<void>;
}
