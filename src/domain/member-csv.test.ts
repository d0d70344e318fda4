import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AdminMember } from './member-admin.ts';
import {
  MEMBER_EXPORT_HEADER,
  memberExportRow,
  readMemberImportHeader,
  readMemberImportRow,
} from './member-csv.ts';

const NOW = new Date('2026-11-20T12:00:00Z');

describe('member CSV rows', () => {
  test('the header is read case and spaces aside, with spreadsheet spellings; email is required', () => {
    const { columns, errors } = readMemberImportHeader([
      '\uFEFFE-mail',
      ' Full  Name ',
      'Tier Slug',
      'Consent Date',
      'notes',
    ]);
    assert.deepEqual(errors, []);
    assert.deepEqual(columns, { email: 0, name: 1, tier: 2, consentAt: 3 });
    assert.equal(readMemberImportHeader(['name']).errors[0]?.field, 'email');
    assert.match(readMemberImportHeader(['email', 'Email']).errors[0]?.message ?? '', /twice/);
  });

  test('addresses are trimmed and lower-cased, and refused when they are no address', () => {
    const columns = { email: 0 };
    assert.deepEqual(readMemberImportRow(['  Ana@Example.ORG '], { line: 2, columns, now: NOW }), {
      row: { line: 2, email: 'ana@example.org' },
    });
    for (const bad of ['', 'ana', 'ana@example', 'a b@example.org', 'ana@@example.org']) {
      const read = readMemberImportRow([bad], { line: 3, columns, now: NOW });
      assert.equal('problems' in read && read.problems[0]?.field, 'email', JSON.stringify(bad));
    }
  });

  test('a row gives its consent as an ISO time, with "import" as the source when none is named', () => {
    const columns = { email: 0, name: 1, tier: 2, consentAt: 3, consentSource: 4 };
    const read = readMemberImportRow(['ana@example.org', 'Ana', 'Supporter', '2026-03-01', ''], {
      line: 2,
      columns,
      now: NOW,
    });
    assert.deepEqual(read, {
      row: {
        line: 2,
        email: 'ana@example.org',
        name: 'Ana',
        tierSlug: 'supporter',
        consent: { at: '2026-03-01T00:00:00.000Z', source: 'import' },
      },
    });
    const none = readMemberImportRow(['ben@example.org', '', '', '', ''], { line: 3, columns, now: NOW });
    assert.deepEqual(
      none,
      { row: { line: 3, email: 'ben@example.org' } },
      'empty cells keep what a member has',
    );
  });

  test('each problem of a row names its line and field', () => {
    const columns = { email: 0, consentAt: 1, consentSource: 2 };
    const read = readMemberImportRow(['nobody', '2026-02-30x', ''], { line: 7, columns, now: NOW });
    assert.deepEqual('problems' in read && read.problems.map((p) => `${p.line} ${p.field}`), [
      '7 email',
      '7 consent_at',
    ]);
    const future = readMemberImportRow(['a@example.org', '2027-01-01', ''], { line: 8, columns, now: NOW });
    assert.match('problems' in future ? (future.problems[0]?.message ?? '') : '', /future/);
    const rolled = readMemberImportRow(['a@example.org', '2026-02-30', ''], { line: 10, columns, now: NOW });
    assert.match('problems' in rolled ? (rolled.problems[0]?.message ?? '') : '', /not a real date/);
    const sourceOnly = readMemberImportRow(['a@example.org', '', 'fair'], { line: 9, columns, now: NOW });
    assert.equal('problems' in sourceOnly && sourceOnly.problems[0]?.field, 'consent_at');
  });

  test('a name the export guarded against formulas reads back without its apostrophe', () => {
    const read = readMemberImportRow(['a@example.org', "'=SUM(A1)"], {
      line: 2,
      columns: { email: 0, name: 1 },
      now: NOW,
    });
    assert.equal('row' in read && read.row.name, '=SUM(A1)');
  });

  test('an export row follows the header, the import’s own columns first', () => {
    const member: AdminMember = {
      id: 1,
      email: 'a@example.org',
      name: 'A',
      status: 'active',
      tierId: 2,
      tierName: 'Supporter',
      confirmedAt: null,
      consentAt: '2026-03-01T00:00:00.000Z',
      consentSource: 'form',
      isBanned: true,
      bouncedAt: null,
      complainedAt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const row = memberExportRow(member, 'supporter');
    assert.equal(row.length, MEMBER_EXPORT_HEADER.length);
    assert.deepEqual(row.slice(0, 5), [
      'a@example.org',
      'A',
      'supporter',
      '2026-03-01T00:00:00.000Z',
      'form',
    ]);
    assert.equal(row[MEMBER_EXPORT_HEADER.indexOf('banned')], 'yes');
  });
});
