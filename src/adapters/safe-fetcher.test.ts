import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { isPublicAddress, SafeFetcher } from './safe-fetcher.ts';

/** Runs `work` against a server on 127.0.0.1 answering with `listener`, then closes it. */
async function withServer(listener: RequestListener, work: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('isPublicAddress', () => {
  test('refuses private, loopback, link-local, unique-local, multicast and unspecified addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1',
      'not an address',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  test('allows addresses on the internet, in either family and IPv4-mapped', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });
});

describe('isPublicAddress on IPv6 addresses that carry an IPv4 one', () => {
  test('judges 6to4, Teredo, IPv4-translated and ISATAP addresses by the IPv4 address inside', () => {
    const refused = [
      '2002:7f00:1::', // 6to4 of 127.0.0.1
      '2002:a00:1::1', // 10.0.0.1
      '2002:a9fe:a9fe::1', // 169.254.169.254
      '2002:c0a8:101:1::1', // 192.168.1.1
      '2002::1', // 0.0.0.0
      '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1 (stored inverted)
      '2001:0:4136:e378:8000:63bf:f5ff:fffe', // Teredo, client 10.0.0.1
      '2001:0:a00:1:8000:63bf:3fc0:1', // Teredo, server 10.0.0.1
      '::ffff:0:7f00:1', // IPv4-translated 127.0.0.1
      '::ffff:0:a9fe:a9fe',
      '::127.0.0.1', // IPv4-compatible, long deprecated
      '::8.8.8.8',
      '64:ff9b:1::a00:1', // local-use NAT64
      '2001:db8:1::5efe:a00:1', // ISATAP of 10.0.0.1
      '2001:db8:1:0:200:5efe:7f00:1', // ISATAP of 127.0.0.1
      '2002:7f00:1::%eth0',
    ];
    for (const address of refused) assert.equal(isPublicAddress(address), false, address);
    const allowed = [
      '2002:808:808::1', // 6to4 of 8.8.8.8
      '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo, client 8.8.8.8
      '::ffff:0:808:808',
      '2606:4700::5efe:808:808', // ISATAP of 8.8.8.8
      '2001:4860:4860::8888',
    ];
    for (const address of allowed) assert.equal(isPublicAddress(address), true, address);
  });
});

describe('SafeFetcher', () => {
  const local = (options: ConstructorParameters<typeof SafeFetcher>[0] = {}) =>
    new SafeFetcher({ allowPrivateAddresses: true, ...options });

  test('refuses a host that does not resolve at once, rather than failing to be tried again', async () => {
    const fetched = await local().fetch('http://nothing-here.invalid/page');
    assert.deepEqual(fetched, {
      kind: 'refused',
      reason: 'source host does not resolve (nothing-here.invalid)',
    });
  });

  test('gives up on a page that does not answer within the whole-fetch deadline', async () => {
    await withServer(
      () => {},
      async (url) => {
        const started = Date.now();
        const outcome = await local({ totalTimeoutMs: 300 }).fetch(`${url}/silent`);
        assert.deepEqual(outcome, { kind: 'failed', reason: 'no answer within 300 ms' });
        assert.ok(Date.now() - started < 3000);
      },
    );
  });

  test('gives up on a body that trickles past the deadline', async () => {
    await withServer(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => response.write('<p>'), 50);
        response.once('close', () => clearInterval(timer));
      },
      async (url) => {
        const outcome = await local({ totalTimeoutMs: 400 }).fetch(`${url}/slow`);
        assert.equal(outcome.kind, 'failed');
      },
    );
  });

  test('reads only the types it is asked for, and refuses a declared length over the limit unread', async () => {
    let sent = 0;
    await withServer(
      (request, response) => {
        if (request.url === '/pdf')
          response.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF');
        else {
          response.writeHead(200, { 'content-type': 'text/html', 'content-length': String(5000) });
          response.write('x'.repeat(100));
          sent += 100;
        }
      },
      async (url) => {
        assert.deepEqual(await local().fetch(`${url}/pdf`), {
          kind: 'refused',
          reason: 'not a page we read (application/pdf)',
        });
        assert.deepEqual(await local({ maxBytes: 1000 }).fetch(`${url}/long`), {
          kind: 'refused',
          reason: 'larger than 1000 bytes',
        });
        assert.equal(sent, 100);
      },
    );
  });

  test('refuses an IPv6 loopback address written in the URL before connecting', async () => {
    const outcome = await new SafeFetcher().fetch('http://[::1]:9/');
    assert.deepEqual(outcome, { kind: 'refused', reason: '::1 is not a public address' });
  });
});
