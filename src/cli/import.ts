import type { Command } from 'commander';
import { type ImportReport, importMarkdown } from '../services/import/markdown.js';
import { type CliIo, stdio, withWiring } from './runtime.js';

/** Prints an import report; returns whether everything was imported. */
export function printImportReport(report: ImportReport, io: CliIo = stdio): boolean {
  for (const outcome of report.outcomes) {
    if (outcome.status === 'failed') {
      io.err(`FAILED  ${outcome.file}`);
      for (const e of outcome.errors ?? []) io.err(`        ${e.field}: ${e.message}`);
    } else {
      io.out(`${outcome.status === 'created' ? 'created' : 'updated'} ${outcome.slug}  (${outcome.file})`);
    }
  }
  io.out(`${report.created} created, ${report.updated} updated, ${report.failed} failed.`);
  return report.failed === 0;
}

export function registerImport(program: Command): Command {
  const command = program.command('import').description('import content from files');
  command
    .command('markdown')
    .description('import Markdown articles with YAML front matter (a file, or every .md file in a folder)')
    .argument('<path>', 'a .md file or a folder')
    .action(async (target: string) => {
      const report = await withWiring((wiring) => importMarkdown(wiring, target, { actor: 'cli' }));
      if (!printImportReport(report)) process.exitCode = 1;
    });
  return command;
}
