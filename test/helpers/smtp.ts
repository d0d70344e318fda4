import { type ParsedMail, simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { SmtpMailer } from '../../src/adapters/mailer.ts';

/** A real SMTP server on 127.0.0.1 that keeps every message it receives, parsed. */
export interface SmtpCapture {
  port: number;
  messages: ParsedMail[];
  /** Resolves with the next message (or one already received and not yet taken). */
  nextMessage(): Promise<ParsedMail>;
  /** Makes the server refuse the next messages (to test failures), or accept them again. */
  setRefusing(isRefusing: boolean): void;
  /**
   * Makes the server keep the next senders waiting for its answer to their message (a slow mail
   * server), until the returned function is called. Messages are recorded as they arrive.
   */
  holdReplies(): () => void;
  close(): Promise<void>;
}

/** How the capture answers a recipient: undefined accepts it, a code and text refuse it. */
export type RecipientReply = (address: string) => { code: number; message: string } | undefined;

/**
 * Called as each message's data is complete, before it is recorded and answered, with the count
 * recorded so far. False leaves the message unrecorded and unanswered (as when the sender is
 * gone and there is no one to answer): a message counts as received only once it is answered.
 */
export type BeforeAnswer = (received: number) => boolean;

export async function startSmtpCapture(
  options: { replyToRecipient?: RecipientReply; beforeAnswer?: BeforeAnswer } = {},
): Promise<SmtpCapture> {
  const messages: ParsedMail[] = [];
  const waiting: ((mail: ParsedMail) => void)[] = [];
  let taken = 0;
  let isRefusing = false;
  let held: (() => void)[] | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = options.replyToRecipient?.(address.address);
      if (refusal) callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      else callback();
    },
    onData(stream, _session, callback) {
      if (isRefusing) {
        stream.resume();
        stream.on('end', () =>
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })),
        );
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          if (options.beforeAnswer && !options.beforeAnswer(messages.length)) return;
          messages.push(mail);
          const resolve = waiting.shift();
          if (resolve) {
            taken++;
            resolve(mail);
          }
          if (held) held.push(() => callback());
          else callback();
        })
        .catch(callback);
    },
  });
  // A sender killed in the middle of a message resets its connection: for the tests, that
  // message did not arrive (it is not recorded), not an error of the server.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    messages,
    nextMessage: () => {
      const ready = messages[taken];
      if (ready) {
        taken++;
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    setRefusing: (value) => {
      isRefusing = value;
    },
    holdReplies: () => {
      const replies: (() => void)[] = [];
      held = replies;
      return () => {
        if (held === replies) held = undefined;
        for (const reply of replies.splice(0)) reply();
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first admin link (reset or invitation) in a message's text. */
export function linkIn(mail: ParsedMail): string {
  const match =
    /https?:\/\/\S+\/admin\/(?:(?:reset-password|accept-invitation)\?token|login\?unlock)=[\w%-]+/.exec(
      mail.text ?? '',
    );
  if (!match) throw new Error(`no link in the message: ${mail.text}`);
  return match[0];
}

/** The app's own mailer, sending to the capture as the desk's address. */
export function mailerTo(smtp: SmtpCapture): SmtpMailer {
  return new SmtpMailer(
    {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      user: '',
      password: '',
      from: 'Desk <desk@review.example>',
    },
    pino({ level: 'silent' }),
  );
}
