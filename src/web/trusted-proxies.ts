import { BlockList, isIPv4 } from 'node:net';
import { plainAddress, proxyRangeOf } from '../domain/proxy-list.ts';

/**
 * The proxies whose X-Forwarded-For is believed when `server.trustProxy` is on: those on this
 * machine or a private network (loopback, link-local, unique-local), and those the operator lists
 * in `server.trustedProxies` (a CDN or load balancer on a public address). A proxy appends the
 * address it saw to what the client sent, so believing every hop took the client's own first
 * entry as its address, a new one per request if it liked, and every per-address limit fell.
 */
const PRIVATE_RANGES = [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const;

/**
 * Whether a hop's address is a proxy to believe: on a private network, or in one of `listed`
 * (entries readProxyList accepted; config validation refuses the others before this runs).
 */
export function trustedProxyCheck(listed: readonly string[] = []): (address: string) => boolean {
  const ranges = new BlockList();
  for (const [network, prefix] of PRIVATE_RANGES)
    ranges.addSubnet(network, prefix, isIPv4(network) ? 'ipv4' : 'ipv6');
  for (const entry of listed) {
    const range = proxyRangeOf(entry);
    if (range) ranges.addSubnet(range.network, range.prefix, range.family);
  }
  return (address) => {
    const plain = plainAddress(address);
    try {
      return ranges.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
  };
}

/** Whether a hop's address is a proxy on this machine or a private network. */
export const isTrustedProxy = trustedProxyCheck();

/**
 * The client's address as the framework works it out under trustProxy: from the connection's
 * address back through X-Forwarded-For, right to left, for as long as each hop is a trusted
 * proxy; the first address that is not one is the client.
 */
export function forwardedClientAddress(
  socketAddress: string,
  forwardedFor: string | string[] | undefined,
  isTrusted: (address: string) => boolean = isTrustedProxy,
): string {
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  let address = socketAddress;
  while (isTrusted(address) && hops.length > 0) address = hops.pop() ?? address;
  return address;
}
