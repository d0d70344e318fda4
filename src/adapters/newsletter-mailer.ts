import { readFileSync } from 'node:fs';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

/** One newsletter message for one member, with everything that makes it a list message. */
export interface NewsletterMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Angle-bracketed, fixed per issue and member. */
  messageId: string;
  /** The member's one-click unsubscribe URL (RFC 8058). */
  unsubscribeUrl: string;
}

/** What the SMTP server made of a message: accepted, or refused for now or for good. */
export type NewsletterSendResult =
  | { isAccepted: true }
  | { isAccepted: false; responseCode: number | undefined; error: string };

/** Sends newsletter messages over pooled connections, at the configured rate. */
export interface NewsletterMailer {
  send(message: NewsletterMessage): Promise<NewsletterSendResult>;
  close(): void;
}

type NewsletterSettings = Config['newsletter'];

/** The address inside "Name <address>", or the whole string. */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** nodemailer's DKIM options, or none when signing is not configured; the key file is read once. */
function dkimOptions(settings: NewsletterSettings) {
  if (!settings.dkimDomain || !settings.dkimSelector || !settings.dkimPrivateKeyFile) return undefined;
  return {
    domainName: settings.dkimDomain,
    keySelector: settings.dkimSelector,
    privateKey: readFileSync(settings.dkimPrivateKeyFile, 'utf8'),
  };
}

/**
 * Newsletters through nodemailer's SMTP pool: a few connections kept open and reused, with
 * nodemailer's own rate limit shared between them, and DKIM signing when a key is configured.
 * Refusals are answered, not thrown: the caller tells a temporary failure from a permanent one
 * by the reply code.
 */
export class SmtpNewsletterMailer implements NewsletterMailer {
  private transport: Promise<Transporter> | undefined;
  private readonly options: TransportOptions;
  private readonly from: string;
  private readonly envelopeFrom: string;
  private readonly unsubscribeMailto: string;
  private readonly log: Logger;

  constructor(options: { mail: Config['mail']; newsletter: NewsletterSettings; log: Logger }) {
    const { mail, newsletter } = options;
    this.from = mail.from;
    this.envelopeFrom = newsletter.bounceAddress || addressOf(mail.from);
    this.unsubscribeMailto = newsletter.unsubscribeMailto;
    this.log = options.log;
    const dkim = dkimOptions(newsletter);
    this.options = {
      pool: true,
      host: mail.host,
      port: mail.port,
      secure: mail.secure,
      ...(mail.user ? { auth: { user: mail.user, pass: mail.password } } : {}),
      maxConnections: newsletter.connections,
      maxMessages: Number.POSITIVE_INFINITY,
      ...(newsletter.messagesPerSecond > 0 ? rateOptions(newsletter.messagesPerSecond) : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      ...(dkim ? { dkim } : {}),
    };
  }

  /** nodemailer is loaded at the first message: most processes never send a newsletter. */
  private transportNow(): Promise<Transporter> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(this.options),
    );
    return this.transport;
  }

  async send(message: NewsletterMessage): Promise<NewsletterSendResult> {
    try {
      await (await this.transportNow()).sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId: message.messageId,
        envelope: { from: this.envelopeFrom, to: message.to },
        list: {
          unsubscribe: this.unsubscribeMailto
            ? [
                { url: message.unsubscribeUrl },
                { url: `mailto:${this.unsubscribeMailto}?subject=unsubscribe` },
              ]
            : { url: message.unsubscribeUrl },
        },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      return { isAccepted: true };
    } catch (cause) {
      const error = cause as { responseCode?: number; message?: string; code?: string };
      this.log.debug({ err: cause }, 'newsletter message refused');
      return {
        isAccepted: false,
        responseCode: typeof error.responseCode === 'number' ? error.responseCode : undefined,
        error: String(error.message ?? error.code ?? cause).slice(0, 500),
      };
    }
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}

/**
 * nodemailer's rate limit counts messages per period: whole messages per second when the rate
 * is at least one, otherwise one message per so many milliseconds.
 */
function rateOptions(messagesPerSecond: number): { rateDelta: number; rateLimit: number } {
  if (messagesPerSecond >= 1) return { rateDelta: 1000, rateLimit: Math.floor(messagesPerSecond) };
  return { rateDelta: Math.round(1000 / messagesPerSecond), rateLimit: 1 };
}

type TransportOptions = Parameters<typeof import('nodemailer').createTransport>[0];

/** The newsletter mailer the configuration asks for; undefined when no SMTP server is configured. */
export function createNewsletterMailer(
  config: Pick<Config, 'mail' | 'newsletter'>,
  log: Logger,
): NewsletterMailer | undefined {
  if (!config.mail.host) return undefined;
  return new SmtpNewsletterMailer({
    mail: config.mail,
    newsletter: config.newsletter,
    log: log.child({ module: 'newsletter-mailer' }),
  });
}
