import type { Command } from 'commander';
import { rebuildSearchIndex, Search } from '../services/discovery/search.ts';
import { stdio, withWiring } from './runtime.ts';

export function registerSearch(program: Command): Command {
  const command = program.command('search').description('the full-text search index');
  command
    .command('rebuild')
    .description('empty the search index and index every published article again')
    .action(async () => {
      const started = Date.now();
      const { indexed } = await withWiring((wiring) =>
        rebuildSearchIndex(wiring, {
          onProgress: (n) => {
            if (n % 5000 === 0) stdio.out(`indexed ${n}…`);
          },
        }),
      );
      stdio.out(`Indexed ${indexed} published articles in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    });
  command
    .command('query')
    .description('search published articles as readers do and print the results')
    .argument('<words...>', 'words, "quoted phrases" or prefix* terms')
    .option('--page <n>', 'page of results', '1')
    .action(async (words: string[], options: { page: string }) => {
      const outcome = await withWiring((wiring) =>
        new Search(wiring).search({ q: words.join(' '), page: Number.parseInt(options.page, 10) || 1 }),
      );
      if (outcome.message) stdio.out(outcome.message);
      for (const result of outcome.results) {
        stdio.out(
          `${result.card.article.publishedAt?.slice(0, 10)}  ${result.card.article.title}  ${result.card.url}`,
        );
      }
      if (outcome.pagination.total > 0) {
        stdio.out(
          `${outcome.pagination.total} found; page ${outcome.pagination.page} of ${outcome.pagination.pageCount}.`,
        );
      }
    });
  return command;
}
