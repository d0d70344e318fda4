import type { Logger } from 'pino';
import { type Config, loadConfig } from '../config.ts';
import { type AppError, Errors, isAppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { createWiring, type Wiring } from '../wiring.ts';

/** Output of a command: CLI output goes to stdout, never through the logger. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Loads config and a logger quiet enough for a terminal (warnings and up unless configured). */
export function cliConfig(): { config: Config; log: Logger } {
  const config = loadConfig();
  const log = createLogger({
    ...config,
    log: { ...config.log, level: process.env.PRESSROOM_LOG__LEVEL ? config.log.level : 'warn' },
  });
  return { config, log };
}

/** Runs a command body with the database open, and closes it whatever happens. */
export async function withWiring<T>(
  work: (wiring: Wiring) => Promise<T>,
  options: { shouldMigrate?: boolean } = {},
): Promise<T> {
  const { config, log } = cliConfig();
  const wiring = await createWiring({ config, log, shouldMigrate: options.shouldMigrate ?? true });
  try {
    return await work(wiring);
  } finally {
    await wiring.close();
  }
}

/** Prints an error as the CLI does: the message and code for expected errors, the stack for bugs. */
export function reportCliError(error: unknown, io: CliIo = stdio): void {
  if (isAppError(error)) {
    io.err(`Error: ${error.message} [${error.code}]`);
    const details = error.details ?? [];
    // A single detail is usually the message itself; printing it twice reads like two errors.
    const only = details.length === 1 ? details[0] : undefined;
    const isRepeat =
      only !== undefined && error.message.includes(only.field) && error.message.includes(only.message);
    if (!isRepeat) for (const detail of details) io.err(`  - ${detail.field}: ${detail.message}`);
    // A database or disk that fails says why in the driver's words, which the operator needs.
    const cause = error.cause;
    if (error.kind === 'unavailable' && cause instanceof Error && !error.message.includes(cause.message))
      io.err(`  (${cause.message})`);
    return;
  }
  const system = describeSystemError(error);
  if (system) {
    io.err(`Error: ${system}`);
    return;
  }
  io.err('Something went wrong; this is a bug. Details follow.');
  io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
};

/**
 * A file-system error (a missing file, a folder given for a file, a read-only disk) is the
 * user's to fix, not a bug: say which path and what is wrong, without a stack trace.
 */
function describeSystemError(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const { code, path: file, syscall } = error as NodeJS.ErrnoException;
  if (!code || !(code in SYSTEM_ERRORS)) return null;
  const where = file ? `${file}: ` : '';
  // A recursive mkdir on a read-only file system fails with ENOENT, which alone misleads.
  const reason =
    code === 'ENOENT' && syscall === 'mkdir'
      ? 'cannot create this folder (is the place read-only, or not writable by this user?)'
      : SYSTEM_ERRORS[code];
  return `${where}${reason} [${code}]`;
}

/** Throws the usage error a command raises for a bad argument. */
export function usageError(message: string): AppError {
  return Errors.USAGE_INVALID({ reason: message });
}
