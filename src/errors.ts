/** What went wrong, independent of transport; `web/` maps it to an HTTP status, `cli/` to exit code 1. */
export type ErrorKind = 'not_found' | 'invalid' | 'conflict' | 'forbidden' | 'unavailable' | 'throttled';

/** Every error code the application can raise. docs/errors.md lists each one (a test checks). */
export const ERROR_CODES = [
  'ARTICLE_NOT_FOUND',
  'PAGE_NOT_FOUND',
  'PERSON_NOT_FOUND',
  'TERM_NOT_FOUND',
  'TAXONOMY_NOT_FOUND',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'FRONT_MATTER_INVALID',
  'UNKNOWN_TAXONOMY',
  'SLUG_TAKEN',
  'SLUG_RESERVED',
  'TERM_CYCLE',
  'STATUS_TRANSITION_INVALID',
  'IMPORT_FAILED',
  'CONFIG_INVALID',
  'DATABASE_UNAVAILABLE',
  'NODE_TOO_OLD',
  'SEARCH_QUERY_INVALID',
  'LOGIN_FAILED',
  'LOGIN_THROTTLED',
  'AUTH_TOKEN_INVALID',
  'USER_NOT_FOUND',
  'PERMISSION_DENIED',
  'LAST_ADMIN',
  'MAIL_FAILED',
  'EDIT_CONFLICT',
  'MEDIA_INVALID',
  'REVISION_NOT_FOUND',
  'TERM_MERGE_INVALID',
  'BACKUP_FAILED',
  'RESTORE_REFUSED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A field-level problem: which field, and what is wrong with it, in words a user understands. */
export interface FieldError {
  field: string;
  message: string;
}

/** An expected failure whose message is safe to show a user. Anything else thrown is a bug. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: FieldError[] | undefined;

  constructor(options: {
    code: ErrorCode;
    kind: ErrorKind;
    message: string;
    details?: FieldError[];
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.kind = options.kind;
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Shorthand for the common "these fields are wrong" error. */
export function invalid(details: FieldError[], message?: string): AppError {
  const summary = message ?? details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return new AppError({ code: 'VALIDATION_FAILED', kind: 'invalid', message: summary, details });
}

export function notFound(code: ErrorCode, message: string): AppError {
  return new AppError({ code, kind: 'not_found', message });
}
