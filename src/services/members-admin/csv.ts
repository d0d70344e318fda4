import type { Readable } from 'node:stream';
import type { CsvError } from 'csv-parse';
import { toIsoTimestamp } from '../../domain/article.ts';
import type { MemberListFilters, MemberTier } from '../../domain/member-admin.ts';
import {
  MEMBER_EXPORT_HEADER,
  type MemberImportColumn,
  type MemberImportProblem,
  type MemberImportRow,
  memberExportRow,
  readMemberImportHeader,
  readMemberImportRow,
} from '../../domain/member-csv.ts';
import type { ImportedMember } from '../../domain/ports/member-admin-store.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { auditActor, type Staff } from '../newsroom/staff.ts';
import { requireMemberAdmin } from './members.ts';

/** Members read from the database per query of an export, and written per transaction of an import. */
export const MEMBER_CSV_BATCH = 500;
/** Problems an import report lists one by one; past it, only how many more there were. */
export const MAX_LISTED_PROBLEMS = 1000;
/** The longest row an import reads (a row is a handful of short cells). */
const MAX_ROW_BYTES = 64 * 1024;

/**
 * Every member matching the filters as rows of the export, header first, read by keyset in
 * batches so that memory stays flat whatever the number of members. The export is audited (it
 * carries personal data), without its contents.
 */
export async function exportMembers(
  ctx: ServiceContext,
  staff: Staff,
  filters: Omit<MemberListFilters, 'afterId'>,
): Promise<AsyncGenerator<readonly (string | null)[]>> {
  requireMemberAdmin(staff);
  const tiers = new Map((await ctx.store.memberAdmin.tiers()).map((t) => [t.id, t.slug]));
  await ctx.store.transaction((repos) =>
    recordAudit(repos, {
      actor: auditActor(staff),
      action: 'member.export',
      summary: `Exported members as CSV${Object.keys(filters).length ? ` (filtered: ${Object.keys(filters).join(', ')})` : ''}`,
      at: ctx.now(),
    }),
  );
  const store = ctx.store.memberAdmin;
  return (async function* rows() {
    yield MEMBER_EXPORT_HEADER;
    let afterId: number | undefined;
    for (;;) {
      const batch = await store.list({
        ...filters,
        ...(afterId ? { afterId } : {}),
        limit: MEMBER_CSV_BATCH,
      });
      for (const member of batch)
        yield memberExportRow(member, member.tierId ? (tiers.get(member.tierId) ?? null) : null);
      if (batch.length < MEMBER_CSV_BATCH) return;
      afterId = batch.at(-1)?.id;
    }
  })();
}

/** What an import did: how many members it added and updated, and each row it refused. */
export interface MemberImportReport {
  created: number;
  updated: number;
  /** Rows imported without newsletter consent (the row gave no consent date). */
  withoutConsent: number;
  problems: MemberImportProblem[];
  /** Problems beyond those listed. */
  moreProblems: number;
}

/** Resolves each row's tier slug to an active tier's id, or says what is wrong with it. */
function withTier(
  row: MemberImportRow,
  tiers: ReadonlyMap<string, MemberTier>,
): { member: ImportedMember } | { problem: MemberImportProblem } {
  const member: ImportedMember = {
    email: row.email,
    ...(row.name !== undefined ? { name: row.name } : {}),
    ...(row.consent ? { consent: row.consent } : {}),
  };
  if (row.tierSlug === undefined) return { member };
  const tier = tiers.get(row.tierSlug);
  if (!tier) return { problem: { line: row.line, field: 'tier', message: 'is not the slug of any tier' } };
  if (!tier.isActive)
    return { problem: { line: row.line, field: 'tier', message: 'is deactivated: it takes no new members' } };
  return { member: { ...member, tierId: tier.id } };
}

/**
 * Imports members from a CSV file (RFC 4180, UTF-8, a header line naming the columns: email,
 * and optionally name, tier, consent_at, consent_source). Good rows are written, each batch in
 * one transaction; each bad row is reported with its line and field and skipped. An address
 * already present updates that member (a cell left empty keeps what they had). A row without a
 * consent date is imported without newsletter consent. Reads the file as a stream, a batch at a
 * time.
 */
export async function importMembers(
  ctx: ServiceContext,
  staff: Staff,
  source: Readable,
): Promise<MemberImportReport> {
  requireMemberAdmin(staff);
  // Imported here: only an import reads CSV, and the server's start-up is mostly loading code.
  const { CsvError, parse } = await import('csv-parse');
  const tiers = new Map((await ctx.store.memberAdmin.tiers()).map((t) => [t.slug, t]));
  const report: MemberImportReport = {
    created: 0,
    updated: 0,
    withoutConsent: 0,
    problems: [],
    moreProblems: 0,
  };
  const note = (problem: MemberImportProblem) => {
    if (report.problems.length < MAX_LISTED_PROBLEMS) report.problems.push(problem);
    else report.moreProblems++;
  };
  // Where each address was first seen in the file: a second row for it is refused, not merged.
  const seen = new Map<string, number>();
  let batch: ImportedMember[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const done = await ctx.store.transaction(async (repos) => {
      const at = ctx.now();
      const counts = await repos.memberAdmin.importBatch(rows, toIsoTimestamp(at));
      await recordAudit(repos, {
        actor: auditActor(staff),
        action: 'member.import',
        summary: `Imported members from CSV: ${counts.created} added, ${counts.updated} updated`,
        at,
      });
      return counts;
    });
    report.created += done.created;
    report.updated += done.updated;
  };

  const parser = source.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_ROW_BYTES,
      info: true,
      // A record the parser cannot read is reported (below) and skipped, and the rows read
      // before it are kept: without this, the error would drop the rows still in its buffer.
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (error: CsvError) => {
    const at = typeof error.lines === 'number' ? error.lines : line + 1;
    note({ line: at, field: 'file', message: `cannot be read from here on: ${error.message}` });
  });
  let columns: Partial<Record<MemberImportColumn, number>> | undefined;
  let line = 0;
  try {
    // A row's line is the file's line where the row ends (a cell may hold line breaks).
    for await (const { record: cells, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      line = info.lines;
      if (!columns) {
        const header = readMemberImportHeader(cells);
        if (header.errors.length > 0)
          throw Errors.VALIDATION_FAILED({
            details: header.errors.map((e) => ({
              ...e,
              field: 'file',
              message: `line 1, ${e.field} ${e.message}`,
            })),
          });
        columns = header.columns;
        continue;
      }
      const read = readMemberImportRow(cells, { line, columns, now: ctx.now() });
      if ('problems' in read) {
        read.problems.forEach(note);
        continue;
      }
      const first = seen.get(read.row.email);
      if (first !== undefined) {
        note({ line, field: 'email', message: `is already on line ${first} of this file` });
        continue;
      }
      const resolved = withTier(read.row, tiers);
      if ('problem' in resolved) {
        note(resolved.problem);
        continue;
      }
      seen.set(read.row.email, line);
      if (!resolved.member.consent) report.withoutConsent++;
      batch.push(resolved.member);
      if (batch.length >= MEMBER_CSV_BATCH) await flush();
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // A malformed line (a quote left open) ends the reading: the rows before it are imported.
    note({
      line: typeof error.lines === 'number' ? error.lines : line + 1,
      field: 'file',
      message: `cannot be read from here on: ${error.message}`,
    });
  } finally {
    source.destroy();
  }
  if (!columns && report.problems.length === 0) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'file', message: 'is empty: the first line must name the columns' }],
    });
  }
  await flush();
  return report;
}
