import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { Errors } from '../errors.ts';

/** An email as services write it: plain text always, HTML optional. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends email. Services depend on this, not on nodemailer. */
export interface Mailer {
  /** False when no SMTP server is configured: callers then show links instead of mailing them. */
  readonly isConfigured: boolean;
  /**
   * Sends one message. Throws AppError MAIL_REFUSED when the server refuses it for good (a 5xx
   * reply: trying again would be refused again), MAIL_FAILED when it refuses for now (4xx) or
   * cannot be reached.
   */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * Sends through an SMTP server with nodemailer, loaded at the first message rather than at
 * start-up (most processes never send one).
 */
export class SmtpMailer implements Mailer {
  readonly isConfigured = true;
  private transport: Promise<Transporter> | undefined;

  private readonly config: Config['mail'];

  private readonly log: Logger;

  constructor(config: Config['mail'], log: Logger) {
    this.config = config;

    this.log = log;
  }

  private transportNow(): Promise<Transporter> {
    const { config } = this;
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: config.host,
        port: config.port,
        secure: config.secure,
        ...(config.user ? { auth: { user: config.user, pass: config.password } } : {}),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      }),
    );
    return this.transport;
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await (await this.transportNow()).sendMail({ from: this.config.from, ...message });
      this.log.info({ subject: message.subject }, 'mail sent');
    } catch (cause) {
      // nodemailer's error names the recipient (in its message, its reply and its lists), and
      // whoever reads a log or the job queue has no business learning members' addresses: only
      // the server's code and words, with any address replaced, go further.
      const failure = smtpFailureOf(cause);
      this.log.warn({ host: this.config.host, ...failure }, 'mail not sent');
      if (failure.responseCode !== undefined && failure.responseCode >= 500)
        throw Errors.MAIL_REFUSED({ reply: failure.reply });
      throw Errors.MAIL_FAILED({
        reason: failure.responseCode
          ? `the mail server answered “${failure.reply}”`
          : `the mail server could not be reached (${failure.reply})`,
      });
    }
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}

const ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

/**
 * Text from a mail server with every email address in it replaced.
 *
 * @example withoutAddresses('550 5.1.1 <ana@example.org>: unknown') === '550 5.1.1 <[address]>: unknown'
 */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]');
}

/** What a failed send may tell logs: the SMTP reply code, and the reply (or error code) without addresses. */
function smtpFailureOf(cause: unknown): { responseCode: number | undefined; reply: string; code?: string } {
  const error = (cause ?? {}) as { responseCode?: unknown; response?: unknown; code?: unknown };
  const responseCode = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const reply =
    typeof error.response === 'string' && error.response
      ? error.response
      : (code ?? (cause instanceof Error ? cause.message : 'no answer'));
  return {
    responseCode,
    reply: withoutAddresses(reply).slice(0, 300),
    ...(code === undefined ? {} : { code }),
  };
}

/** Stands in when mail is not configured; sending is refused so nothing pretends to be delivered. */
export class UnconfiguredMailer implements Mailer {
  readonly isConfigured = false;

  async send(): Promise<void> {
    throw Errors.MAIL_FAILED({
      reason: 'email is not configured (set PRESSROOM_MAIL__HOST and related settings)',
    });
  }

  close(): void {}
}

/** The mailer the configuration asks for. */
export function createMailer(config: Config['mail'], log: Logger): Mailer {
  return config.host ? new SmtpMailer(config, log.child({ module: 'mailer' })) : new UnconfiguredMailer();
}
