import { isIP, isIPv4 } from 'node:net';

/** An address as the check reads it: an IPv4 address mapped into IPv6 (`::ffff:10.0.0.5`) as IPv4. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** One entry of a proxy list as a range, or undefined when it is neither an address nor a CIDR range. */
export function proxyRangeOf(
  entry: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(plainAddress(address));
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const widest = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { network: plainAddress(address), prefix: widest, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > widest) return undefined;
  return { network: plainAddress(address), prefix: Number(prefixText), family };
}

/**
 * The `server.trustedProxies` setting read: addresses and CIDR ranges separated by commas, and
 * the entries that are neither (for the start-up message to name).
 *
 * @example readProxyList('203.0.113.7, 198.51.100.0/24') // { entries: ['203.0.113.7', '198.51.100.0/24'], bad: [] }
 */
export function readProxyList(text: string): { entries: string[]; bad: string[] } {
  const entries: string[] = [];
  const bad: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    if (proxyRangeOf(entry)) entries.push(entry);
    else bad.push(entry);
  }
  return { entries, bad };
}
