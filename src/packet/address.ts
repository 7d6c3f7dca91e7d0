/**
 * Addresses as bigints (v4: 32 bits, v6: 128 bits) and CIDR blocks as
 * intervals, the form the packet-set algebra works in.
 */
import ipaddr from 'ipaddr.js';
import type { Family } from '../../grammar/ast.js';
import { formatAddress } from '../model/predicates.js';
import type { Cidr } from '../model/types.js';
import { IntervalSet, IPV4, IPV6, type Domain } from './intervals.js';

export type AddrSet = IntervalSet<bigint>;

export function addressDomain(family: Family): Domain<bigint> {
  return family === 'ipv4' ? IPV4 : IPV6;
}

export function bitsOf(family: Family): number {
  return family === 'ipv4' ? 32 : 128;
}

/** `192.0.2.1`, `2001:db8::1`, `::ffff:1.2.3.4` (as v4), `[2001:db8::1]`; null when not an address. */
export function parseAddress(text: string): { family: Family; value: bigint } | null {
  const bare = text.trim().replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return null;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  let value = 0n;
  for (const byte of parsed.toByteArray()) value = (value << 8n) | BigInt(byte);
  return { family: parsed.kind() === 'ipv4' ? 'ipv4' : 'ipv6', value };
}

/** Like parseAddress, but throws on bad input and checks the family. */
export function addressValue(text: string, family?: Family): bigint {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`not an IP address: ${JSON.stringify(text)}`);
  if (family && parsed.family !== family) throw new Error(`${text} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  return parsed.value;
}

export function formatAddr(value: bigint, family: Family): string {
  return formatAddress(value, family);
}

export interface Block {
  family: Family;
  /** First address. */
  network: bigint;
  bits: number;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function parseBlock(text: string): Block | null {
  const [address = '', bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const parsed = parseAddress(address);
  if (!parsed) return null;
  const max = bitsOf(parsed.family);
  const bits = bitsText === undefined ? max : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { family: parsed.family, network: parsed.value & maskOf(bits, max), bits };
}

function maskOf(bits: number, max: number): bigint {
  if (bits === 0) return 0n;
  return ((1n << BigInt(bits)) - 1n) << BigInt(max - bits);
}

export function blockRange(block: Block): [bigint, bigint] {
  const max = bitsOf(block.family);
  const size = 1n << BigInt(max - block.bits);
  return [block.network, block.network + size - 1n];
}

export function blockSet(block: Block): AddrSet {
  const [lo, hi] = blockRange(block);
  return IntervalSet.of(lo, hi);
}

export function cidrSet(cidrs: readonly Cidr[]): AddrSet {
  return IntervalSet.fromRanges(cidrs.map((cidr) => blockRange({ family: cidr.family, network: cidr.network, bits: cidr.bits })));
}

/** Loopback, multicast and limited broadcast blocks of a family. */
export function specialBlocks(family: Family): { loopback: AddrSet; multicast: AddrSet; broadcast: AddrSet } {
  const block = (text: string): AddrSet => blockSet(parseBlock(text) as Block);
  return family === 'ipv4'
    ? { loopback: block('127.0.0.0/8'), multicast: block('224.0.0.0/4'), broadcast: block('255.255.255.255/32') }
    : { loopback: block('::1/128'), multicast: block('ff00::/8'), broadcast: IntervalSet.empty<bigint>() };
}

/** Shortest list of CIDR blocks covering the set exactly (for messages). */
export function setToBlocks(set: AddrSet, family: Family): string[] {
  const max = bitsOf(family);
  const out: string[] = [];
  for (const [lo, hi] of set.ranges()) {
    let start = lo;
    while (start <= hi) {
      let bits = max;
      // Grow the block while it stays aligned and inside [start, hi].
      while (bits > 0) {
        const size = 1n << BigInt(max - bits + 1);
        if (start % size !== 0n || start + size - 1n > hi) break;
        bits--;
      }
      out.push(bits === max ? formatAddr(start, family) : `${formatAddr(start, family)}/${bits}`);
      start += 1n << BigInt(max - bits);
    }
  }
  return out;
}
