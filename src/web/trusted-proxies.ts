import { BlockList, isIPv4 } from 'node:net';

/**
 * The proxies whose X-Forwarded-For is believed when `server.trustProxy` is on: those on this
 * machine or a private network (loopback, link-local, unique-local). A proxy appends the address
 * it saw to what the client sent, so believing every hop took the client's own first entry as
 * its address, a new one per request if it liked, and every per-address limit fell.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Whether a hop's address is a proxy to believe (the framework's trustProxy function too). */
export function isTrustedProxy(address: string): boolean {
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  try {
    return PRIVATE.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

/**
 * The client's address as the framework works it out under trustProxy: from the connection's
 * address back through X-Forwarded-For, right to left, for as long as each hop is a trusted
 * proxy; the first address that is not one is the client.
 */
export function forwardedClientAddress(
  socketAddress: string,
  forwardedFor: string | string[] | undefined,
): string {
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  let address = socketAddress;
  while (isTrustedProxy(address) && hops.length > 0) address = hops.pop() ?? address;
  return address;
}
