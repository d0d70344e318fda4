import { toIsoTimestamp } from '../../domain/article.ts';
import { tooLong } from '../../domain/limits.ts';
import { normaliseMemberEmail } from '../../domain/member.ts';
import { type BounceKind, isHardBounce, parseDeliveryStatus } from '../../domain/newsletter.ts';
import { clipText, stripXmlForbidden } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';

/** A bounce or complaint as a provider's webhook or a returned DSN reports it. */
export interface BounceReport {
  email: string;
  kind: BounceKind;
  source: 'webhook' | 'dsn';
  /** The enhanced status code (5.1.1), when known. */
  statusCode?: string;
  diagnostic?: string;
  /** The Message-ID of the message that bounced, when known: it names the delivery. */
  messageId?: string;
}

/**
 * Records a bounce or complaint. A hard bounce sets the member's bounced_at, a complaint their
 * complained_at: either stops every further send to them, including the rest of an issue being
 * sent (deliveries are checked when claimed). A soft bounce is only recorded.
 */
export async function recordBounce(ctx: ServiceContext, report: BounceReport): Promise<void> {
  const now = toIsoTimestamp(ctx.now());
  // Kept and looked up as members' addresses are (one Unicode form, the domain as IDNA reads it):
  // a provider that reports the ASCII spelling of a Unicode domain still names the member.
  const email = keptText(normaliseMemberEmail(report.email), BOUNCE_EVENT_LIMITS.email);
  const rawMessageId = normaliseMessageId(report.messageId ?? '');
  // Ours are short: a longer one names no delivery, and is not kept.
  const messageId = tooLong(rawMessageId, BOUNCE_EVENT_LIMITS.messageId) ? '' : rawMessageId;
  await ctx.store.transaction(async (repos) => {
    const delivery = messageId ? await repos.newsletters.findDeliveryByMessageId(messageId) : undefined;
    const memberOfEmail = await repos.newsletters.findMemberIdByEmail(email);
    const memberId = delivery?.memberId ?? memberOfEmail ?? null;
    await repos.newsletters.recordBounceEvent(
      {
        email,
        memberId,
        deliveryId: delivery?.id ?? null,
        kind: report.kind,
        source: report.source,
        statusCode: keptText(report.statusCode ?? '', BOUNCE_EVENT_LIMITS.statusCode),
        diagnostic: keptText(report.diagnostic ?? '', BOUNCE_EVENT_LIMITS.diagnostic),
        messageId,
      },
      now,
    );
    if (report.kind === 'soft' || memberId === null) return;
    // Anyone may mail the bounce address a report about any address. One from there stops a
    // member only when it returns our message to them (its Message-ID holds a secret tag) and
    // names them as its recipient; a provider's webhook comes with the secret, and is believed.
    if (report.source === 'dsn' && (!delivery || delivery.memberId !== memberOfEmail)) return;
    await repos.newsletters.markMemberUnreachable(memberId, report.kind, now);
    if (delivery && report.kind === 'hard') await repos.newsletters.markDeliveryBounced(delivery.id);
  });
  ctx.log.info({ kind: report.kind, source: report.source }, 'newsletter bounce recorded');
}

/**
 * What a bounce event keeps of each field (its columns' sizes, and the webhook's own limits). A
 * DSN is written by whoever mailed the bounce address, so its fields are clipped to these.
 */
const BOUNCE_EVENT_LIMITS = { email: 320, statusCode: 20, diagnostic: 2000, messageId: 300 } as const;

/** A reported value as it can be stored: no NUL or other control byte, at most `limit` characters. */
function keptText(value: string, limit: number): string {
  return clipText(stripXmlForbidden(value), limit);
}

/** A Message-ID with its angle brackets, as deliveries store it; empty for none. */
function normaliseMessageId(value: string): string {
  const trimmed = value.trim();
  if (!trimmed) return '';
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/**
 * The most recipients one returned report may name. Each newsletter message goes to one
 * recipient, so a report about ours names one; a report naming thousands (each recorded in its
 * own transaction) is someone's attempt to keep the server busy.
 */
export const MAX_DSN_RECIPIENTS = 100;

/**
 * The bounces in a delivery status notification (RFC 3464: a multipart/report whose
 * message/delivery-status part reports each recipient), with the Message-ID of the returned
 * message when it came back too. A message that is no DSN yields nothing.
 */
export async function bouncesInDsn(raw: Buffer | string): Promise<BounceReport[]> {
  // Imported here: the mail parser and its character sets are a large part of the server's
  // start-up, and only a returned message needs them.
  const { simpleParser } = await import('mailparser');
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(raw, {
      keepDeliveryStatus: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
    });
  } catch (cause) {
    // The parser refuses what it will not read (MIME nested thousands deep, over-long headers):
    // anyone can mail the bounce address, so that is a refusal of the message, not our fault.
    throw Errors.VALIDATION_FAILED(
      { details: [{ field: 'body', message: 'is not a bounce message that can be read' }] },
      { cause },
    );
  }
  const parts = mail.attachments;
  const status = parts.find((part) => part.contentType.toLowerCase() === 'message/delivery-status');
  if (!status) return [];
  const returned = parts.find((part) =>
    ['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers'].includes(
      part.contentType.toLowerCase(),
    ),
  );
  const messageId = returned
    ? /^message-id:\s*(<[^>\r\n]+>)/im.exec(returned.content.toString('utf8'))?.[1]
    : undefined;
  const recipients = parseDeliveryStatus(status.content.toString('utf8'));
  if (recipients.length > MAX_DSN_RECIPIENTS)
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'body', message: `reports more than ${MAX_DSN_RECIPIENTS} recipients` }],
    });
  return recipients
    .filter((recipient) => recipient.action === 'failed' || recipient.action === 'delayed')
    .map((recipient) => ({
      email: recipient.finalRecipient,
      kind: isHardBounce(recipient) ? 'hard' : 'soft',
      source: 'dsn',
      statusCode: recipient.status,
      diagnostic: recipient.diagnostic,
      ...(messageId ? { messageId } : {}),
    }));
}

/** Records every bounce a DSN reports; returns how many. */
export async function recordDsn(ctx: ServiceContext, raw: Buffer | string): Promise<number> {
  const reports = await bouncesInDsn(raw);
  for (const report of reports) await recordBounce(ctx, report);
  return reports.length;
}
