import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readProxyList } from '../domain/proxy-list.ts';
import { forwardedClientAddress, isTrustedProxy, trustedProxyCheck } from './trusted-proxies.ts';

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

test('proxies listed in the settings (a CDN or load balancer on a public address) are believed as well', () => {
  const isTrusted = trustedProxyCheck(['203.0.113.7', '198.51.100.0/24', '2001:db8:1::/48']);
  for (const address of ['203.0.113.7', '198.51.100.200', '::ffff:198.51.100.1', '2001:db8:1::9', '10.0.0.1'])
    assert.equal(isTrusted(address), true, address);
  for (const address of ['203.0.113.8', '198.51.101.1', '2001:db8:2::1'])
    assert.equal(isTrusted(address), false, address);
  // A CDN edge in front of a private load balancer: both skipped, the client is what the edge saw.
  assert.equal(
    forwardedClientAddress('10.0.0.2', '192.0.2.1, 192.0.2.77, 198.51.100.9', isTrusted),
    '192.0.2.77',
  );
  assert.equal(forwardedClientAddress('10.0.0.2', '192.0.2.1, 192.0.2.77, 198.51.100.9'), '198.51.100.9');
});

test('a proxy list is read entry by entry, naming each one that is not an address or a range', () => {
  assert.deepEqual(readProxyList(' 203.0.113.7 , 198.51.100.0/24,2001:db8::/32 ,'), {
    entries: ['203.0.113.7', '198.51.100.0/24', '2001:db8::/32'],
    bad: [],
  });
  assert.deepEqual(
    readProxyList('203.0.113.300, 10.0.0.0/33, cdn.example.net, 2001:db8::/129, 1.2.3.4/x').bad,
    ['203.0.113.300', '10.0.0.0/33', 'cdn.example.net', '2001:db8::/129', '1.2.3.4/x'],
  );
  assert.deepEqual(readProxyList(''), { entries: [], bad: [] });
});
