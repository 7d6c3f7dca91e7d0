/**
 * Normalizes the conditions of a rule (addresses, interfaces, protocol, ports,
 * conntrack states) into RulePredicates, the way iptables itself reads them
 * (iptables-format.md §6).
 */
import ipaddr from 'ipaddr.js';
import type { BaseOption, ExtensionOption, Family, MatchSpec } from '../../grammar/ast.js';
import { parseBaseZero, protocolNumber } from './protocols.js';
import type {
  AddressPredicate,
  Cidr,
  InterfacePredicate,
  PortPredicate,
  PortRange,
  ProtocolPredicate,
  RulePredicates,
  StatePredicate,
} from './types.js';

/** Matches that do not restrict which packets match. */
export const ALWAYS_TRUE_MATCHES: ReadonlySet<string> = new Set(['comment']);

/** Matches whose `--sport`/`--dport` select ports. */
const PORT_MATCHES: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

export function buildPredicates(baseOptions: readonly BaseOption[], matches: readonly MatchSpec[], family: Family): RulePredicates {
  const predicates: RulePredicates = {};
  for (const option of baseOptions) {
    const negated = option.negation !== 'none';
    const value = option.values[0]?.text ?? '';
    switch (option.name) {
      case 'source':
        predicates.source = parseAddressPredicate(value, negated, family);
        break;
      case 'destination':
        predicates.destination = parseAddressPredicate(value, negated, family);
        break;
      case 'in-interface':
        predicates.inInterface = parseInterfacePredicate(value, negated);
        break;
      case 'out-interface':
        predicates.outInterface = parseInterfacePredicate(value, negated);
        break;
      case 'protocol':
        predicates.protocol = parseProtocolPredicate(value, negated);
        break;
      case 'fragment':
        predicates.fragment = { negated };
        break;
      case 'set-counters':
        break;
    }
  }
  for (const match of matches) addMatchPredicates(predicates, match);
  return predicates;
}

function addMatchPredicates(predicates: RulePredicates, match: MatchSpec): void {
  const name = match.name.text;
  for (const option of match.options) {
    const negated = option.negation !== 'none';
    const value = optionText(option);
    if (PORT_MATCHES.has(name)) {
      if (option.name === 'sport' || option.name === 'source-port') push(predicates, 'sourcePorts', parsePortPredicate(value, negated, false));
      if (option.name === 'dport' || option.name === 'destination-port') push(predicates, 'destinationPorts', parsePortPredicate(value, negated, false));
    } else if (name === 'multiport') {
      if (option.name === 'sports' || option.name === 'source-ports') push(predicates, 'sourcePorts', parsePortPredicate(value, negated, true));
      if (option.name === 'dports' || option.name === 'destination-ports') push(predicates, 'destinationPorts', parsePortPredicate(value, negated, true));
      if (option.name === 'ports') push(predicates, 'anyPorts', parsePortPredicate(value, negated, true));
    } else if ((name === 'conntrack' && option.name === 'ctstate') || (name === 'state' && option.name === 'state')) {
      push(predicates, 'connectionStates', parseStatePredicate(value, negated));
    }
  }
}

function push<K extends 'sourcePorts' | 'destinationPorts' | 'anyPorts' | 'connectionStates'>(
  predicates: RulePredicates,
  key: K,
  value: NonNullable<RulePredicates[K]>[number],
): void {
  const list = (predicates[key] ?? []) as NonNullable<RulePredicates[K]>[number][];
  list.push(value);
  (predicates as Record<K, unknown>)[key] = list;
}

function optionText(option: ExtensionOption): string {
  return option.values.map((v) => v.text).join(' ');
}

/** True when the rule's conditions hold for every packet. */
export function isUnconditional(predicates: RulePredicates, baseOptions: readonly BaseOption[], matches: readonly MatchSpec[]): boolean {
  if (!matches.every((m) => ALWAYS_TRUE_MATCHES.has(m.name.text))) return false;
  for (const option of baseOptions) {
    if (option.name === 'set-counters') continue;
    if (option.negation !== 'none') return false;
    switch (option.name) {
      case 'source':
      case 'destination': {
        const address = option.name === 'source' ? predicates.source : predicates.destination;
        if (!address || address.unparsed !== undefined || !address.cidrs.some((c) => c.bits === 0)) return false;
        break;
      }
      case 'in-interface':
      case 'out-interface': {
        const iface = option.name === 'in-interface' ? predicates.inInterface : predicates.outInterface;
        if (!iface || iface.prefix !== '' || !iface.wildcard) return false;
        break;
      }
      case 'protocol':
        if (predicates.protocol?.number !== 0) return false;
        break;
      case 'fragment':
        return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Addresses

/** `-s`/`-d` value: comma list of `ADDR[/MASK]`, as `xtables_ipparse_multiple()` reads it. */
export function parseAddressPredicate(text: string, negated: boolean, family: Family): AddressPredicate {
  const cidrs: Cidr[] = [];
  for (const element of text.split(',')) {
    const cidr = parseCidr(element.trim(), family);
    if (!cidr) return { cidrs: [], negated, unparsed: text };
    cidrs.push(cidr);
  }
  return { cidrs, negated };
}

/** One `ADDR[/MASK]`; null when it is not a literal address of `family` with a contiguous mask. */
export function parseCidr(text: string, family: Family): Cidr | null {
  // Dumps repeat the same addresses on many rules: parse each text once, hand out copies.
  const cache = family === 'ipv4' ? ipv4CidrCache : ipv6CidrCache;
  let cidr = cache.get(text);
  if (cidr === undefined) {
    cidr = family === 'ipv4' ? parseIpv4Cidr(text) : parseIpv6Cidr(text);
    if (cache.size >= CIDR_CACHE_LIMIT) cache.clear();
    cache.set(text, cidr);
  }
  if (cidr === null) return null;
  const copy: Cidr = { family: cidr.family, network: cidr.network, bits: cidr.bits, text: cidr.text };
  if (cidr.hostBitsCleared) copy.hostBitsCleared = true;
  return copy;
}

const CIDR_CACHE_LIMIT = 1 << 16;
const ipv4CidrCache = new Map<string, Cidr | null>();
const ipv6CidrCache = new Map<string, Cidr | null>();

function parseIpv6Cidr(text: string): Cidr | null {
  const slash = text.lastIndexOf('/');
  const bytes = parseIpv6Bytes(slash < 0 ? text : text.slice(0, slash));
  if (!bytes) return null;
  const bits = slash < 0 ? 128 : parseMask(text.slice(slash + 1), 'ipv6');
  if (bits === null || bits > 128) return null;
  const written = bytesToBigint(bytes);
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
  const network = written & mask;
  const cidr: Cidr = { family: 'ipv6', network, bits, text: `${formatAddress(network, 'ipv6')}/${bits}` };
  if (network !== written) cidr.hostBitsCleared = true;
  return cidr;
}

/** IPv4 with plain numbers: the common case of large dumps, kept off bigint arithmetic. */
function parseIpv4Cidr(text: string): Cidr | null {
  const slash = text.lastIndexOf('/');
  const octets = parseIpv4Bytes(slash < 0 ? text : text.slice(0, slash));
  if (!octets) return null;
  const bits = slash < 0 ? 32 : parseMask(text.slice(slash + 1), 'ipv4');
  if (bits === null || bits > 32) return null;
  const written = ((octets[0] as number) * 0x1000000 + ((octets[1] as number) << 16) + ((octets[2] as number) << 8) + (octets[3] as number)) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const network = (written & mask) >>> 0;
  const cidr: Cidr = {
    family: 'ipv4',
    network: BigInt(network),
    bits,
    text: `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${bits}`,
  };
  if (network !== written) cidr.hostBitsCleared = true;
  return cidr;
}

function parseIpv4Bytes(text: string): number[] | null {
  // xtables completes partial dotted forms: `10` → 10.0.0.0, `192.168.1` → 192.168.1.0.
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return null;
  const octets: number[] = [];
  for (const part of parts) {
    const value = parseBaseZero(part.toLowerCase());
    if (value === null || value > 255) return null;
    octets.push(value);
  }
  while (octets.length < 4) octets.push(0);
  return octets;
}

function parseIpv6Bytes(text: string): number[] | null {
  if (!ipaddr.IPv6.isValid(text) || text.includes('%')) return null;
  return ipaddr.IPv6.parse(text).toByteArray();
}

function parseMask(text: string, family: Family): number | null {
  const prefix = parseBaseZero(text);
  if (prefix !== null) return prefix;
  const bytes = family === 'ipv4' ? (text.split('.').length === 4 ? parseIpv4Bytes(text) : null) : parseIpv6Bytes(text);
  if (!bytes) return null;
  return contiguousPrefixLength(bytes);
}

function contiguousPrefixLength(bytes: readonly number[]): number | null {
  let bits = 0;
  let ended = false;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1;
      if (set && ended) return null;
      if (set) bits++;
      else ended = true;
    }
  }
  return bits;
}

function bytesToBigint(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Dotted quad for v4, RFC 5952 compressed form for v6. */
export function formatAddress(value: bigint, family: Family): string {
  const count = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = count - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return family === 'ipv4' ? bytes.join('.') : ipaddr.fromByteArray(bytes).toString();
}

// ---------------------------------------------------------------------------
// Interfaces, protocol, ports, states

export function parseInterfacePredicate(name: string, negated: boolean): InterfacePredicate {
  const wildcard = name.endsWith('+');
  return { name, wildcard, prefix: wildcard ? name.slice(0, -1) : name, negated };
}

export function parseProtocolPredicate(text: string, negated: boolean): ProtocolPredicate {
  const name = text.toLowerCase();
  return { number: protocolNumber(name), name, negated };
}

const SERVICE_PORTS: ReadonlyMap<string, number> = new Map([
  ['ftp-data', 20],
  ['ftp', 21],
  ['ssh', 22],
  ['telnet', 23],
  ['smtp', 25],
  ['domain', 53],
  ['bootps', 67],
  ['bootpc', 68],
  ['tftp', 69],
  ['http', 80],
  ['www', 80],
  ['pop3', 110],
  ['ntp', 123],
  ['imap', 143],
  ['imap2', 143],
  ['snmp', 161],
  ['ldap', 389],
  ['https', 443],
  ['submission', 587],
  ['imaps', 993],
  ['pop3s', 995],
  ['openvpn', 1194],
  ['mysql', 3306],
  ['postgresql', 5432],
]);

/** A port number or service name; null if neither. */
export function parsePort(text: string): number | null {
  const value = /^\d+$/.test(text) ? Number.parseInt(text, 10) : (SERVICE_PORTS.get(text.toLowerCase()) ?? null);
  return value !== null && value <= 65535 ? value : null;
}

/**
 * tcp-style `PORT`, `A:B`, `:B`, `A:`, `:`; with `list`, a multiport comma list of
 * those. Ranges are normalized to `from ≤ to`.
 */
export function parsePortPredicate(text: string, negated: boolean, list: boolean): PortPredicate {
  const ranges: PortRange[] = [];
  for (const element of list ? text.split(',') : [text]) {
    const range = parsePortRange(element.trim());
    if (!range) return { ranges: [], negated, unparsed: text };
    ranges.push(range);
  }
  return { ranges, negated };
}

function parsePortRange(text: string): PortRange | null {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const port = parsePort(text);
    return port === null ? null : { from: port, to: port };
  }
  const fromText = text.slice(0, colon);
  const toText = text.slice(colon + 1);
  const from = fromText === '' ? 0 : parsePort(fromText);
  const to = toText === '' ? 65535 : parsePort(toText);
  if (from === null || to === null || from > to) return null;
  return { from, to };
}

export function parseStatePredicate(text: string, negated: boolean): StatePredicate {
  return { states: text.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== ''), negated };
}
