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

type Parsed = ReturnType<typeof ipaddr.parse>;

// Docker hosts ask the same few subnets about the same few hundred addresses, thousands of times.
const CACHE_LIMIT = 100_000;
const parsedHosts = new Map<string, Parsed | null>();
const parsedCidrs = new Map<string, [Parsed, number] | null>();

function parseHost(address: string): Parsed | null {
  let parsed = parsedHosts.get(address);
  if (parsed === undefined) {
    try {
      parsed = ipaddr.parse(hostOf(address));
    } catch {
      parsed = null;
    }
    if (parsedHosts.size >= CACHE_LIMIT) parsedHosts.clear();
    parsedHosts.set(address, parsed);
  }
  return parsed;
}

function parseCidr(cidr: string): [Parsed, number] | null {
  let parsed = parsedCidrs.get(cidr);
  if (parsed === undefined) {
    try {
      parsed = ipaddr.parseCIDR(cidr);
    } catch {
      parsed = null;
    }
    if (parsedCidrs.size >= CACHE_LIMIT) parsedCidrs.clear();
    parsedCidrs.set(cidr, parsed);
  }
  return parsed;
}

export function addressInCidr(address: string, cidr: string): boolean {
  const host = parseHost(address);
  const range = parseCidr(cidr);
  if (!host || !range || host.kind() !== range[0].kind()) return false;
  return host.match(range);
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
