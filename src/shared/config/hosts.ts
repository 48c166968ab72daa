import { BlockList, isIPv4, isIPv6 } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether HOST binds to this machine only: `localhost`, 127.0.0.0/8 or ::1 (also as
 * IPv4-mapped). `0.0.0.0`, `::`, a name or any other address may be reachable from elsewhere.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return loopback.check(h, 'ipv4');
  return isIPv6(h) && loopback.check(h, 'ipv6');
}
