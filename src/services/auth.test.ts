import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressGroup, attemptKeys } from './auth.ts';

test('sign-ins from one IPv6 /64 are counted as from one address, IPv4-mapped ones as IPv4', () => {
  const keysFrom = (ip: string) => attemptKeys({ email: 'ana@example.org', ip, maxFailures: 5 }).keys;
  assert.deepEqual(keysFrom('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), keysFrom('2001:db8:1:2::1'));
  assert.deepEqual(keysFrom('2001:DB8:1:2::ffff'), keysFrom('2001:0db8:0001:0002:0:0:0:7'));
  assert.notDeepEqual(keysFrom('2001:db8:1:2::1'), keysFrom('2001:db8:1:3::1'));
  assert.deepEqual(keysFrom('2001:db8:1:2::1'), [
    'pair:2001:db8:1:2::/64|ana@example.org',
    'email:ana@example.org',
    'ip:2001:db8:1:2::/64',
  ]);
  assert.deepEqual(keysFrom('::ffff:192.0.2.7'), keysFrom('192.0.2.7'));
  assert.notDeepEqual(keysFrom('192.0.2.7'), keysFrom('192.0.2.8'));
});

test('an address is grouped by its /64 however it is written', () => {
  assert.equal(addressGroup('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressGroup('::1'), '0:0:0:0::/64');
  assert.equal(addressGroup('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(addressGroup('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(addressGroup('2001:db8:1::5:1.2.3.4'), '2001:db8:1:0::/64');
  assert.equal(addressGroup('0:0:0:0:0:ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(addressGroup('192.0.2.1'), '192.0.2.1');
  assert.equal(addressGroup('not an address'), 'not an address');
});
