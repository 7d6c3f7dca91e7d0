/**
 * The Docker host's network as the kernel's routing decision sees it:
 * interfaces and their addresses, routes, and the sysctls that change the
 * netfilter path (br_netfilter, forwarding, route_localnet).
 */
import type { Family } from '../../grammar/ast.js';
import { addressDomain, blockRange, blockSet, bitsOf, formatAddr, parseBlock, specialBlocks, type AddrSet, type Block } from './address.js';
import { IntervalSet } from './intervals.js';

export type InterfaceKind = 'bridge' | 'loopback' | 'uplink' | 'other';

export interface InterfaceAddress {
  family: Family;
  value: bigint;
  /** Prefix length of the on-link subnet. */
  bits: number;
  /** Stands for the uplink's unknown address (see PLACEHOLDER_ADDRESSES). */
  placeholder?: boolean;
}

export interface InterfaceInfo {
  name: string;
  kind: InterfaceKind;
  addresses: InterfaceAddress[];
}

export interface Route {
  block: Block;
  iface: string;
  /** Preferred source address (`src` of `ip route`); default: the interface's first address of the family. */
  source?: bigint;
}

export interface Topology {
  interfaces: Map<string, InterfaceInfo>;
  routes: Route[];
  /** net.bridge.bridge-nf-call-iptables / -ip6tables: bridged frames traverse iptables. */
  brNetfilter: Record<Family, boolean>;
  /** net.ipv4.ip_forward / net.ipv6.conf.all.forwarding. */
  forwarding: Record<Family, boolean>;
  /** Interfaces with net.ipv4.conf.IFACE.route_localnet=1 (127/8 sources may leave through them). */
  routeLocalnet: Set<string>;
  /** Interfaces traffic from outside arrives on (the uplinks), most likely first. */
  uplinks: string[];
  /** No uplink was named: `uplinks` is a guess. */
  uplinksAssumed: boolean;
  /** Facts assumed rather than given, for reports. */
  assumptions: string[];
}

/** Where a destination address goes. */
export type RouteTarget = { kind: 'local' } | { kind: 'iface'; iface: string; source: bigint | null } | { kind: 'unreachable' };

interface Segment {
  lo: bigint;
  hi: bigint;
  target: RouteTarget;
}

/** Longest-prefix-match table flattened into disjoint address segments. */
export class RouteMap {
  private readonly segments: Segment[];

  constructor(
    readonly family: Family,
    segments: Segment[],
  ) {
    this.segments = segments;
  }

  /** Index of the segment holding `address` (segments cover the whole address space). */
  private firstSegment(address: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.segments[mid] as Segment).hi < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lookup(address: bigint): RouteTarget {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const segment = this.segments[mid] as Segment;
      if (address < segment.lo) hi = mid - 1;
      else if (address > segment.hi) lo = mid + 1;
      else return segment.target;
    }
    return { kind: 'unreachable' };
  }

  /** The set cut into pieces that share one route target. */
  split(set: AddrSet): { target: RouteTarget; set: AddrSet }[] {
    const byKey = new Map<string, { target: RouteTarget; ranges: [bigint, bigint][] }>();
    for (const [lo, hi] of set.ranges()) {
      for (let index = this.firstSegment(lo); index < this.segments.length; index++) {
        const segment = this.segments[index] as Segment;
        if (segment.lo > hi) break;
        if (segment.hi < lo) continue;
        const key = targetKey(segment.target);
        const entry = byKey.get(key) ?? { target: segment.target, ranges: [] };
        entry.ranges.push([segment.lo > lo ? segment.lo : lo, segment.hi < hi ? segment.hi : hi]);
        byKey.set(key, entry);
      }
    }
    return [...byKey.values()].map((entry) => ({ target: entry.target, set: IntervalSet.fromRanges(entry.ranges) }));
  }
}

function targetKey(target: RouteTarget): string {
  return target.kind === 'iface' ? `iface:${target.iface}:${target.source ?? ''}` : target.kind;
}

const routeMaps = new WeakMap<Topology, Partial<Record<Family, RouteMap>>>();

export function routeMap(topology: Topology, family: Family): RouteMap {
  const cached = routeMaps.get(topology) ?? {};
  const hit = cached[family];
  if (hit) return hit;
  const map = buildRouteMap(topology, family);
  cached[family] = map;
  routeMaps.set(topology, cached);
  return map;
}

function buildRouteMap(topology: Topology, family: Family): RouteMap {
  const domain = addressDomain(family);
  let segments: Segment[] = [{ lo: domain.min, hi: domain.max, target: { kind: 'unreachable' } }];
  const paint = (lo: bigint, hi: bigint, target: RouteTarget): void => {
    const next: Segment[] = [];
    for (const segment of segments) {
      if (segment.hi < lo || segment.lo > hi) {
        next.push(segment);
        continue;
      }
      if (segment.lo < lo) next.push({ lo: segment.lo, hi: lo - 1n, target: segment.target });
      next.push({ lo: segment.lo > lo ? segment.lo : lo, hi: segment.hi < hi ? segment.hi : hi, target });
      if (segment.hi > hi) next.push({ lo: hi + 1n, hi: segment.hi, target: segment.target });
    }
    segments = next;
  };
  // The main table: on-link subnets of every interface, then explicit routes, most specific last.
  const routes: Route[] = [];
  for (const info of topology.interfaces.values()) {
    for (const address of info.addresses) {
      if (address.family !== family || info.kind === 'loopback') continue;
      const max = bitsOf(family);
      const network = address.value & (address.bits === 0 ? 0n : ((1n << BigInt(address.bits)) - 1n) << BigInt(max - address.bits));
      routes.push({ block: { family, network, bits: address.bits }, iface: info.name, source: address.value });
    }
  }
  routes.push(...topology.routes.filter((route) => route.block.family === family));
  routes.sort((a, b) => a.block.bits - b.block.bits);
  for (const route of routes) {
    const [lo, hi] = blockRange(route.block);
    paint(lo, hi, { kind: 'iface', iface: route.iface, source: route.source ?? primaryAddress(topology, route.iface, family) });
  }
  // The local table wins over the main table (rule 0 in `ip rule`).
  for (const [lo, hi] of localAddresses(topology, family).ranges()) paint(lo, hi, { kind: 'local' });
  return new RouteMap(family, mergeSegments(segments));
}

function mergeSegments(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const segment of segments) {
    const last = out[out.length - 1];
    if (last && last.hi + 1n === segment.lo && targetKey(last.target) === targetKey(segment.target)) last.hi = segment.hi;
    else out.push({ ...segment });
  }
  return out;
}

const memo = new WeakMap<Topology, Map<string, AddrSet>>();

function memoized(topology: Topology, key: string, compute: () => AddrSet): AddrSet {
  let table = memo.get(topology);
  if (!table) {
    table = new Map();
    memo.set(topology, table);
  }
  let value = table.get(key);
  if (!value) {
    value = compute();
    table.set(key, value);
  }
  return value;
}

/** Every address the kernel treats as the host's own (addrtype LOCAL): interface addresses and loopback. */
export function localAddresses(topology: Topology, family: Family): AddrSet {
  return memoized(topology, `local:${family}`, () => computeLocalAddresses(topology, family));
}

function computeLocalAddresses(topology: Topology, family: Family): AddrSet {
  const ranges: [bigint, bigint][] = [];
  for (const info of topology.interfaces.values()) {
    for (const address of info.addresses) if (address.family === family) ranges.push([address.value, address.value]);
  }
  return IntervalSet.fromRanges(ranges).union(specialBlocks(family).loopback);
}

/** Subnet broadcast addresses of the interfaces (addrtype BROADCAST). */
export function broadcastAddresses(topology: Topology, family: Family): AddrSet {
  return memoized(topology, `broadcast:${family}`, () => computeBroadcast(topology, family));
}

function computeBroadcast(topology: Topology, family: Family): AddrSet {
  if (family === 'ipv6') return IntervalSet.empty<bigint>();
  const ranges: [bigint, bigint][] = [];
  for (const info of topology.interfaces.values()) {
    for (const address of info.addresses) {
      if (address.family !== 'ipv4' || address.bits >= 31) continue;
      const [, hi] = blockRange({ family, network: address.value & ~((1n << BigInt(32 - address.bits)) - 1n), bits: address.bits });
      ranges.push([hi, hi]);
    }
  }
  return IntervalSet.fromRanges(ranges).union(specialBlocks(family).broadcast);
}

/** The address MASQUERADE and the routing use on an interface; null when unknown. */
export function primaryAddress(topology: Topology, iface: string, family: Family): bigint | null {
  return topology.interfaces.get(iface)?.addresses.find((address) => address.family === family && !address.placeholder)?.value ?? null;
}

/**
 * When the uplink's address is not given, the host still has one: this
 * address stands for it (from the benchmarking ranges, RFC 2544 / RFC 5180,
 * which no real ruleset names), so that traffic "to the host" can be followed.
 */
export const PLACEHOLDER_ADDRESSES: Readonly<Record<Family, bigint>> = { ipv4: 0xc6120001n, ipv6: (0x20010002n << 96n) | 1n };

/** The on-link subnet of an interface for a family, as a set (empty when it has none). */
export function subnetOf(topology: Topology, iface: string, family: Family): AddrSet {
  return memoized(topology, `subnet:${family}:${iface}`, () => computeSubnet(topology, iface, family));
}

/** The addresses behind the interface that are not the host's own: where a sender on it talks over L2. */
export function neighboursOf(topology: Topology, iface: string, family: Family): AddrSet {
  return memoized(topology, `neighbours:${family}:${iface}`, () => subnetOf(topology, iface, family).subtract(localAddresses(topology, family)));
}

function computeSubnet(topology: Topology, iface: string, family: Family): AddrSet {
  let set = IntervalSet.empty<bigint>();
  for (const address of topology.interfaces.get(iface)?.addresses ?? []) {
    if (address.family !== family) continue;
    const max = bitsOf(family);
    const network = address.value & (address.bits === 0 ? 0n : ((1n << BigInt(address.bits)) - 1n) << BigInt(max - address.bits));
    set = set.union(blockSet({ family, network, bits: address.bits }));
  }
  return set;
}

export function describeRouteTarget(target: RouteTarget, family: Family): string {
  if (target.kind === 'local') return 'local delivery';
  if (target.kind === 'unreachable') return 'no route';
  return `out ${target.iface}${target.source !== null ? ` (source ${formatAddr(target.source, family)})` : ''}`;
}

// ---------------------------------------------------------------------------
// Building a topology

export interface TopologyOptions {
  /** Host addresses: `ADDR`, `ADDR/BITS`, optionally `=IFACE` (`192.0.2.1/24=eth0`). */
  hostAddrs?: readonly string[];
  /** Extra routes (`0.0.0.0/0` = default route). */
  routes?: readonly { cidr: string; iface: string; source?: string }[];
  /** Uplink interfaces, most likely first; default: the default route's interface, else `eth0`. */
  uplinks?: readonly string[];
  brNetfilter?: Partial<Record<Family, boolean>>;
  forwarding?: Partial<Record<Family, boolean>>;
  routeLocalnet?: readonly string[];
}

export interface BridgeSpec {
  bridge: string;
  /** Subnets with the bridge's own (gateway) address: `172.17.0.1/16`. */
  addresses: readonly string[];
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

function parseInterfaceAddress(text: string): InterfaceAddress {
  const block = parseBlock(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  const bare = parseBlock(text.split('/')[0] ?? '');
  if (!block || !bare) throw new TopologyError(`not an address or ADDR/BITS: ${JSON.stringify(text)}`);
  return { family: block.family, value: bare.network, bits: block.bits };
}

export function buildTopology(bridges: readonly BridgeSpec[], options: TopologyOptions = {}): Topology {
  const interfaces = new Map<string, InterfaceInfo>();
  const assumptions: string[] = [];
  const ensure = (name: string, kind: InterfaceKind): InterfaceInfo => {
    const existing = interfaces.get(name);
    if (existing) return existing;
    const info: InterfaceInfo = { name, kind, addresses: [] };
    interfaces.set(name, info);
    return info;
  };
  ensure('lo', 'loopback').addresses.push(
    { family: 'ipv4', value: 0x7f000001n, bits: 8 },
    { family: 'ipv6', value: 1n, bits: 128 },
  );
  for (const bridge of bridges) {
    const info = ensure(bridge.bridge, 'bridge');
    info.kind = 'bridge';
    for (const text of bridge.addresses) info.addresses.push(parseInterfaceAddress(text));
  }
  const routes: Route[] = [];
  for (const route of options.routes ?? []) {
    const block = parseBlock(route.cidr);
    if (!block) throw new TopologyError(`not a CIDR: ${JSON.stringify(route.cidr)}`);
    if (!route.iface) throw new TopologyError(`route ${route.cidr} names no interface`);
    const source = route.source === undefined ? undefined : parseBlock(route.source)?.network;
    routes.push({ block, iface: route.iface, ...(source !== undefined ? { source } : {}) });
    if (!interfaces.has(route.iface)) ensure(route.iface, 'other');
  }
  const defaultRoute = routes.find((route) => route.block.bits === 0);
  const uplinks = [...(options.uplinks ?? [])];
  if (uplinks.length === 0 && defaultRoute) uplinks.push(defaultRoute.iface);
  const uplinksAssumed = uplinks.length === 0;
  if (uplinks.length === 0) {
    uplinks.push('eth0');
    assumptions.push('uplink interface not given: assumed eth0 (use --route 0.0.0.0/0=IFACE)');
  }
  for (const name of uplinks) {
    const info = ensure(name, 'uplink');
    if (info.kind === 'other') info.kind = 'uplink';
  }
  for (const text of options.hostAddrs ?? []) {
    const [address = '', iface] = text.split('=');
    const parsed = parseInterfaceAddress(address);
    ensure(iface ?? (uplinks[0] as string), iface ? 'other' : 'uplink').addresses.push(parsed);
  }
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (routes.some((route) => route.block.family === family && route.block.bits === 0)) continue;
    const uplink = uplinks[0] as string;
    routes.push({ block: { family, network: 0n, bits: 0 }, iface: uplink });
  }
  const uplink = interfaces.get(uplinks[0] as string) as InterfaceInfo;
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (uplink.addresses.some((address) => address.family === family)) continue;
    uplink.addresses.push({ family, value: PLACEHOLDER_ADDRESSES[family], bits: bitsOf(family), placeholder: true });
    assumptions.push(
      `the ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address of ${uplink.name} is unknown (use --host-addr): ${formatAddr(PLACEHOLDER_ADDRESSES[family], family)} stands for it, and MASQUERADE through ${uplink.name} is matched as "may match"`,
    );
  }
  return {
    interfaces,
    routes,
    brNetfilter: { ipv4: options.brNetfilter?.ipv4 ?? true, ipv6: options.brNetfilter?.ipv6 ?? true },
    forwarding: { ipv4: options.forwarding?.ipv4 ?? true, ipv6: options.forwarding?.ipv6 ?? true },
    routeLocalnet: new Set(options.routeLocalnet ?? []),
    uplinks,
    uplinksAssumed,
    assumptions,
  };
}

/** Docker gives a bridge the first address of each subnet unless told otherwise. */
export function defaultGateway(subnet: string): string {
  const block = parseBlock(subnet);
  if (!block) throw new TopologyError(`not a CIDR: ${JSON.stringify(subnet)}`);
  const [lo, hi] = blockRange(block);
  const gateway = hi > lo ? lo + 1n : lo;
  return `${formatAddr(gateway, block.family)}/${block.bits}`;
}
