/** Address helpers on canonical texts (`192.0.2.2`, `192.0.2.0/24`). */
import ipaddr from 'ipaddr.js';
import type { Family } from '../../grammar/ast.js';
import { canonicalAddress, canonicalCidr } from './rule-shape.js';

export function familyOfAddress(text: string): Family | null {
  const bare = text.replace(/^\[|\]$/g, '').split('/')[0] ?? '';
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.parse(bare).kind() === 'ipv4' ? 'ipv4' : 'ipv6';
}

export function isCidr(text: string): boolean {
  const [address = '', bits, extra] = text.split('/');
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  const family = familyOfAddress(address);
  if (!family) return false;
  return Number(bits) <= (family === 'ipv4' ? 32 : 128);
}

/** `192.0.2.2/32` → `192.0.2.2`; `[2001:db8::2]` → `2001:db8::2`. */
export function hostOf(text: string): string {
  return canonicalAddress(text.replace(/^\[|\]$/g, '').split('/')[0] ?? '');
}

/** The host as a /32 or /128 CIDR. */
export function hostCidr(address: string): string {
  const host = hostOf(address);
  return canonicalCidr(`${host}/${familyOfAddress(host) === 'ipv6' ? 128 : 32}`);
}

/** As DNAT's `--to-destination` writes the address: brackets for IPv6. */
export function natAddress(address: string): string {
  const host = hostOf(address);
  return familyOfAddress(host) === 'ipv6' ? `[${host}]` : host;
}

export function addressInCidr(address: string, cidr: string): boolean {
  try {
    const host = ipaddr.parse(hostOf(address));
    const [range, bits] = ipaddr.parseCIDR(cidr);
    if (host.kind() !== range.kind()) return false;
    return host.match([range, bits]);
  } catch {
    return false;
  }
}

export function isLoopbackAddress(address: string): boolean {
  try {
    return ipaddr.parse(hostOf(address)).range() === 'loopback';
  } catch {
    return false;
  }
}

/** `0.0.0.0`, `::` or empty: bound on all addresses of the family. */
export function isUnspecified(address: string): boolean {
  return address === '' || address === '0.0.0.0' || address === '::' || address === '0.0.0.0/0' || address === '::/0';
}
