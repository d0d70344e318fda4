import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { LocalMediaStore } from '../adapters/media-store.ts';
import { dataPath } from '../config.ts';
import { importGhost } from '../services/import/ghost.ts';
import { importJson } from '../services/import/json.ts';
import { type ImportReport, importMarkdown } from '../services/import/markdown.ts';
import type { ImportProgress, MigrationReport, ReportKind } from '../services/import/session.ts';
import { importWordPress, type TaxonomyMapping } from '../services/import/wordpress.ts';
import { type CliIo, stdio, usageError, withWiring } from './runtime.ts';

/** Prints an import report; returns whether everything was imported. */
export function printImportReport(report: ImportReport, io: CliIo = stdio): boolean {
  for (const outcome of report.outcomes) {
    if (outcome.status === 'failed') {
      io.err(`FAILED  ${outcome.file}`);
      for (const e of outcome.errors ?? []) io.err(`        ${e.field}: ${e.message}`);
    } else {
      io.out(
        `${outcome.status === 'created' ? 'created' : 'updated'} ${outcome.slug ?? outcome.note ?? ''}  (${outcome.file})`,
      );
    }
  }
  io.out(`${report.created} created, ${report.updated} updated, ${report.failed} failed.`);
  return report.failed === 0;
}

const KIND_LABELS: Record<ReportKind, string> = {
  article: 'articles',
  page: 'pages',
  person: 'people',
  term: 'terms',
  comment: 'comments',
  media: 'media',
  embed: 'embeds',
  redirect: 'redirects',
  item: 'other items',
};

/** Prints what an import from another system did: counts per kind, then each skipped thing and warning. */
export function printMigrationReport(report: MigrationReport, io: CliIo = stdio): void {
  const failed = report.items.filter((item) => item.outcome === 'failed');
  if (report.isRolledBack)
    io.err(
      `Nothing was imported from ${report.source}: ${failed.length} item(s) failed and --strict was given.`,
    );
  io.out(`Imported from ${report.source}:`);
  io.out(
    `  ${'what'.padEnd(12)} ${'imported'.padStart(9)} ${'updated'.padStart(9)} ${'unchanged'.padStart(9)} ${'skipped'.padStart(9)}`,
  );
  for (const [kind, label] of Object.entries(KIND_LABELS) as [ReportKind, string][]) {
    const c = report.counts[kind];
    if (c.imported + c.updated + c.unchanged + c.skipped === 0) continue;
    io.out(
      `  ${label.padEnd(12)} ${String(c.imported).padStart(9)} ${String(c.updated).padStart(9)} ${String(c.unchanged).padStart(9)} ${String(c.skipped).padStart(9)}`,
    );
  }
  if (report.skipped.length > 0) {
    io.out('Skipped:');
    for (const s of report.skipped) io.out(`  ${s.kind} ${s.ref}: ${s.reason}`);
  }
  if (report.warnings.length > 0) {
    io.out('Notes:');
    for (const w of report.warnings) io.out(`  ${w}`);
  }
  const byOutcome = new Map<string, number>();
  for (const item of report.items) byOutcome.set(item.outcome, (byOutcome.get(item.outcome) ?? 0) + 1);
  io.out(
    `Source items: ${report.items.length} (${[...byOutcome].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'none'})`,
  );
  for (const item of failed) io.err(`FAILED  ${item.kind} ${item.id} "${item.title}": ${item.reason ?? ''}`);
}

/** Writes the full report (every source item with its outcome) as JSON, when asked to. */
function writeReportFile(report: MigrationReport, file: string | undefined): void {
  if (!file) return;
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (cause) {
    throw usageError(
      `Cannot write the report to ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** Failed items make the command fail, so that scripts notice; the rest is imported all the same. */
function settle(report: MigrationReport): void {
  if (report.items.some((item) => item.outcome === 'failed')) process.exitCode = 1;
}

/** A one-line progress bar, redrawn in place, only when standard output is a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): {
  update(progress: ImportProgress): void;
  done(): void;
} {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = '';
  let drawnAt = 0;
  return {
    update(progress) {
      // Redraw at most ten times a second; a large file reports progress thousands of times.
      const now = Date.now();
      if (now - drawnAt < 100 && progress.done < progress.total) return;
      drawnAt = now;
      const share = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
      const width = 30;
      const filled = Math.round(share * width);
      const label = progress.phase === 'reading' ? 'reading' : 'writing';
      const count =
        progress.phase === 'reading'
          ? `${(progress.done / 1048576).toFixed(1)}/${(progress.total / 1048576).toFixed(1)} MB`
          : `${progress.done}/${progress.total} items`;
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${count}`;
      if (line === last) return;
      last = line;
      stream.write(`\r${line}\u001b[K`);
    },
    done() {
      if (last) stream.write('\r\u001b[K');
    },
  };
}

function collectMap(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Reads --map from=to flags and a --mapping file (YAML or JSON: { category: theme, post_format: none }). */
export function parseMapping(flags: string[], file: string | undefined): TaxonomyMapping {
  const mapping: TaxonomyMapping = {};
  const put = (from: string, to: unknown, where: string) => {
    if (typeof to !== 'string' && to !== null)
      throw usageError(`${where}: the target of "${from}" must be a taxonomy slug or "none"`);
    mapping[from.trim()] = to === null || to.trim() === '' || to.trim() === 'none' ? null : to.trim();
  };
  if (file) {
    let value: unknown;
    try {
      value = parseYaml(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw usageError(
        `Cannot read the mapping file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw usageError(`${file}: the mapping must be an object such as { category: theme, post_tag: tag }`);
    for (const [from, to] of Object.entries(value)) put(from, to, file);
  }
  for (const flag of flags) {
    const [from, to] = flag.split('=');
    if (!from || to === undefined)
      throw usageError(`--map takes wordpress_taxonomy=our_taxonomy, not "${flag}"`);
    put(from, to, '--map');
  }
  return mapping;
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
  command
    .command('wordpress')
    .description(
      'import a WordPress export (WXR 1.0–1.2): posts, pages, authors, terms, comments, attachments, redirects. Re-running updates in place.',
    )
    .argument('<file>', 'the .xml file from Tools → Export')
    .option(
      '--map <wp=ours>',
      'map a WordPress taxonomy to one of ours ("none" to skip); repeatable',
      collectMap,
      [],
    )
    .option('--mapping <file>', 'a YAML or JSON file mapping WordPress taxonomies to ours')
    .option(
      '--uploads <dir>',
      'a copy of wp-content/uploads; attachments found there are copied into the data folder',
    )
    .option('--strict', 'import nothing if any item fails (default: report it and import the rest)')
    .option('--report <file>', 'write the full report, every source item with its outcome, as JSON')
    .addHelpText(
      'after',
      '\nDefault mapping: category → theme, post_tag → tag; other taxonomies are skipped and reported.\nExample: pressroom import wordpress export.xml --map category=region --map series=report --uploads ./uploads',
    )
    .action(
      async (
        file: string,
        flags: { map: string[]; mapping?: string; uploads?: string; strict?: boolean; report?: string },
      ) => {
        const mapping = parseMapping(flags.map, flags.mapping);
        const progress = terminalProgress();
        const report = await withWiring(async (wiring) => {
          try {
            return await importWordPress(wiring, file, {
              actor: 'cli',
              mapping,
              ...(flags.uploads
                ? { uploadsDir: flags.uploads, mediaDir: dataPath(wiring.config, 'media') }
                : {}),
              onProgress: progress.update,
              isStrict: flags.strict === true,
            });
          } finally {
            progress.done();
          }
        });
        printMigrationReport(report);
        writeReportFile(report, flags.report);
        settle(report);
      },
    );
  command
    .command('ghost')
    .description('import a Ghost JSON export: posts, pages, tags, users as people (with author order)')
    .argument('<file>', 'the .json file from Ghost Admin → Settings → Labs → Export')
    .option('--tags-to <taxonomy>', 'the taxonomy Ghost tags go to', 'tag')
    .option('--strict', 'import nothing if any post fails (default: report it and import the rest)')
    .option(
      '--images <dir>',
      "a copy of Ghost's content/images folder; images found there are copied into the media library, with variants",
    )
    .option('--old-url <url>', 'the address the Ghost site had; images not copied keep their URL there')
    .option('--report <file>', 'write the full report, every source item with its outcome, as JSON')
    .action(
      async (
        file: string,
        flags: { tagsTo: string; strict?: boolean; report?: string; images?: string; oldUrl?: string },
      ) => {
        if (flags.oldUrl !== undefined && !/^https?:\/\/[^/]+/i.test(flags.oldUrl))
          throw usageError(`--old-url must be the Ghost site's http(s) address, not "${flags.oldUrl}"`);
        const report = await withWiring((wiring) =>
          importGhost(wiring, file, {
            actor: 'cli',
            tagTaxonomy: flags.tagsTo,
            isStrict: flags.strict === true,
            ...(flags.images
              ? { imagesDir: flags.images, media: new LocalMediaStore(dataPath(wiring.config, 'media')) }
              : {}),
            ...(flags.oldUrl ? { oldUrl: flags.oldUrl } : {}),
          }),
        );
        printMigrationReport(report);
        writeReportFile(report, flags.report);
        settle(report);
      },
    );
  command
    .command('json')
    .description('import a Pressroom export (from `pressroom export`) into this instance')
    .argument('<file>', 'the .json file written by pressroom export')
    .action(async (file: string) => {
      const report = await withWiring((wiring) => importJson(wiring, file, { actor: 'cli' }));
      printMigrationReport(report);
    });
  return command;
}
