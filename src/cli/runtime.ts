import type { Logger } from 'pino';
import { type Config, loadConfig } from '../config.js';
import { AppError, isAppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createWiring, type Wiring } from '../wiring.js';

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
    for (const detail of error.details ?? []) io.err(`  - ${detail.field}: ${detail.message}`);
    return;
  }
  io.err('Something went wrong; this is a bug. Details follow.');
  io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
}

/** Throws the usage error a command raises for a bad argument. */
export function usageError(message: string): AppError {
  return new AppError({ code: 'VALIDATION_FAILED', kind: 'invalid', message });
}
