import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { UnsubscribeTokens } from './unsubscribe-token.ts';

const tokens = new UnsubscribeTokens(randomBytes(32).toString('base64url'));

test('a signed token reads back as its member and newsletter', () => {
  assert.deepEqual(tokens.verify(tokens.sign({ memberId: 12, newsletterId: 3 })), {
    memberId: 12,
    newsletterId: 3,
  });
});

test('a token altered in any part, or signed with another key, reads as nothing', () => {
  const token = tokens.sign({ memberId: 12, newsletterId: 3 });
  const [member, newsletter, mac] = token.split('.') as [string, string, string];
  const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
  for (const bad of [
    `13.${newsletter}.${mac}`,
    `${member}.4.${mac}`,
    `${member}.${newsletter}.${flipped}`,
    `${member}.${newsletter}`,
    `${token}.extra`,
    '',
    new UnsubscribeTokens(randomBytes(32).toString('base64url')).sign({ memberId: 12, newsletterId: 3 }),
  ])
    assert.equal(tokens.verify(bad), undefined, bad);
});

test('a choices token reads back as its member until it runs out, and not a second after', () => {
  const expiresAt = new Date('2027-01-01T00:00:00.000Z');
  const token = tokens.signPreferences({ memberId: 12, expiresAt });
  assert.deepEqual(tokens.verifyPreferences(token, new Date('2026-12-31T23:59:59.000Z')), { memberId: 12 });
  assert.equal(tokens.verifyPreferences(token, expiresAt), undefined);
  assert.equal(tokens.verifyPreferences(token, new Date('2027-01-01T00:00:01.000Z')), undefined);
});

test('a choices token altered, lengthened or signed with another key reads as nothing, and neither kind passes for the other', () => {
  const now = new Date('2026-12-01T00:00:00.000Z');
  const expiresAt = new Date('2027-01-01T00:00:00.000Z');
  const token = tokens.signPreferences({ memberId: 12, expiresAt });
  const [member, expires, mac] = token.split('.') as [string, string, string];
  for (const bad of [
    `p13.${expires}.${mac}`,
    `${member}.${Number(expires) + 86_400}.${mac}`,
    `${member}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
    `${member.slice(1)}.${expires}.${mac}`,
    tokens.sign({ memberId: 12, newsletterId: 3 }),
    new UnsubscribeTokens(randomBytes(32).toString('base64url')).signPreferences({ memberId: 12, expiresAt }),
  ])
    assert.equal(tokens.verifyPreferences(bad, now), undefined, bad);
  assert.equal(tokens.verify(token), undefined);
});
