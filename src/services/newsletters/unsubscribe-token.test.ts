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
