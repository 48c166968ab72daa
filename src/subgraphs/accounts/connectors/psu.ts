import { isIP } from 'node:net';
import { badInput } from '../../../shared/errors/index.js';
import type { CallOptions } from './connector.js';

/**
 * The PSU's IP address, checked before it goes into a header: a bad value would otherwise
 * make fetch throw, which would look like the bank being unreachable and trip its breaker.
 */
export function psuIpAddress(options: CallOptions, bankId: string): string | undefined {
  const ip = options.psuIpAddress;
  if (ip === undefined) return undefined;
  if (isIP(ip) === 0) throw badInput('psuIpAddress must be an IPv4 or IPv6 address', { bankId });
  return ip;
}

/** A caller-supplied header value (PSU-ID): printable, short, no line breaks. */
export function headerValue(name: string, value: string, bankId: string): string {
  if (!/^[\x20-\x7E]{1,140}$/.test(value)) {
    throw badInput(`${name} must be 1 to 140 printable ASCII characters`, { bankId });
  }
  return value;
}
