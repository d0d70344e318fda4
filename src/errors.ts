/** What went wrong, independent of transport; `web/` maps it to an HTTP status, `cli/` to exit code 1. */
export type ErrorKind =
  | 'not_found'
  | 'gone'
  | 'invalid'
  | 'conflict'
  | 'forbidden'
  | 'unavailable'
  | 'throttled';

/** A field-level problem: which field, and what is wrong with it, in words a user understands. */
export interface FieldError {
  field: string;
  message: string;
}

/** One code's fixed meaning: its kind (hence its HTTP status) and how its message is written. */
interface ErrorEntry<P> {
  kind: ErrorKind;
  message: (params: P) => string;
  /** The field errors every error of this code carries, when the code is about one field. */
  details?: (params: P) => FieldError[];
}

function entry<P = void>(
  kind: ErrorKind,
  message: (params: P) => string,
  details?: (params: P) => FieldError[],
): ErrorEntry<P> {
  return details ? { kind, message, details } : { kind, message };
}

function summary(details: readonly FieldError[]): string {
  return details.map((d) => `${d.field}: ${d.message}`).join('; ');
}

type Id = number | string;

/**
 * Every error the application can raise, each with one kind and one message template.
 * docs/errors.md lists each code with its kind (a test checks both).
 */
const CATALOGUE = {
  ARTICLE_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No article with id ${p.id}.`),
  PAGE_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No page with id ${p.id}.`),
  PERSON_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No person with id ${p.id}.`),
  TERM_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No term with id ${p.id}.`),
  MEDIA_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No image with id ${p.id}.`),
  TAXONOMY_NOT_FOUND: entry('not_found', (p: { id: Id }) =>
    typeof p.id === 'number' ? `No taxonomy with id ${p.id}.` : `No taxonomy “${p.id}”.`,
  ),
  USER_NOT_FOUND: entry('not_found', (p: { email?: string }) =>
    p.email ? `There is no user ${p.email}.` : 'There is no such user.',
  ),
  CORRECTION_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No correction ${p.id} on this article.`),
  CORRECTION_WITHDRAWN: entry(
    'conflict',
    () => 'This correction was withdrawn: it can no longer be edited. Add a new one instead.',
  ),
  MEMBER_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No member with id ${p.id}.`),
  MEMBER_TIER_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No membership tier with id ${p.id}.`),
  REVISION_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No revision ${p.id} for this article.`),
  NOT_FOUND: entry(
    'not_found',
    () => 'There is no page at this address. It may have moved, or the link may be mistyped.',
  ),
  GONE: entry(
    'gone',
    () => 'What was at this address has been removed by the publication, and will not come back here.',
  ),
  VALIDATION_FAILED: entry(
    'invalid',
    (p: { details: FieldError[] }) => summary(p.details),
    (p) => p.details,
  ),
  FRONT_MATTER_INVALID: entry(
    'invalid',
    (p: { details: FieldError[] }) => p.details.map((e) => `${e.field} ${e.message}`).join('; '),
    (p) => p.details,
  ),
  SLUG_TAKEN: entry(
    'conflict',
    (p: { slug: string; title?: string }) =>
      p.title === undefined
        ? `Another article already uses the slug "${p.slug}"`
        : `The article “${p.title}” already uses the slug "${p.slug}"`,
    (p) => [
      {
        field: 'slug',
        message:
          p.title === undefined ? 'is already used by another article' : `is already used by “${p.title}”`,
      },
    ],
  ),
  ALREADY_IN_USE: entry(
    'conflict',
    (p: { field: string }) =>
      `${p.field}: already in use. Someone else may have saved the same one a moment ago: reload to see it.`,
    (p) => [{ field: p.field, message: 'is already in use' }],
  ),
  EMAIL_TAKEN: entry(
    'conflict',
    (p: { email: string }) => `A user with the email ${p.email} already exists`,
    () => [{ field: 'email', message: 'is already used by another user' }],
  ),
  TERM_CYCLE: entry(
    'invalid',
    (p: { name: string }) => `“${p.name}” cannot be placed under itself or its own descendant.`,
    () => [{ field: 'parent', message: 'cannot be the term itself or one of its descendants' }],
  ),
  TERM_MERGE_INVALID: entry(
    'invalid',
    (p: { reason: string }) => p.reason,
    (p) => [{ field: 'into', message: p.reason }],
  ),
  STATUS_TRANSITION_INVALID: entry(
    'conflict',
    (p: { status: string; action: string }) => `An article that is ${p.status} cannot be ${p.action}.`,
  ),
  EDIT_CONFLICT: entry(
    'conflict',
    () =>
      'Someone else saved this article after you opened it. Your text is kept below: compare it with the saved version, then save again.',
  ),
  USAGE_INVALID: entry('invalid', (p: { reason: string }) => p.reason),
  IMPORT_FAILED: entry('invalid', (p: { file?: string; reason: string }) =>
    p.file ? `${p.file}: ${p.reason}` : p.reason,
  ),
  CONFIG_INVALID: entry(
    'invalid',
    (p: { reason: string; details?: FieldError[] }) => p.reason,
    (p) => p.details ?? [],
  ),
  DATABASE_UNAVAILABLE: entry('unavailable', (p: { reason: string }) => p.reason),
  SERVER_WORKERS_FAILED: entry('unavailable', (p: { reason: string }) => p.reason),
  WEBMENTION_SOURCE_UNREACHABLE: entry(
    'unavailable',
    (p: { source: string; reason: string }) =>
      `The page that sent a webmention (${p.source}) could not be fetched now: ${p.reason}. It will be tried again.`,
  ),
  STORAGE_READ_ONLY: entry(
    'unavailable',
    () =>
      'Nothing was saved: the server cannot write to its disk at the moment (it has become read-only or is failing). Reading still works. Try again later, or tell the site’s administrator.',
  ),
  STORAGE_FULL: entry(
    'unavailable',
    () =>
      'Nothing was saved: the server has run out of disk space. Reading still works. Try again later, or tell the site’s administrator.',
  ),
  NODE_TOO_OLD: entry('unavailable', (p: { version: string }) => `Node.js ${p.version} is too old.`),
  LISTING_POSITION_INVALID: entry(
    'invalid',
    (p: { page: number }) =>
      `This link to page ${p.page} does not name a place in this listing: it is mistyped, or the article it continued from is no longer listed. Open page ${p.page} from the listing’s numbered links instead.`,
    () => [{ field: 'after', message: 'is not a position in this listing' }],
  ),
  SEARCH_QUERY_INVALID: entry(
    'invalid',
    (p: { limit: number; length: number }) =>
      `Search terms are limited to ${p.limit} characters; this query has ${p.length}.`,
  ),
  HOST_MISSING: entry('invalid', () => 'The request has no Host header, which HTTP/1.1 requires.'),
  REQUEST_INCOMPLETE: entry('invalid', () => 'The connection closed before the whole request arrived.'),
  LOGIN_FAILED: entry(
    'invalid',
    () => 'The email or the password is wrong.',
    () => [{ field: 'password', message: 'The email or the password is wrong.' }],
  ),
  LOGIN_THROTTLED: entry(
    'throttled',
    (p: { minutes: number }) =>
      `Too many failed attempts. Try again in ${p.minutes} minute${p.minutes === 1 ? '' : 's'}, or reset your password.`,
  ),
  LOGIN_LOCKED: entry(
    'throttled',
    (p: { minutes: number }) =>
      `Too many failed sign-ins have come for this account, or from your network. If the account exists, we have emailed it a link that lets you sign in from this browser; or try again in ${p.minutes} minute${p.minutes === 1 ? '' : 's'}.`,
  ),
  LOGIN_BUSY: entry(
    'throttled',
    () => 'Many sign-ins to this account are being checked at this moment. Try again in a few seconds.',
  ),
  AUTH_TOKEN_INVALID: entry(
    'invalid',
    () => 'This link is not valid any more: it has expired or has already been used. Ask for a new one.',
  ),
  CSRF_REFUSED: entry(
    'forbidden',
    () =>
      'This form has expired or did not come from this site, so it was not accepted. Go back, reload the page and try again.',
  ),
  PERMISSION_DENIED: entry(
    'forbidden',
    (p: { reason?: string }) =>
      p.reason ?? 'Your role does not allow this. Ask an editor or an admin if you need it.',
  ),
  PERSON_IN_USE: entry('conflict', (p: { reason: string }) => p.reason),
  LAST_ADMIN: entry(
    'conflict',
    () => 'This would leave the publication without an active admin. Make someone else admin first.',
  ),
  NEWSLETTER_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No newsletter with id ${p.id}.`),
  ISSUE_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No newsletter issue with id ${p.id}.`),
  ISSUE_ALREADY_SENT: entry(
    'conflict',
    (p: { id: Id; status: string }) =>
      `Newsletter issue ${p.id} is ${p.status}: it can no longer be scheduled or sent again.`,
  ),
  UNSUBSCRIBE_LINK_INVALID: entry(
    'invalid',
    () =>
      'This unsubscribe link is not valid: it may have been cut short when it was copied. Use the link in the email itself.',
    () => [{ field: 'token', message: 'is not a valid unsubscribe token' }],
  ),
  PREFERENCES_LINK_INVALID: entry(
    'invalid',
    () =>
      'This link to your newsletter choices is not valid: it has expired, or was cut short when it was copied. Use the link in a recent newsletter, or sign in to your account.',
    () => [{ field: 'token', message: 'is not a valid or current newsletter-choices token' }],
  ),
  BOUNCE_WEBHOOK_REFUSED: entry('forbidden', () => 'The bounce webhook needs the configured secret.'),
  MAIL_FAILED: entry('unavailable', (p: { reason: string }) => `The email could not be sent: ${p.reason}.`),
  MAIL_REFUSED: entry(
    'invalid',
    (p: { reply: string }) =>
      `The email could not be sent: the mail server refused the address for good (“${p.reply}”).`,
  ),
  MEDIA_INVALID: entry(
    'invalid',
    (p: { reason: string; fieldMessage?: string }) => p.reason,
    (p) => [{ field: 'file', message: p.fieldMessage ?? p.reason }],
  ),
  DAILY_WRITE_LIMIT: entry(
    'throttled',
    (p: { megabytes: number; role: string }) =>
      `You have saved ${p.megabytes} MB of texts and images in the last 24 hours, the most an account with the ${p.role} role may. Nothing was lost from what you saved before; ask an editor to save this for you, or try again later.`,
  ),
  RENDER_BUSY: entry(
    'unavailable',
    () => 'The server is busy rendering other texts. Wait a moment and try again.',
  ),
  LARGE_REQUESTS_BUSY: entry(
    'throttled',
    () => 'Your other long texts are still being saved or previewed. Wait for them to finish and try again.',
  ),
  EDITOR_BUSY: entry(
    'unavailable',
    () => 'The server is busy with other people’s long texts. Wait a moment and try again.',
  ),
  UPLOADS_BUSY: entry('unavailable', (p: { isOwn: boolean }) =>
    p.isOwn
      ? 'Your other uploads are still being received or processed. Wait for them to finish and try again.'
      : 'The server is busy with other people’s uploads. Wait a moment and try again.',
  ),
  REPRINT_REQUEST_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No reprint request with id ${p.id}.`),
  REPRINT_REQUEST_DECIDED: entry(
    'conflict',
    (p: { status: string }) =>
      `This request was already ${p.status} by someone else, and its reply sent: nothing was changed. Reload to see the decision.`,
  ),
  REPRINT_REQUESTS_DAILY_LIMIT: entry(
    'throttled',
    (p: { limit: number }) =>
      `Your network has sent ${p.limit} requests in the last 24 hours, the most we take from one place. Please try again tomorrow, or write to the publication directly.`,
  ),
  COMMENT_NOT_FOUND: entry('not_found', (p: { id: Id }) => `No comment with id ${p.id}.`),
  COMMENTS_CLOSED: entry('conflict', () => 'Comments on this article are closed.'),
  COMMENTS_CLOSED_TO_EDITS: entry(
    'conflict',
    () =>
      'Comments on this article are closed, so comments under it can no longer be edited. You may delete yours.',
  ),
  COMMENT_EDIT_CLOSED: entry(
    'conflict',
    (p: { minutes: number }) =>
      `A comment can be edited for ${p.minutes} minutes after it is posted; this one no longer can. You may delete it.`,
  ),
  COMMENT_DECIDED: entry(
    'conflict',
    (p: { status: string }) =>
      `This comment is already ${p.status}: someone decided it first, and nothing was changed. Reload to see it.`,
  ),
  COMMENTS_RATE_LIMIT: entry('throttled', (p: { isForMember: boolean }) =>
    p.isForMember
      ? 'You have posted many comments in the last hour. Please wait a while before posting again.'
      : 'Many comments have come from your network in the last hour. Please wait a while before posting again.',
  ),
  COMMENT_MEMBER_BANNED: entry('forbidden', () => 'This account may not post comments.'),
  COMMENTS_FOR_READERS: entry(
    'forbidden',
    () => 'The discussion of this article is for readers of the whole article. Your comment was not posted.',
  ),
  COMMENT_SIGN_IN_REQUIRED: entry(
    'forbidden',
    () => 'Sign in as a member to comment: your session may have ended. Your comment was not posted.',
  ),
  MEMBER_LINKS_LIMIT: entry('throttled', (p: { isForAddress: boolean }) =>
    p.isForAddress
      ? 'Several links have already been sent to this email address today. Use one of them, or try again tomorrow.'
      : 'Your network has asked for many links today, the most we send for one place. Please try again tomorrow.',
  ),
  MEMBER_EMAIL_TAKEN: entry(
    'conflict',
    () => 'This email address belongs to another account: choose another one.',
    () => [{ field: 'email', message: 'belongs to another account' }],
  ),
  WEBMENTIONS_BACKLOG: entry(
    'unavailable',
    () => 'Too many mentions are waiting to be checked. Send this one again in a while.',
  ),
  BACKUP_FAILED: entry('unavailable', (p: { reason: string }) => p.reason),
  RESTORE_REFUSED: entry('invalid', (p: { reason: string }) => p.reason),
} satisfies Record<string, ErrorEntry<never>>;

export type ErrorCode = keyof typeof CATALOGUE;

/** Every error code, in catalogue order. */
export const ERROR_CODES = Object.keys(CATALOGUE) as ErrorCode[];

type ParamsOf<C extends ErrorCode> = (typeof CATALOGUE)[C] extends ErrorEntry<infer P> ? P : never;

type CreateOptions = { cause?: unknown; retryAfterSeconds?: number };

// A template that takes nothing infers no parameter type: such codes are called with no argument.
type Factory<P> = [P] extends [never]
  ? (params?: Record<string, never>, options?: CreateOptions) => AppError
  : unknown extends P
    ? (params?: Record<string, never>, options?: CreateOptions) => AppError
    : (params: P, options?: CreateOptions) => AppError;

/** The kind (and so the HTTP status) a code always has. */
export function kindOf(code: ErrorCode): ErrorKind {
  return CATALOGUE[code].kind;
}

/** An expected failure whose message is safe to show a user. Anything else thrown is a bug. Made through `Errors`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: FieldError[] | undefined;
  /** For a throttled request: how long the client should wait before trying again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: FieldError[]; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = kindOf(code);
    this.details = options.details && options.details.length > 0 ? options.details : undefined;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

type ErrorFactories = { [C in ErrorCode]: Factory<ParamsOf<C>> };

function factoryFor<C extends ErrorCode>(code: C): ErrorFactories[C] {
  const { message, details } = CATALOGUE[code] as unknown as ErrorEntry<ParamsOf<C>>;
  return ((params: ParamsOf<C>, options?: CreateOptions) =>
    new AppError(code, message(params), {
      ...(details ? { details: details(params) } : {}),
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
      ...(options?.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: options.retryAfterSeconds }),
    })) as ErrorFactories[C];
}

/**
 * The only way to make an AppError: `throw Errors.SLUG_TAKEN({ slug })`.
 * The code fixes the kind and the message template; a cause may be attached.
 */
export const Errors = Object.fromEntries(
  ERROR_CODES.map((code) => [code, factoryFor(code)]),
) as ErrorFactories;
