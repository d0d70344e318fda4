import { Command, CommanderError } from 'commander';
import { registerBackup } from './backup.ts';
import { registerExport } from './export.ts';
import { registerImport } from './import.ts';
import { registerMigrate } from './migrate.ts';
import { reportCliError } from './runtime.ts';
import { registerSearch } from './search.ts';
import { registerServe } from './serve.ts';
import { registerUser } from './user.ts';

/** Builds the `pressroom` command with every subcommand; each has --help. */
export function buildProgram(): Command {
  const program = new Command('pressroom')
    .description('Pressroom: a self-hosted publishing platform for research and opinion publications')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerUser(program);
  registerImport(program);
  registerExport(program);
  registerBackup(program);
  registerSearch(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    reportCliError(error);
    process.exitCode = 1;
  }
}

await runCli(process.argv.slice(2));
