import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { PageFetch, PageFetcher } from '../domain/ports/page-fetcher.ts';

/**
 * Addresses the server never fetches from on a stranger's say-so: its own machine, the private
 * network around it (including a cloud's metadata service at 169.254.169.254), multicast and
 * the addresses that stand for none. Node's BlockList also matches an IPv4 rule against the
 * IPv4-mapped IPv6 form of the address (::ffff:127.0.0.1, ::ffff:7f00:1).
 */
const NOT_PUBLIC: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", 0.0.0.0 reaching the local host
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT, shared
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'], // protocol assignments
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and the broadcast address
  ['192.88.99.0', 24, 'ipv4'], // the old 6to4 relays' anycast: it hands packets on to an address inside
  ['::', 96, 'ipv6'], // unspecified, loopback, and the long-deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b::', 96, 'ipv6'], // NAT64: an IPv4 address behind a translator, private ones included
  ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64, the same behind a site's own translator
  ['100::', 64, 'ipv6'], // discard-only
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // the old site-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const BLOCKED = (() => {
  const list = new BlockList();
  for (const [network, prefix, family] of NOT_PUBLIC) list.addSubnet(network, prefix, family);
  return list;
})();

/**
 * Whether an IP address is one anyone on the internet could reach (not private, loopback,
 * link-local…). An IPv6 address that carries an IPv4 one (6to4, Teredo, IPv4-translated,
 * ISATAP) is judged by that one too: a host with a tunnel sends it to the IPv4 address inside.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !BLOCKED.check(address, 'ipv4');
  const bare = address.replace(/%.*$/, '');
  if (BLOCKED.check(bare, 'ipv6')) return false;
  return embeddedIpv4(bare).every((inside) => !BLOCKED.check(inside, 'ipv4'));
}

/** An IPv6 address (valid, without a zone) as its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  return [...first, ...Array<number>(8 - first.length - last.length).fill(0), ...last];
}

const ipv4Of = (high: number, low: number): string =>
  `${high >>> 8}.${high & 0xff}.${low >>> 8}.${low & 0xff}`;

/** The IPv4 addresses an IPv6 address carries, by the forms that carry one; none for the others. */
function embeddedIpv4(address: string): string[] {
  const g = ipv6Groups(address) as [number, number, number, number, number, number, number, number];
  const inside: string[] = [];
  // 6to4 (2002::/16): the IPv4 address follows the prefix.
  if (g[0] === 0x2002) inside.push(ipv4Of(g[1], g[2]));
  // Teredo (2001:0::/32): the server's address, then the client's with every bit inverted.
  if (g[0] === 0x2001 && g[1] === 0) inside.push(ipv4Of(g[2], g[3]), ipv4Of(g[6] ^ 0xffff, g[7] ^ 0xffff));
  const isZeroHigh = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0;
  // IPv4-mapped (::ffff:0:0/96; the block list matches those too) and IPv4-translated (::ffff:0:0:0/96).
  if (isZeroHigh && ((g[4] === 0 && g[5] === 0xffff) || (g[4] === 0xffff && g[5] === 0)))
    inside.push(ipv4Of(g[6], g[7]));
  // ISATAP, under any prefix: an interface id of 0:5efe or 200:5efe, then the IPv4 address.
  if ((g[4] === 0 || g[4] === 0x200) && g[5] === 0x5efe) inside.push(ipv4Of(g[6], g[7]));
  return inside;
}

export interface SafeFetcherOptions {
  /** Fetch from private and loopback addresses too: for tests, which serve pages on 127.0.0.1. */
  allowPrivateAddresses?: boolean;
  /** Redirects followed, each checked like the first address. */
  maxRedirects?: number;
  /** Bytes of a body read at most; a longer body is cut off there and refused. */
  maxBytes?: number;
  /** Milliseconds to open a connection. */
  connectTimeoutMs?: number;
  /** Milliseconds for the whole fetch, redirects and body included. */
  totalTimeoutMs?: number;
  /** Media types read; anything else is refused without reading its body. */
  acceptedTypes?: readonly string[];
  userAgent?: string;
}

/** Why a fetch stopped, raised inside a request and turned into its outcome. */
class FetchStop extends Error {
  readonly outcome: PageFetch;
  constructor(outcome: PageFetch & { reason: string }) {
    super(outcome.reason);
    this.outcome = outcome;
  }
}

type Hop = { kind: 'redirect'; location: string } | PageFetch;

/**
 * Fetches pages of other sites safely, for work done on a stranger's say-so (a webmention's
 * source). Every address a host name resolves to is checked before connecting, and the
 * connection goes to the address checked (the lookup given to Node's http is the check, so a
 * second resolution cannot hand back another address: no DNS rebinding). Redirects are followed
 * a few at a time, each hop checked again; connecting and the whole fetch have deadlines; a body
 * is read up to a size and no further; only the types asked for are read.
 *
 * Node's own http and https with a custom lookup, rather than a library: none of the well-kept
 * ones checks the address it connects to (request-filtering-agent does, for agents, but not
 * IPv4-mapped forms in every version), and what is needed here is small enough to read whole.
 */
export class SafeFetcher implements PageFetcher {
  private readonly allowPrivate: boolean;
  private readonly maxRedirects: number;
  private readonly maxBytes: number;
  private readonly connectTimeoutMs: number;
  private readonly totalTimeoutMs: number;
  private readonly acceptedTypes: readonly string[];
  private readonly userAgent: string;

  constructor(options: SafeFetcherOptions = {}) {
    this.allowPrivate = options.allowPrivateAddresses ?? false;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 15_000;
    this.acceptedTypes = options.acceptedTypes ?? ['text/html', 'application/xhtml+xml', 'text/plain'];
    this.userAgent = options.userAgent ?? 'Pressroom (webmention verification)';
  }

  async fetch(url: string): Promise<PageFetch> {
    const signal = AbortSignal.timeout(this.totalTimeoutMs);
    let current = url;
    for (let redirects = 0; ; redirects++) {
      let hop: Hop;
      try {
        hop = await this.fetchOnce(current, signal);
      } catch (error) {
        if (error instanceof FetchStop) return error.outcome;
        if (signal.aborted) return { kind: 'failed', reason: `no answer within ${this.totalTimeoutMs} ms` };
        const code = (error as NodeJS.ErrnoException).code;
        // The name does not exist (NXDOMAIN, no address of any kind): asking again changes
        // nothing. A resolver that cannot answer now (EAI_AGAIN) is a failure, tried again.
        if (code === 'ENOTFOUND')
          return { kind: 'refused', reason: `source host does not resolve (${hostnameOf(current)})` };
        return { kind: 'failed', reason: `cannot fetch ${current}: ${code ?? (error as Error).message}` };
      }
      if (hop.kind !== 'redirect') return hop;
      if (redirects >= this.maxRedirects)
        return { kind: 'refused', reason: `more than ${this.maxRedirects} redirects` };
      let next: URL;
      try {
        next = new URL(hop.location, current);
      } catch {
        return { kind: 'refused', reason: `a redirect to an address that is not a URL: ${hop.location}` };
      }
      current = next.toString();
    }
  }

  /** Whether this fetcher may connect to the address. */
  private isAllowed(address: string): boolean {
    return this.allowPrivate || isPublicAddress(address);
  }

  /** One request: a redirect's location, or the outcome. */
  private fetchOnce(address: string, signal: AbortSignal): Promise<Hop> {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      return Promise.resolve({ kind: 'refused', reason: `not a URL: ${address}` });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return Promise.resolve({ kind: 'refused', reason: `not an http or https address: ${address}` });
    if (url.username !== '' || url.password !== '')
      return Promise.resolve({ kind: 'refused', reason: 'an address with a user name or password' });
    // Node connects to an IP address as written without calling the lookup below.
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) !== 0 && !this.isAllowed(literal))
      return Promise.resolve({ kind: 'refused', reason: `${literal} is not a public address` });
    const lookup = (
      hostname: string,
      options: { all?: boolean },
      done: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
        if (error) return done(error, '');
        const refused = addresses.find((a) => !this.isAllowed(a.address));
        if (refused || addresses.length === 0) {
          const reason = refused
            ? `${hostname} resolves to ${refused.address}, not a public address`
            : `${hostname} has no address`;
          return done(new FetchStop({ kind: 'refused', reason }), '');
        }
        if (options.all) return done(null, addresses);
        const first = addresses[0] as LookupAddress;
        done(null, first.address, first.family);
      });
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Hop>((resolve, reject) => {
      const request = client.request(url, {
        method: 'GET',
        agent: false,
        lookup: lookup as never,
        signal,
        headers: {
          accept: 'text/html, application/xhtml+xml, text/plain;q=0.9',
          'user-agent': this.userAgent,
          // Counted as sent: a compressed body would be read past the limit when unpacked.
          'accept-encoding': 'identity',
        },
      });
      const connectTimer = setTimeout(() => {
        request.destroy(
          new FetchStop({ kind: 'failed', reason: `no connection within ${this.connectTimeoutMs} ms` }),
        );
      }, this.connectTimeoutMs);
      request.once('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once('connect', () => clearTimeout(connectTimer));
      });
      request.once('error', (error) => {
        clearTimeout(connectTimer);
        reject(error);
      });
      request.once('close', () => clearTimeout(connectTimer));
      request.once('response', (response) => {
        clearTimeout(connectTimer);
        this.readResponse(url.toString(), response).then(resolve, reject);
      });
      request.end();
    });
  }

  private readResponse(url: string, response: IncomingMessage): Promise<Hop> {
    const status = response.statusCode ?? 0;
    const stop = (hop: Hop): Promise<Hop> => {
      response.destroy();
      return Promise.resolve(hop);
    };
    if (status >= 300 && status < 400 && status !== 304) {
      const location = response.headers.location;
      if (!location) return stop({ kind: 'refused', reason: `a ${status} redirect without a location` });
      return stop({ kind: 'redirect', location });
    }
    if (status === 410) return stop({ kind: 'gone', url });
    if (status >= 500 || status === 429)
      return stop({ kind: 'failed', reason: `the page answered ${status}` });
    if (status < 200 || status >= 300)
      return stop({ kind: 'refused', reason: `the page answered ${status}` });
    const contentType = response.headers['content-type'] ?? '';
    const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
    if (!this.acceptedTypes.includes(mediaType))
      return stop({ kind: 'refused', reason: `not a page we read (${mediaType || 'no content type'})` });
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes)
      return stop({ kind: 'refused', reason: `larger than ${this.maxBytes} bytes` });
    return new Promise<Hop>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBytes) {
          response.destroy();
          resolve({ kind: 'refused', reason: `larger than ${this.maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.once('error', reject);
      response.once('end', () => {
        resolve({
          kind: 'ok',
          url,
          status,
          contentType: mediaType,
          text: decode(Buffer.concat(chunks), contentType),
        });
      });
    });
  }
}

/** The host name of a URL already parsed once, for a reason's text. */
function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** The body as text in the charset its content type names, UTF-8 when it names none we know. */
function decode(bytes: Buffer, contentType: string): string {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
