/** The kinds of thing an import, restore or migration counts. */
export type ReportKind =
  | 'article'
  | 'page'
  | 'person'
  | 'term'
  | 'comment'
  | 'media'
  | 'file'
  | 'embed'
  | 'redirect'
  | 'item';

/**
 * What became of one item of the source file, in the words every import (WordPress, Ghost, JSON,
 * Markdown) reports it with: new here, updated in place, found as it was, left out on purpose
 * (with the reason), or refused because of a problem with it (with the reason).
 */
export type ItemOutcome = 'imported' | 'updated' | 'unchanged' | 'skipped' | 'failed';

/** The outcomes in the order reports list them. */
export const ITEM_OUTCOMES: readonly ItemOutcome[] = [
  'imported',
  'updated',
  'unchanged',
  'skipped',
  'failed',
];

/** How many things of one kind ended each way. */
export type ReportCounts = Record<ItemOutcome, number>;

/**
 * One item of the source file (a WordPress item, author, term or comment; a Ghost post, user or
 * tag) and what became of it; skipped and failed ones carry the reason.
 */
export interface SourceItem {
  kind: string;
  id: string;
  title: string;
  outcome: ItemOutcome;
  reason?: string;
}

/**
 * Something of the source left out (an item, or a part of one such as a comment), and why: on
 * purpose, or, `isFailed`, because of a problem with it.
 */
export interface SkippedThing {
  kind: ReportKind;
  ref: string;
  reason: string;
  isFailed?: true;
}

/**
 * Takes a report's lists (items, skipped things, warnings) as an import makes them, so that a
 * large import can write them out instead of holding them in memory.
 */
export interface ReportSink {
  item(item: SourceItem): void;
  /**
   * Changes the outcome of the item recorded `index`th (from 0): an item that read unchanged
   * whose body the import's last pass then rewrote.
   */
  amend(index: number, outcome: ItemOutcome): void;
  skipped(thing: SkippedThing): void;
  warning(message: string): void;
}

/**
 * What an import did: counts per kind, each source item by outcome, skipped things with their
 * reason, and warnings. An import given a `ReportSink` sends the three lists there instead, and
 * they stay empty here.
 */
export interface MigrationReport {
  source: string;
  counts: Record<ReportKind, ReportCounts>;
  skipped: SkippedThing[];
  warnings: string[];
  /** Every item of the source file, in file order, with its outcome. */
  items: SourceItem[];
  /** Set when --strict undid the whole import because an item failed. */
  isRolledBack: boolean;
  /**
   * Set when the import was asked to stop (SIGTERM, Ctrl-C) and stopped between two batches: what
   * asked, and how far it got ("SIGTERM after 500 of 1100 items"). The report covers what was done.
   */
  stoppedBy?: string;
}

export function emptyReport(source: string): MigrationReport {
  const zero = (): ReportCounts => ({ imported: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
  return {
    source,
    counts: {
      article: zero(),
      page: zero(),
      person: zero(),
      term: zero(),
      comment: zero(),
      media: zero(),
      file: zero(),
      embed: zero(),
      redirect: zero(),
      item: zero(),
    },
    skipped: [],
    warnings: [],
    items: [],
    isRolledBack: false,
  };
}

/** Why an item an import made before was not updated by a re-run: it was changed here since. */
export const EDITED_HERE = 'edited here since the last import; left as it was';
