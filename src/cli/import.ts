import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { LocalMediaStore } from '../adapters/media-store.ts';
import { dataPath } from '../config.ts';
import { allowRenderTime } from '../content/render-pool.ts';
import { ITEM_OUTCOMES } from '../domain/migration-report.ts';
import { importGhost } from '../services/import/ghost.ts';
import { importJson } from '../services/import/json.ts';
import { type ImportReport, importMarkdown } from '../services/import/markdown.ts';
import { listsOf, type ReportLists, ReportSpool } from '../services/import/report-spool.ts';
import type { ImportProgress, MigrationReport, ReportKind } from '../services/import/session.ts';
import { importWordPress, type TaxonomyMapping } from '../services/import/wordpress.ts';
import { isSameStopRequest } from '../stop-signals.ts';
import { type CliIo, stdio, usageError, withWiring } from './runtime.ts';

/** How long one body may take to render during a command-line import (the server allows 5 s). */
const IMPORT_RENDER_TIME_LIMIT_MS = 60_000;

/** withWiring for an import: bodies may take longer to render here than in the server. */
const withImportWiring: typeof withWiring = (run) => {
  allowRenderTime(IMPORT_RENDER_TIME_LIMIT_MS);
  return withWiring(run);
};

/** Prints a Markdown import's report, a line per file; returns whether nothing failed. */
export function printImportReport(report: ImportReport, io: CliIo = stdio): boolean {
  for (const outcome of report.outcomes) {
    if (outcome.status === 'failed') {
      io.err(`FAILED  ${outcome.file}`);
      for (const e of outcome.errors ?? []) io.err(`        ${e.field}: ${e.message}`);
    } else {
      io.out(`${outcome.status} ${outcome.slug ?? outcome.note ?? ''}  (${outcome.file})`);
      if (outcome.warning) io.out(`        note: ${outcome.warning}`);
    }
  }
  io.out(
    `Files: ${report.outcomes.length} (${
      ITEM_OUTCOMES.filter((o) => report[o] > 0)
        .map((o) => `${report[o]} ${o}`)
        .join(', ') || 'none'
    })`,
  );
  return report.failed === 0;
}

const KIND_LABELS: Record<ReportKind, string> = {
  article: 'articles',
  page: 'pages',
  person: 'people',
  term: 'terms',
  comment: 'comments',
  media: 'media',
  file: 'files',
  embed: 'embeds',
  redirect: 'redirects',
  item: 'other items',
};

/**
 * Prints what an import from another system did: counts per kind, each skipped thing and
 * warning, the number of source items by outcome and each failed one. Returns how many failed.
 */
export function printMigrationReport(
  report: MigrationReport,
  io: CliIo = stdio,
  lists: ReportLists = listsOf(report),
): number {
  const byOutcome = new Map<string, number>();
  let total = 0;
  for (const item of lists.items()) {
    byOutcome.set(item.outcome, (byOutcome.get(item.outcome) ?? 0) + 1);
    total += 1;
  }
  const failures = byOutcome.get('failed') ?? 0;
  if (report.isRolledBack)
    io.err(
      report.stoppedBy
        ? `Nothing was imported from ${report.source}: the import was stopped by ${report.stoppedBy} and --strict was given.`
        : `Nothing was imported from ${report.source}: ${failures} item(s) failed and --strict was given.`,
    );
  io.out(`Imported from ${report.source}:`);
  io.out(`  ${'what'.padEnd(12)} ${ITEM_OUTCOMES.map((o) => o.padStart(9)).join(' ')}`);
  for (const [kind, label] of Object.entries(KIND_LABELS) as [ReportKind, string][]) {
    const c = report.counts[kind];
    if (ITEM_OUTCOMES.every((o) => c[o] === 0)) continue;
    io.out(`  ${label.padEnd(12)} ${ITEM_OUTCOMES.map((o) => String(c[o]).padStart(9)).join(' ')}`);
  }
  // What was left out on purpose, then what could not be imported, each under its own heading.
  for (const [title, isFailed] of [
    ['Skipped:', false],
    ['Failed:', true],
  ] as const) {
    let heading: string = title;
    for (const s of lists.skipped()) {
      if ((s.isFailed === true) !== isFailed) continue;
      if (heading) io.out(heading);
      heading = '';
      io.out(`  ${s.kind} ${s.ref}: ${s.reason}`);
    }
  }
  let heading = 'Notes:';
  for (const w of lists.warnings()) {
    if (heading) io.out(heading);
    heading = '';
    io.out(`  ${w}`);
  }
  io.out(
    `Source items: ${total} (${
      ITEM_OUTCOMES.filter((o) => byOutcome.has(o))
        .map((o) => `${byOutcome.get(o)} ${o}`)
        .join(', ') || 'none'
    })`,
  );
  if (failures > 0)
    for (const item of lists.items())
      if (item.outcome === 'failed')
        io.err(`FAILED  ${item.kind} ${item.id} "${item.title}": ${item.reason ?? ''}`);
  return failures;
}

/**
 * Writes the full report (every source item with its outcome) as JSON, when asked to: the
 * fields of MigrationReport, one list entry per line, written as it is read.
 */
function writeReportFile(report: MigrationReport, lists: ReportLists, file: string | undefined): void {
  if (!file) return;
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (cause) {
    throw usageError(
      `Cannot write the report to ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  try {
    let pending: string[] = [];
    const write = (text: string) => {
      pending.push(text);
      if (pending.length >= 500) {
        writeSync(fd, pending.join(''));
        pending = [];
      }
    };
    const list = (name: string, entries: Iterable<unknown>) => {
      write(`  ${JSON.stringify(name)}: [`);
      let separator = '\n';
      for (const entry of entries) {
        write(`${separator}    ${JSON.stringify(entry)}`);
        separator = ',\n';
      }
      write(separator === '\n' ? '],\n' : '\n  ],\n');
    };
    write(`{\n  "source": ${JSON.stringify(report.source)},\n`);
    write(`  "counts": ${JSON.stringify(report.counts, null, 2).replace(/\n/g, '\n  ')},\n`);
    list('skipped', lists.skipped());
    list('warnings', lists.warnings());
    list('items', lists.items());
    if (report.stoppedBy) write(`  "stoppedBy": ${JSON.stringify(report.stoppedBy)},\n`);
    write(`  "isRolledBack": ${report.isRolledBack}\n}\n`);
    writeSync(fd, pending.join(''));
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs an import whose report lists go to a scratch file rather than memory, then prints the
 * summary and writes the report file from it. Failed items make the command fail, so that
 * scripts notice; the rest is imported all the same.
 */
async function runMigration(
  reportFile: string | undefined,
  run: (sink: ReportSpool, stopSignal: AbortSignal) => Promise<MigrationReport>,
): Promise<void> {
  const spool = new ReportSpool();
  const stop = stopOnSignals();
  try {
    const report = await run(spool, stop.signal);
    const lists = spool.lists(report);
    const failures = printMigrationReport(report, stdio, lists);
    writeReportFile(report, lists, reportFile);
    if (report.stoppedBy) {
      stdio.err(
        report.isRolledBack
          ? `Stopped by ${report.stoppedBy}; nothing was imported (--strict). Run the same command again to import.`
          : `Stopped by ${report.stoppedBy}; run the same command again to finish (it also points the links that still lead to the old site).`,
      );
      process.exitCode = stop.exitCode();
    } else {
      // Heard during the last batch, after the last point where the import could stop.
      if (stop.signal.aborted)
        stdio.err(`${String(stop.signal.reason)} came too late to stop the import: everything was imported.`);
      if (failures > 0) process.exitCode = 1;
    }
  } finally {
    stop.release();
    spool.close();
  }
}

/** Exit codes of a process ended by a signal, as shells report them (128 + its number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * While an import runs, a stop signal (a process manager's SIGTERM, Ctrl-C, a closed terminal)
 * asks it to stop after the batch it is writing, so that it can report what it did; a second one
 * ends the process at once (the open transaction is rolled back by the database). A second one is
 * only one heard a second or more after the first: one signal to the process group reaches this
 * process twice when the launcher runs it (see isSameStopRequest).
 */
function stopOnSignals(): { signal: AbortSignal; exitCode(): number; release(): void } {
  const controller = new AbortController();
  let received: keyof typeof SIGNAL_EXIT_CODES | null = null;
  let receivedAt = 0;
  const handlers = Object.keys(SIGNAL_EXIT_CODES).map((name) => {
    const signal = name as keyof typeof SIGNAL_EXIT_CODES;
    const handler = () => {
      if (received) {
        if (isSameStopRequest(receivedAt)) return;
        stdio.err(`${signal} again: stopping at once; the batch being written is rolled back.`);
        process.exit(SIGNAL_EXIT_CODES[signal]);
      }
      received = signal;
      receivedAt = Date.now();
      stdio.err(`${signal}: stopping after the batch being written (${signal} again to stop at once)…`);
      controller.abort(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return {
    signal: controller.signal,
    exitCode: () => (received ? SIGNAL_EXIT_CODES[received] : 1),
    release: () => {
      for (const off of handlers) off();
    },
  };
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

/**
 * Progress as plain lines on standard error, one at every tenth of the file read and of the items
 * written: for logs, where a redrawn bar would be noise.
 */
export function lineProgress(io: CliIo = stdio): { update(progress: ImportProgress): void; done(): void } {
  const reached = { reading: -1, writing: -1 };
  return {
    update(progress) {
      const tenth =
        progress.total > 0 ? Math.floor((Math.min(1, progress.done / progress.total) * 100) / 10) * 10 : 100;
      if (tenth <= reached[progress.phase]) return;
      reached[progress.phase] = tenth;
      const count =
        progress.phase === 'reading'
          ? `${(progress.done / 1048576).toFixed(1)}/${(progress.total / 1048576).toFixed(1)} MB`
          : `${progress.done}/${progress.total} items`;
      io.err(`${progress.phase} ${tenth}% (${count})`);
    },
    done() {},
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
      const stop = stopOnSignals();
      try {
        const report = await withImportWiring((wiring) =>
          importMarkdown(wiring, target, {
            actor: 'cli',
            media: new LocalMediaStore(dataPath(wiring.config, 'media')),
            stopSignal: stop.signal,
          }),
        );
        const isClean = printImportReport(report);
        if (report.stoppedBy) {
          stdio.err(`Stopped by ${report.stoppedBy}; run the same command again to finish.`);
          process.exitCode = stop.exitCode();
        } else if (!isClean) process.exitCode = 1;
      } finally {
        stop.release();
      }
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
    .option('--progress', 'print a line at every tenth of the file read and of the items written')
    .addHelpText(
      'after',
      '\nDefault mapping: category → theme, post_tag → tag; other taxonomies are skipped and reported.\nExample: pressroom import wordpress export.xml --map category=region --map series=report --uploads ./uploads',
    )
    .action(
      async (
        file: string,
        flags: {
          map: string[];
          mapping?: string;
          uploads?: string;
          strict?: boolean;
          report?: string;
          progress?: boolean;
        },
      ) => {
        const mapping = parseMapping(flags.map, flags.mapping);
        const progress = flags.progress ? lineProgress() : terminalProgress();
        await runMigration(flags.report, (sink, stopSignal) =>
          withImportWiring(async (wiring) => {
            try {
              return await importWordPress(wiring, file, {
                stopSignal,
                actor: 'cli',
                mapping,
                ...(flags.uploads
                  ? { uploadsDir: flags.uploads, mediaDir: dataPath(wiring.config, 'media') }
                  : {}),
                onProgress: progress.update,
                isStrict: flags.strict === true,
                sink,
              });
            } finally {
              progress.done();
            }
          }),
        );
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
    .option('--progress', 'print a line at every tenth of the file read and of the posts written')
    .action(
      async (
        file: string,
        flags: {
          tagsTo: string;
          strict?: boolean;
          report?: string;
          images?: string;
          oldUrl?: string;
          progress?: boolean;
        },
      ) => {
        if (flags.oldUrl !== undefined && !/^https?:\/\/[^/]+/i.test(flags.oldUrl))
          throw usageError(`--old-url must be the Ghost site's http(s) address, not "${flags.oldUrl}"`);
        const progress = flags.progress ? lineProgress() : terminalProgress();
        await runMigration(flags.report, (sink, stopSignal) =>
          withImportWiring(async (wiring) => {
            try {
              return await importGhost(wiring, file, {
                stopSignal,
                actor: 'cli',
                tagTaxonomy: flags.tagsTo,
                isStrict: flags.strict === true,
                ...(flags.images
                  ? { imagesDir: flags.images, media: new LocalMediaStore(dataPath(wiring.config, 'media')) }
                  : {}),
                ...(flags.oldUrl ? { oldUrl: flags.oldUrl } : {}),
                onProgress: progress.update,
                sink,
              });
            } finally {
              progress.done();
            }
          }),
        );
      },
    );
  command
    .command('json')
    .description('import a Pressroom export (from `pressroom export`) into this instance')
    .argument('<file>', 'the .json file written by pressroom export')
    .action(async (file: string) => {
      const stop = stopOnSignals();
      try {
        const report = await withImportWiring((wiring) =>
          importJson(wiring, file, { actor: 'cli', stopSignal: stop.signal }),
        );
        const failures = printMigrationReport(report);
        if (report.stoppedBy) {
          stdio.err(
            `Stopped by ${report.stoppedBy}; nothing was imported. Run the same command again to import.`,
          );
          process.exitCode = stop.exitCode();
        } else if (failures > 0) process.exitCode = 1;
      } finally {
        stop.release();
      }
    });
  return command;
}
