/**
 * The packet spaces reach questions are asked over (container subnets, the
 * outside world, the host's own addresses) and the Docker inventory views
 * they are sliced by (containers per network, published ports).
 */
import type { Family } from '../../grammar/ast.js';
import { addressDomain, blockRange, blockSet, specialBlocks, type AddrSet } from './address.js';
import type { Host, HostContainer, HostNetwork } from './host.js';
import { ICMP_TYPES, IntervalSet, PORTS, PROTOCOLS } from './intervals.js';
import type { Box } from './packet-set.js';
import { localAddresses } from './topology.js';

export function queryBox(family: Family, src: AddrSet, dst: AddrSet): Box {
  const echo = family === 'ipv4' ? 8 : 128;
  return {
    src,
    dst,
    proto: IntervalSet.full(PROTOCOLS),
    sport: IntervalSet.full(PORTS),
    dport: IntervalSet.full(PORTS),
    // ICMP is followed as ping: other ICMP messages are not connections.
    icmp: IntervalSet.of(echo << 8, (echo << 8) | 0xff).intersect(IntervalSet.full(ICMP_TYPES)),
  };
}

const containerSpaces = new WeakMap<HostNetwork, Partial<Record<Family, AddrSet>>>();

/** Addresses a container of the network can have: the subnets without network, broadcast and gateway addresses. */
export function containerSpace(network: HostNetwork, family: Family): AddrSet {
  let byFamily = containerSpaces.get(network);
  if (!byFamily) containerSpaces.set(network, (byFamily = {}));
  return (byFamily[family] ??= computeContainerSpace(network, family));
}

function computeContainerSpace(network: HostNetwork, family: Family): AddrSet {
  let set = IntervalSet.empty<bigint>();
  for (const block of network.subnets) {
    if (block.family !== family) continue;
    const [lo, hi] = blockRange(block);
    set = set.union(hi - lo >= 3n ? IntervalSet.of(lo + 1n, family === 'ipv4' ? hi - 1n : hi) : blockSet(block));
  }
  const gateway = network.gateways[family];
  return gateway === undefined ? set : set.subtract(IntervalSet.of(gateway));
}

/** Every address a container of any network can have. */
export function allContainers(networks: readonly HostNetwork[], family: Family): AddrSet {
  return networks.reduce((set, network) => set.union(containerSpace(network, family)), IntervalSet.empty<bigint>());
}

export const outsideMemo = new WeakMap<Host, Partial<Record<Family, AddrSet>>>();

/** Addresses beyond the uplinks: everything but the host's own, its bridges' subnets and special ranges. */
export function outsideSpace(host: Host, family: Family): AddrSet {
  const memo = outsideMemo.get(host) ?? {};
  const known = memo[family];
  if (known) return known;
  const set = computeOutside(host, family);
  memo[family] = set;
  outsideMemo.set(host, memo);
  return set;
}

export function computeOutside(host: Host, family: Family): AddrSet {
  let set = IntervalSet.full(addressDomain(family)).subtract(localAddresses(host.topology, family));
  const special = specialBlocks(family);
  set = set.subtract(special.loopback).subtract(special.multicast).subtract(special.broadcast);
  if (family === 'ipv4') set = set.subtract(IntervalSet.of(0n, 0xffffffn));
  else set = set.subtract(IntervalSet.of(0n));
  for (const network of host.networks) for (const block of network.subnets) if (block.family === family) set = set.subtract(blockSet(block));
  return set;
}

/** Host addresses an outside client can connect to (loopback excluded). */
export function hostSpace(host: Host, family: Family): AddrSet {
  return localAddresses(host.topology, family).subtract(specialBlocks(family).loopback);
}

/** Interfaces traffic from outside may arrive on: the uplinks, and when those are a guess, every non-Docker interface the rules name. */
export function outsideInterfaces(host: Host): string[] {
  const names = new Set(host.topology.uplinks);
  if (!host.topology.uplinksAssumed) return [...names];
  const bridges = new Set(host.networks.map((network) => network.bridge));
  for (const ruleset of Object.values(host.rulesets)) {
    for (const table of ruleset?.model.tables.values() ?? []) {
      for (const chain of table.chains.values()) {
        for (const rule of chain.rules) {
          const pattern = rule.predicates.inInterface;
          if (!pattern || pattern.wildcard || bridges.has(pattern.name) || pattern.name === 'lo' || pattern.name.startsWith('veth') || pattern.name.startsWith('br-') || pattern.name.startsWith('docker')) continue;
          names.add(pattern.name);
        }
      }
    }
  }
  return [...names].sort();
}

export function hasFamily(network: HostNetwork, family: Family): boolean {
  return network.subnets.some((block) => block.family === family);
}

export function addressesOf(container: HostContainer, network: string, family: Family): bigint[] {
  return container.endpoints.filter((endpoint) => endpoint.network === network).flatMap((endpoint) => {
    const address = family === 'ipv4' ? endpoint.ipv4 : endpoint.ipv6;
    return address === undefined ? [] : [address];
  });
}

export const byNetwork = new WeakMap<Host, Map<string, HostContainer[]>>();

export function containersOn(host: Host, network: string): HostContainer[] {
  let index = byNetwork.get(host);
  if (!index) {
    index = new Map();
    for (const container of host.containers) {
      for (const endpoint of container.endpoints) index.set(endpoint.network, [...(index.get(endpoint.network) ?? []), container]);
    }
    byNetwork.set(host, index);
  }
  return index.get(network) ?? [];
}

export function restrictDst(boxes: readonly Box[], address: bigint): Box[] {
  return boxes.flatMap((box) => (box.dst.has(address) ? [{ ...box, dst: IntervalSet.of(address) }] : []));
}

export function restrictSrc(boxes: readonly Box[], address: bigint): Box[] {
  return boxes.flatMap((box) => (box.src.has(address) ? [{ ...box, src: IntervalSet.of(address) }] : []));
}

/** The published bindings of a container, as `proto/containerPort`. */
export function publishedPorts(container: HostContainer | undefined): Map<string, string[]> {
  const ports = new Map<string, string[]>();
  for (const binding of container?.ports ?? []) {
    const [from = '', to] = binding.containerPort.split('-');
    const start = Number(from);
    const end = to === undefined ? start : Number(to);
    for (let port = start; port <= end; port++) {
      const key = `${binding.protocol}/${port}`;
      ports.set(key, [...(ports.get(key) ?? []), `${binding.hostIp || '*'}:${binding.hostPort}`]);
    }
  }
  return ports;
}

/** The container ports of one protocol a container publishes. */
export function publishedPortSet(published: Map<string, string[]>, proto: string): IntervalSet<number> {
  const ranges: [number, number][] = [];
  for (const key of published.keys()) {
    const [name, port] = key.split('/');
    if (name === proto) ranges.push([Number(port), Number(port)]);
  }
  return IntervalSet.fromRanges(ranges);
}

/** Every published container port of a network, as boxes (destination address × protocol × port). */
const publishedMemo = new WeakMap<Host, Map<string, Box[]>>();

export function publishedBoxes(host: Host, network: HostNetwork, family: Family): Box[] {
  let memo = publishedMemo.get(host);
  if (!memo) {
    memo = new Map();
    publishedMemo.set(host, memo);
  }
  const key = `${family}|${network.name}`;
  let boxes = memo.get(key);
  if (!boxes) {
    boxes = computePublishedBoxes(host, network, family);
    memo.set(key, boxes);
  }
  return boxes;
}

function computePublishedBoxes(host: Host, network: HostNetwork, family: Family): Box[] {
  const boxes: Box[] = [];
  for (const container of containersOn(host, network.name)) {
    const published = publishedPorts(container);
    if (published.size === 0) continue;
    for (const address of addressesOf(container, network.name, family)) {
      for (const proto of ['tcp', 'udp', 'sctp'] as const) {
        const ports = publishedPortSet(published, proto);
        if (ports.isEmpty) continue;
        boxes.push({
          src: IntervalSet.full(addressDomain(family)),
          dst: IntervalSet.of(address),
          sport: IntervalSet.full(PORTS),
          dport: ports,
          proto: IntervalSet.of(proto === 'tcp' ? 6 : proto === 'udp' ? 17 : 132),
          icmp: IntervalSet.full(ICMP_TYPES),
        });
      }
    }
  }
  return boxes;
}

/** Protocols reported one by one; the rest of a family's protocols are grouped as "other". */
export function protoName(proto: number, family: Family): string | undefined {
  if (proto === 6) return 'tcp';
  if (proto === 17) return 'udp';
  if (proto === 132) return 'sctp';
  if (proto === (family === 'ipv4' ? 1 : 58)) return family === 'ipv4' ? 'icmp' : 'icmpv6';
  return undefined;
}

export const PORT_PROTOS: ReadonlySet<number> = new Set([6, 17, 132]);

/** Splits open boxes towards one address into per-protocol port sets; other protocols are grouped. */
export function portsByProto(boxes: readonly Box[], family: Family): { name: string; proto: number; ports: IntervalSet<number> | null; others?: IntervalSet<number> }[] {
  const named = new Map<number, IntervalSet<number>>();
  let others = IntervalSet.empty<number>();
  for (const box of boxes) {
    for (const [lo, hi] of box.proto.ranges()) {
      for (let proto = lo; proto <= hi; proto++) {
        if (protoName(proto, family)) named.set(proto, (named.get(proto) ?? IntervalSet.empty<number>()).union(box.dport));
        else others = others.union(IntervalSet.of(proto));
      }
    }
  }
  const out: { name: string; proto: number; ports: IntervalSet<number> | null; others?: IntervalSet<number> }[] = [...named]
    .sort((a, b) => a[0] - b[0])
    .map(([proto, ports]) => ({ name: protoName(proto, family) as string, proto, ports: PORT_PROTOS.has(proto) ? ports : null }));
  if (!others.isEmpty) out.push({ name: 'other', proto: others.first ?? 0, ports: null, others });
  return out;
}
