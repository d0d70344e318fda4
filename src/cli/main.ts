import { Command, CommanderError } from 'commander';
import { reportCliError } from './runtime.ts';

type Registrar = (program: Command) => void;

/**
 * Each top-level command and the module that registers it. Only the command being run is
 * loaded (the importers' parsers and converters cost the server a noticeable share of its
 * start-up), except for help and unknown commands, which load them all.
 */
const COMMANDS: Record<string, () => Promise<Registrar[]>> = {
  serve: async () => [(await import('./serve.ts')).registerServe],
  migrate: async () => [(await import('./migrate.ts')).registerMigrate],
  user: async () => [(await import('./user.ts')).registerUser],
  import: async () => [(await import('./import.ts')).registerImport],
  export: async () => [(await import('./export.ts')).registerExport],
  backup: async () => [(await import('./backup.ts')).registerBackup],
  restore: async () => [(await import('./backup.ts')).registerBackup],
  search: async () => [(await import('./search.ts')).registerSearch],
};

/** Builds the `pressroom` command with the subcommands named (every one by default); each has --help. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('pressroom')
    .description('Pressroom: a self-hosted publishing platform for research and opinion publications')
    .showHelpAfterError()
    .exitOverride();
  const loaders = only && COMMANDS[only] ? [COMMANDS[only]] : Object.values(COMMANDS);
  const registered = new Set<Registrar>();
  for (const load of loaders) {
    for (const register of await load()) {
      if (registered.has(register)) continue;
      registered.add(register);
      register(program);
    }
  }
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv[0]);
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
