import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forwardedClientAddress, isTrustedProxy } from './trusted-proxies.ts';

test('proxies on this machine or a private network are believed, public addresses are not', () => {
  for (const address of [
    '127.0.0.1',
    '::1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '::ffff:10.0.0.5',
    'fd00::1',
  ])
    assert.equal(isTrustedProxy(address), true, address);
  for (const address of ['203.0.113.9', '172.32.0.1', '2001:db8::1', '::ffff:8.8.8.8', 'not an address', ''])
    assert.equal(isTrustedProxy(address), false, address);
});

test('the client is the last address a trusted proxy added, whatever the client wrote before it', () => {
  assert.equal(forwardedClientAddress('127.0.0.1', '192.0.2.1, 203.0.113.50'), '203.0.113.50');
  assert.equal(forwardedClientAddress('127.0.0.1', ['192.0.2.1', '10.0.0.2, 203.0.113.50']), '203.0.113.50');
  // Two proxies on the private network: both skipped.
  assert.equal(forwardedClientAddress('10.0.0.1', '192.0.2.1, 203.0.113.50, 10.0.0.9'), '203.0.113.50');
  // A public client reaching the server directly names nothing.
  assert.equal(forwardedClientAddress('198.51.100.7', '192.0.2.1'), '198.51.100.7');
  assert.equal(forwardedClientAddress('127.0.0.1', undefined), '127.0.0.1');
});
