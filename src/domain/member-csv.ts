import type { FieldError } from '../errors.ts';
import { readMemberEmail, readMemberName } from './member.ts';
import type { AdminMember } from './member-admin.ts';
import { cleanLine } from './text.ts';

/**
 * The columns a members CSV may have, by their header (case and spaces aside), and the other
 * spellings spreadsheets use for them. Only `email` is required; other columns are ignored.
 */
export const MEMBER_IMPORT_COLUMNS = {
  email: ['email', 'email address', 'e-mail'],
  name: ['name', 'full name'],
  tier: ['tier', 'tier slug', 'tier_slug'],
  consentAt: ['consent_at', 'consent at', 'consent date', 'consent_date'],
  consentSource: ['consent_source', 'consent source'],
} as const;

export type MemberImportColumn = keyof typeof MEMBER_IMPORT_COLUMNS;

/** What the import says the source was when a row gives a consent date but no source. */
export const DEFAULT_CONSENT_SOURCE = 'import';

/** One good row of an import, ready to write. */
export interface MemberImportRow {
  /** The line of the file it came from (the header is line 1). */
  line: number;
  email: string;
  /** Absent: an existing member keeps their name (a new one has none). */
  name?: string;
  /** Absent: an existing member keeps their tier. */
  tierSlug?: string;
  /**
   * Present only when the row records consent: then the member may be sent newsletters. A row
   * without it is still imported, without consent (an existing member keeps theirs).
   */
  consent?: { at: string; source: string };
}

/** One refused row: its line, the field at fault and why. */
export interface MemberImportProblem {
  line: number;
  field: string;
  message: string;
}

const MAX_SOURCE = 100;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A header cell as compared: lower case, spaces trimmed and runs of spaces made one. */
function headerKey(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/**
 * Which cell of a row holds which column, read from the header row; or the problem with the
 * header (no email column, a column twice).
 */
export function readMemberImportHeader(cells: readonly string[]): {
  columns: Partial<Record<MemberImportColumn, number>>;
  errors: FieldError[];
} {
  const columns: Partial<Record<MemberImportColumn, number>> = {};
  const errors: FieldError[] = [];
  cells.forEach((cell, index) => {
    const key = headerKey(cell);
    for (const [column, names] of Object.entries(MEMBER_IMPORT_COLUMNS) as [
      MemberImportColumn,
      readonly string[],
    ][]) {
      if (!names.includes(key)) continue;
      if (columns[column] !== undefined)
        errors.push({ field: column, message: 'is named twice in the header' });
      else columns[column] = index;
    }
  });
  if (columns.email === undefined) {
    errors.push({
      field: 'email',
      message: 'column is missing: the first line must name the columns, one of them "email"',
    });
  }
  return { columns, errors };
}

/** A consent date as an ISO timestamp: a day is taken as its midnight UTC. */
function consentTimestamp(text: string, now: Date): { at: string } | { message: string } {
  const trimmed = text.trim();
  if (!DAY.test(trimmed) && !TIMESTAMP.test(trimmed)) {
    return { message: 'must be a date (2026-03-01) or a date and time (2026-03-01T09:30:00Z)' };
  }
  const date = new Date(DAY.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed.replace(' ', 'T'));
  // JavaScript rolls 2026-02-30 over to 2 March: a day must come back as it was written.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== trimmed.slice(0, 10)) {
    if (DAY.test(trimmed) || Number.isNaN(date.getTime())) return { message: 'is not a real date' };
  }
  if (date.getTime() > now.getTime() + 24 * 3600 * 1000) return { message: 'is in the future' };
  return { at: date.toISOString() };
}

/**
 * A name cell without the apostrophe a CSV export puts before a text a spreadsheet would run as a
 * formula (so an exported file imports back unchanged).
 */
function unguardedName(text: string): string {
  const trimmed = text.trim();
  return /^'[=+\-@]/.test(trimmed) ? trimmed.slice(1) : trimmed;
}

/** One data row of an import, checked: the row to write, or each problem with its field. */
export function readMemberImportRow(
  cells: readonly string[],
  context: { line: number; columns: Partial<Record<MemberImportColumn, number>>; now: Date },
): { row: MemberImportRow } | { problems: MemberImportProblem[] } {
  const { line, columns } = context;
  const cell = (column: MemberImportColumn): string | undefined => {
    const index = columns[column];
    return index === undefined ? undefined : (cells[index] ?? '');
  };
  const problems: MemberImportProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ line, field, message });

  const email = readMemberEmail(cell('email') ?? '');
  if (!email.ok) for (const error of email.errors) problem(error.field, error.message);
  const row: Partial<MemberImportRow> = { line };
  const name = cell('name');
  if (name?.trim()) {
    const read = readMemberName(unguardedName(name));
    if (read.ok) row.name = read.value;
    else for (const error of read.errors) problem(error.field, error.message);
  }
  const tier = cell('tier')?.trim();
  if (tier) row.tierSlug = tier.toLowerCase();
  const consentAt = cell('consentAt')?.trim() ?? '';
  const consentSource = cleanLine(cell('consentSource') ?? '').trim();
  if (consentSource.length > MAX_SOURCE)
    problem('consent_source', `must be at most ${MAX_SOURCE} characters`);
  if (consentAt) {
    const at = consentTimestamp(consentAt, context.now);
    if ('message' in at) problem('consent_at', at.message);
    else row.consent = { at: at.at, source: consentSource || DEFAULT_CONSENT_SOURCE };
  } else if (consentSource) {
    problem('consent_at', 'is required when a consent source is given');
  }
  if (problems.length > 0 || !email.ok) return { problems };
  return { row: { ...row, line, email: email.value } };
}

/** The columns of a members export, in order: the import's own first, so the file imports back. */
export const MEMBER_EXPORT_HEADER = [
  'email',
  'name',
  'tier',
  'consent_at',
  'consent_source',
  'status',
  'confirmed_at',
  'banned',
  'bounced_at',
  'complained_at',
  'created_at',
] as const;

/** One member as a row of the export, under MEMBER_EXPORT_HEADER. */
export function memberExportRow(member: AdminMember, tierSlug: string | null): (string | null)[] {
  return [
    member.email,
    member.name,
    tierSlug,
    member.consentAt,
    member.consentSource,
    member.status,
    member.confirmedAt,
    member.isBanned ? 'yes' : 'no',
    member.bouncedAt,
    member.complainedAt,
    member.createdAt,
  ];
}
