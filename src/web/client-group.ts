import { addressGroup } from '../services/auth.ts';

/**
 * The address group a request comes from (an IPv6 /64 counts as one), as rate limits and daily
 * quotas count senders; "gone" when the connection closed before its address was read.
 */
export function clientGroupOf(request: {
  ip?: string | undefined;
  socket?: { remoteAddress?: string | undefined } | undefined;
}): string {
  return addressGroup(request.ip ?? request.socket?.remoteAddress ?? 'gone');
}
