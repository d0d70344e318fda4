import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canSignIn, isTokenUsable, normaliseMemberEmail, readMemberEmail, readMemberName } from './member.ts';

test('an address is trimmed and lower-cased, so one inbox is one account', () => {
  assert.equal(normaliseMemberEmail('  Ana.Silva@Example.ORG \n'), 'ana.silva@example.org');
  assert.deepEqual(readMemberEmail(' Ana@Example.org'), { ok: true, value: 'ana@example.org' });
});

test('one inbox is one account however its address is written: Unicode forms, IDN domains, a final dot', () => {
  const composed = 'zo\u00eb@example.org';
  assert.equal(normaliseMemberEmail('zoe\u0308@example.org'), composed);
  assert.equal(normaliseMemberEmail(composed), composed);
  assert.equal(normaliseMemberEmail('ana@xn--exmple-cua.org'), 'ana@ex\u00e4mple.org');
  assert.equal(normaliseMemberEmail('ANA@EX\u00c4MPLE.ORG'), 'ana@ex\u00e4mple.org');
  assert.equal(normaliseMemberEmail('ana@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.org'), 'ana@example.org');
  assert.equal(normaliseMemberEmail('ana@example.org.'), 'ana@example.org');
  // A domain no mail could reach is refused, not stored.
  assert.equal(readMemberEmail('ana@ex%ample.org').ok, false);
});

test('an address that is empty, malformed or too long is refused under the field named', () => {
  assert.deepEqual(readMemberEmail('   '), {
    ok: false,
    errors: [{ field: 'email', message: 'must not be empty' }],
  });
  const malformed = readMemberEmail('ana@example\r\nBcc: all@example.org');
  assert.equal(malformed.ok, false);
  assert.match(JSON.stringify(malformed), /must be an email address/);
  const long = readMemberEmail(`${'a'.repeat(320)}@example.org`, 'new_email');
  assert.equal(long.ok, false);
  assert.match(JSON.stringify(long), /"field":"new_email".*at most 320 characters/);
});

test('a name may be empty, loses line breaks, and may not carry text-direction controls', () => {
  assert.deepEqual(readMemberName(''), { ok: true, value: '' });
  assert.deepEqual(readMemberName(' Ana\nSilva '), { ok: true, value: 'Ana Silva' });
  const bidi = readMemberName('Ana \u202Eavlis');
  assert.equal(bidi.ok, false);
  assert.match(JSON.stringify(bidi), /"field":"name".*text-direction/);
  assert.equal(readMemberName('x'.repeat(201)).ok, false);
});

test('only an active member who is not banned may sign in', () => {
  assert.equal(canSignIn({ status: 'active', isBanned: false }), true);
  assert.equal(canSignIn({ status: 'pending', isBanned: false }), false);
  assert.equal(canSignIn({ status: 'active', isBanned: true }), false);
});

test('a link is usable until it is used or expires', () => {
  const now = '2026-11-20T12:00:00.000Z';
  assert.equal(isTokenUsable({ usedAt: null, expiresAt: '2026-11-20T12:30:00.000Z' }, now), true);
  assert.equal(isTokenUsable({ usedAt: null, expiresAt: now }, now), false);
  assert.equal(
    isTokenUsable({ usedAt: '2026-11-20T11:59:00.000Z', expiresAt: '2026-11-20T12:30:00.000Z' }, now),
    false,
  );
});
