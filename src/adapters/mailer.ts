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
  /** Sends one message; throws AppError MAIL_FAILED when the server refuses or is unreachable. */
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
      this.log.warn({ err: cause, host: this.config.host }, 'mail not sent');
      throw Errors.MAIL_FAILED({ reason: 'the mail server refused it or could not be reached' }, { cause });
    }
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
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
