import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { dataPath } from '../config.ts';
import { exportMarkdown } from '../services/export/markdown-export.ts';
import { exportPublication } from '../services/export/publication-export.ts';
import { stdio, usageError, withWiring } from './runtime.ts';

/** Writes to a stream, waiting when it is full so a large export never piles up in memory. */
export function streamSink(stream: Writable): { write(text: string): Promise<void> } {
  return {
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
  };
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the whole publication as one JSON file (docs/export-format.md), or as Markdown files')
    .option('-o, --output <path>', 'file to write (JSON; standard output by default), or folder (Markdown)')
    .option('--format <format>', 'json or markdown', 'json')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  pressroom export --output site.json',
        '  pressroom export --format markdown --output ./site-markdown',
        '  DATABASE_URL=postgres://… pressroom import json site.json   # into another instance',
      ].join('\n'),
    )
    .action(async (flags: { output?: string; format: string }) => {
      if (flags.format !== 'json' && flags.format !== 'markdown')
        throw usageError(`--format must be json or markdown, not "${flags.format}"`);
      await withWiring(async (wiring) => {
        if (flags.format === 'markdown') {
          if (!flags.output) throw usageError('--format markdown needs --output <folder>');
          const result = await exportMarkdown(wiring.store, flags.output, {
            mediaDir: dataPath(wiring.config, 'media'),
          });
          stdio.out(
            `Wrote ${result.articles} articles and ${result.pages} pages${result.media ? ' and media' : ''} to ${flags.output}`,
          );
          return;
        }
        const stream = flags.output ? createWriteStream(flags.output) : process.stdout;
        const result = await exportPublication(wiring, streamSink(stream));
        if (flags.output) {
          stream.end();
          await once(stream, 'finish');
          stdio.err(`Wrote ${result.articles} articles and ${result.pages} pages to ${flags.output}`);
        }
      });
    });
}
