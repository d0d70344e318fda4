import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  ItemOutcome,
  MigrationReport,
  ReportSink,
  SkippedThing,
  SourceItem,
} from '../../domain/migration-report.ts';
import { rolledBackItem } from './session.ts';

/** A report's lists, read in order: from the report itself, or from where an import spooled them. */
export interface ReportLists {
  items(): Iterable<SourceItem>;
  skipped(): Iterable<SkippedThing>;
  warnings(): Iterable<string>;
}

/** The lists a report holds itself (an import run without a sink). */
export function listsOf(report: MigrationReport): ReportLists {
  return {
    items: () => report.items,
    skipped: () => report.skipped,
    warnings: () => report.warnings,
  };
}

type ListName = 'items' | 'skipped' | 'warnings';

/** Bytes gathered before a write: one write per few hundred entries, not one per entry. */
const FLUSH_AT = 64 * 1024;

/**
 * A report sink that writes each entry to a scratch file as the import makes it and keeps only
 * counts in memory, so a report of hundreds of thousands of items costs no memory; `lists` reads
 * them back, in order, for the summary and the full report file.
 */
export class ReportSpool implements ReportSink {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'pressroom-report-'));
  private readonly files = new Map<ListName, { fd: number; pending: string[]; size: number }>();
  /** How many items failed. */
  failures = 0;
  private itemCount = 0;
  /** Outcomes changed after their items were written (few: see ReportSink.amend), by place. */
  private readonly amended = new Map<number, ItemOutcome>();

  item(item: SourceItem): void {
    if (item.outcome === 'failed') this.failures += 1;
    this.itemCount += 1;
    this.append('items', item);
  }

  amend(index: number, outcome: ItemOutcome): void {
    if (index >= 0 && index < this.itemCount) this.amended.set(index, outcome);
  }

  skipped(thing: SkippedThing): void {
    this.append('skipped', thing);
  }

  warning(message: string): void {
    this.append('warnings', message);
  }

  /**
   * The lists of `report`, whose own lists (a rolled-back import's closing warning) follow the
   * spooled ones. An import undone by --strict imported nothing: its items read as skipped, and
   * it skipped nothing of its own.
   */
  lists(report: MigrationReport): ReportLists {
    const failures = this.failures;
    const spool = this;
    return {
      *items() {
        let index = 0;
        for (const read of spool.read<SourceItem>('items')) {
          const outcome = spool.amended.get(index);
          index += 1;
          const item = outcome === undefined ? read : { ...read, outcome };
          yield report.isRolledBack ? rolledBackItem(item, failures) : item;
        }
        yield* report.items;
      },
      *skipped() {
        if (!report.isRolledBack) yield* spool.read<SkippedThing>('skipped');
        yield* report.skipped;
      },
      *warnings() {
        yield* spool.read<string>('warnings');
        yield* report.warnings;
      },
    };
  }

  /** Deletes the scratch files. */
  close(): void {
    for (const file of this.files.values()) closeSync(file.fd);
    this.files.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private append(list: ListName, entry: unknown): void {
    let file = this.files.get(list);
    if (!file) {
      file = { fd: openSync(path.join(this.dir, `${list}.jsonl`), 'w+'), pending: [], size: 0 };
      this.files.set(list, file);
    }
    const line = `${JSON.stringify(entry)}\n`;
    file.pending.push(line);
    file.size += line.length;
    if (file.size >= FLUSH_AT) this.flush(file);
  }

  private flush(file: { fd: number; pending: string[]; size: number }): void {
    if (file.pending.length === 0) return;
    writeSync(file.fd, file.pending.join(''));
    file.pending = [];
    file.size = 0;
  }

  /** One list's entries, a line at a time, read as they are consumed. */
  private *read<T>(list: ListName): Generator<T> {
    const file = this.files.get(list);
    if (!file) return;
    this.flush(file);
    const buffer = Buffer.alloc(64 * 1024);
    let position = 0;
    let pending: Buffer[] = [];
    for (;;) {
      const n = readSync(file.fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      position += n;
      let start = 0;
      for (
        let newline = buffer.indexOf(10, 0);
        newline !== -1 && newline < n;
        newline = buffer.indexOf(10, start)
      ) {
        pending.push(buffer.subarray(start, newline));
        const line = Buffer.concat(pending).toString('utf8');
        pending = [];
        start = newline + 1;
        if (line) yield JSON.parse(line) as T;
      }
      if (start < n) pending.push(Buffer.from(buffer.subarray(start, n)));
    }
  }
}
