/**
 * One reachability question over a whole packet space ("can anything in
 * network A open a connection to anything in network B, on any protocol and
 * port?"): the connection model run on a box, its outcome turned into sets —
 * definitely open, open only under "may match" assumptions, closed — and a
 * concrete witness packet with its rule path for any answer.
 */
import type { Family } from '../../grammar/ast.js';
import { protocolName } from '../model/protocols.js';
import type { Rule } from '../model/types.js';
import { formatAddr } from './address.js';
import { connect, pointBox, type ClosedConnection, type Endpoint, type OpenConnection } from './connection.js';
import type { Flow, TraceStep } from './flow.js';
import type { Host } from './host.js';
import { containerAt } from './host.js';
import { compactSet, describeAddrSet, describeNumSet, intersectSet, PORT_PROTOCOLS, subtractSet, type Box } from './packet-set.js';
import { IntervalSet, PORTS } from './intervals.js';
import type { Services } from './services.js';
import { hops, type TraceHop } from './trace.js';

export type ReachStatus = 'open' | 'partial' | 'closed' | 'depends';

export interface QueryResult {
  family: Family;
  origin: Endpoint;
  box: Box;
  status: ReachStatus;
  /** Original-direction tuples whose connection definitely opens. */
  open: Box[];
  /** Tuples whose fate hinges on rules the model cannot decide. */
  uncertain: Box[];
  connections: OpenConnection[];
  closed: ClosedConnection[];
  /** Rules that could not be decided, deduplicated. */
  hinges: { rule: Rule; why: string }[];
}

/**
 * Clients pick their source port from the ephemeral range (Linux
 * ip_local_port_range 32768-60999, IANA 49152-65535): an answer is "open"
 * when every such client gets through. Rules that only catch odd source
 * ports (a DOCKER-USER `--dport 8080` that also drops replies to a client
 * using source port 8080) do not make a port "partly" reachable.
 */
export const EPHEMERAL_PORTS = IntervalSet.of(32768, 65535);

export function typicalClients(box: Box): Box {
  return { ...box, sport: box.sport.intersect(EPHEMERAL_PORTS) };
}

/** The open tuples of typical clients, source port projected away (for descriptions). */
export function reachableTargets(boxes: readonly Box[]): Box[] {
  return compactSet(
    boxes.flatMap((box) => {
      const sport = box.sport.intersect(EPHEMERAL_PORTS);
      return sport.isEmpty ? [] : [{ ...box, sport: IntervalSet.full(PORTS), src: box.src }];
    }),
  );
}

function hingesOf(flows: readonly Flow[]): { rule: Rule; why: string }[] {
  const seen = new Map<Rule, string>();
  for (const flow of flows) for (const hinge of flow.hinges) if (!seen.has(hinge.rule)) seen.set(hinge.rule, hinge.why);
  return [...seen].map(([rule, why]) => ({ rule, why }));
}

export function runQuery(host: Host, family: Family, origin: Endpoint, box: Box, services: Services): QueryResult {
  const outcome = connect(host, { family, box, origin, services });
  const openFlows = outcome.open.map((connection) => connection.request);
  const closedFlows = [...outcome.closed, ...outcome.undecided].map((closed) => closed.flow);
  const hinged = [...openFlows, ...closedFlows].filter((flow) => flow.hinges.length > 0);
  let open: Box[];
  let uncertain: Box[] = [];
  let connections = outcome.open;
  if (hinged.length === 0 && outcome.undecided.length === 0) {
    open = openFlows.map((flow) => flow.box);
  } else {
    // A tuple is open only if every branch it went down opened: open ∖ (closed ∪ undecided).
    const closedBoxes = closedFlows.map((flow) => flow.box);
    const openBoxes = openFlows.map((flow) => flow.box);
    open = subtractSet(openBoxes, closedBoxes);
    uncertain = [...intersectSet(openBoxes, closedBoxes), ...outcome.undecided.map((entry) => entry.flow.box)];
    connections = outcome.open.filter((connection) => connection.request.hinges.length === 0);
  }
  open = compactSet(open);
  uncertain = compactSet(uncertain);
  return { family, origin, box, status: statusOf(box, open, uncertain), open, uncertain, connections, closed: outcome.closed, hinges: hingesOf([...hinged, ...outcome.undecided.map((entry) => entry.flow)]) };
}

function statusOf(box: Box, open: readonly Box[], uncertain: readonly Box[]): ReachStatus {
  if (open.length === 0) return uncertain.length > 0 ? 'depends' : 'closed';
  return subtractSet([typicalClients(box)], open).length === 0 ? 'open' : 'partial';
}

/**
 * The part of a result whose destinations lie in `dst` (one query answers
 * many destination groups). `connections` and `closed` stay the whole query's.
 */
export function restrictToDestinations(result: QueryResult, dst: IntervalSet<bigint>): QueryResult {
  const clip = (boxes: readonly Box[]): Box[] => {
    const out: Box[] = [];
    // One query's boxes span many destination groups: most miss this one, which `overlaps` tells without allocating.
    for (const box of boxes) if (box.dst.overlaps(dst)) out.push({ ...box, dst: box.dst.intersect(dst) });
    return out;
  };
  const box = { ...result.box, dst: result.box.dst.intersect(dst) };
  const open = clip(result.open);
  const uncertain = clip(result.uncertain);
  return {
    ...result,
    box,
    open,
    uncertain,
    status: statusOf(box, open, uncertain),
  };
}

// ---------------------------------------------------------------------------
// Witnesses

export interface WitnessPacket {
  family: Family;
  in?: string;
  src: string;
  dst: string;
  proto: string;
  sport?: number;
  dport?: number;
}

export interface Witness {
  packet: WitnessPacket;
  result: 'open' | 'closed' | 'depends';
  /** The first packet's path. */
  request: TraceHop[];
  /** The reply's path, when the request got through. */
  reply?: TraceHop[];
  /** Why it does not open. */
  why?: string;
  /** The rule that decided it (the last ACCEPT/DROP/REJECT on the failing or accepting path). */
  decidedBy?: Rule;
  /** …or the built-in chain whose policy decided it. */
  decidedByPolicy?: { table: string; chain: string; policy: string };
  /** Rules on the way, for "related" spans. */
  rules: Rule[];
}

const PREFERRED_PORTS = [80, 443, 22, 8080, 53];

/** A client address for witnesses from outside (documentation ranges, RFC 5737 / RFC 3849). */
const WITNESS_CLIENT: Record<Family, bigint> = { ipv4: 0xcb007107n, ipv6: (0x20010db8n << 96n) | 0x7n };

function pick(set: IntervalSet<number>, preferred: readonly number[]): number {
  for (const value of preferred) if (set.has(value)) return value;
  return set.first ?? 0;
}

/**
 * Addresses to show in witnesses, in order of preference. A host has
 * thousands of container addresses and a set has a few ranges, so the first
 * preferred address of a set is found by a binary search per range.
 */
class PreferredAddresses {
  private readonly values: bigint[] = [];
  private readonly ranks: number[] = [];

  constructor(preferred: readonly bigint[]) {
    const rank = new Map<bigint, number>();
    preferred.forEach((value, index) => {
      if (!rank.has(value)) rank.set(value, index);
    });
    for (const [value, index] of [...rank].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      this.values.push(value);
      this.ranks.push(index);
    }
  }

  firstIn(set: IntervalSet<bigint>): bigint | undefined {
    let best: number | undefined;
    for (const [lo, hi] of set.ranges()) {
      let left = 0;
      let right = this.values.length;
      while (left < right) {
        const mid = (left + right) >> 1;
        if ((this.values[mid] as bigint) < lo) left = mid + 1;
        else right = mid;
      }
      for (let i = left; i < this.values.length && (this.values[i] as bigint) <= hi; i++) {
        if (best === undefined || (this.ranks[i] as number) < (this.ranks[best] as number)) best = i;
      }
    }
    return best === undefined ? undefined : this.values[best];
  }
}

function pickAddress(set: IntervalSet<bigint>, preferred: PreferredAddresses): bigint {
  const known = preferred.firstIn(set);
  if (known !== undefined) return known;
  // Skip a network address (…0) when the set offers more.
  const [first, second] = [set.first, set.ranges()[0]];
  if (first !== undefined && second && second[1] > first && (first & 0xffn) === 0n) return first + 1n;
  return first ?? 0n;
}

/** One concrete packet of a box, preferring TCP, well-known ports and known container addresses. */
function pointOf(box: Box, family: Family, preferredAddresses: PreferredAddresses): Box {
  const proto = pick(box.proto, [6, 17, family === 'ipv4' ? 1 : 58]);
  const ports = PORT_PROTOCOLS.has(proto);
  const dst = pickAddress(box.dst, preferredAddresses);
  // A packet from an address to itself never leaves the sender: pick two different ones.
  const others = box.src.subtract(IntervalSet.of(dst));
  const src = pickAddress(others.isEmpty ? box.src : others, preferredAddresses);
  return pointBox({
    src,
    dst,
    proto,
    sport: ports ? pick(box.sport, [40000]) : 0,
    dport: ports ? pick(box.dport, PREFERRED_PORTS) : 0,
    icmp: box.icmp.first ?? 0,
  });
}

function rulesOf(steps: readonly TraceStep[] | null): Rule[] {
  return (steps ?? []).flatMap((step) => (step.rule ? [step.rule] : []));
}

/** The last verdict on a path (ACCEPT, DROP, REJECT, or a policy) in a filtering table. */
function decision(steps: readonly TraceStep[] | null): Pick<Witness, 'decidedBy' | 'decidedByPolicy'> {
  const list = steps ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const step = list[i] as TraceStep;
    if (!['filter', 'raw', 'mangle', 'security'].includes(step.table)) continue;
    if (step.rule && /^(ACCEPT|DROP|REJECT)/.test(step.action)) return { decidedBy: step.rule };
    const policy = /^policy (\w+)/.exec(step.action);
    if (!step.rule && policy && policy[1] !== 'ACCEPT') return { decidedByPolicy: { table: step.table, chain: step.chain, policy: policy[1] as string } };
    if (!step.rule && policy && step.table === 'filter') return { decidedByPolicy: { table: step.table, chain: step.chain, policy: 'ACCEPT' } };
  }
  return {};
}

export function packetOf(point: Box, family: Family, origin: Endpoint): WitnessPacket {
  const proto = point.proto.first ?? 0;
  const packet: WitnessPacket = {
    family,
    src: formatAddr(point.src.first ?? 0n, family),
    dst: formatAddr(point.dst.first ?? 0n, family),
    proto: protocolName(proto),
  };
  if (origin.kind === 'container') packet.in = origin.bridge;
  if (origin.kind === 'outside') packet.in = origin.iface;
  if (PORT_PROTOCOLS.has(proto)) {
    packet.sport = point.sport.first ?? 0;
    packet.dport = point.dport.first ?? 0;
  }
  return packet;
}

const preferredByHost = new WeakMap<Host, Partial<Record<Family, PreferredAddresses>>>();

/** Known container addresses, then the uplinks' addresses, then a documentation client. */
function preferredAddresses(host: Host, family: Family): PreferredAddresses {
  let byFamily = preferredByHost.get(host);
  if (!byFamily) preferredByHost.set(host, (byFamily = {}));
  let preferred = byFamily[family];
  if (!preferred) {
    const known = host.containers.flatMap((container) => container.endpoints.map((endpoint) => (family === 'ipv4' ? endpoint.ipv4 : endpoint.ipv6))).filter((value): value is bigint => value !== undefined);
    const uplinks = host.topology.uplinks.flatMap((name) => host.topology.interfaces.get(name)?.addresses.filter((address) => address.family === family).map((address) => address.value) ?? []);
    preferred = byFamily[family] = new PreferredAddresses([...known, ...uplinks, WITNESS_CLIENT[family]]);
  }
  return preferred;
}

/** Traces one concrete packet of `box` from `origin`: its rule path, and the reply's. */
export function witnessOf(host: Host, family: Family, origin: Endpoint, box: Box, services: Services): Witness {
  const point = pointOf(box, family, preferredAddresses(host, family));
  const outcome = connect(host, { family, box: point, origin, services, trace: true });
  const packet = packetOf(point, family, origin);
  const open = outcome.open[0];
  const hinged = [...outcome.open.map((entry) => entry.request), ...outcome.closed.map((entry) => entry.flow)].some((flow) => flow.hinges.length > 0);
  if (open) {
    const request = open.request;
    const witness: Witness = {
      packet,
      result: hinged || outcome.closed.length > 0 ? 'depends' : 'open',
      request: hops(request.steps),
      reply: hops(open.reply.steps),
      rules: [...rulesOf(request.steps), ...rulesOf(open.reply.steps)],
    };
    Object.assign(witness, decision(request.steps));
    if (open.proxy) witness.why = `answered by docker-proxy (${open.proxy.listener.hostIp || '*'}:${open.proxy.listener.hostPort}/${open.proxy.listener.proto}) for ${open.proxy.listener.container}`;
    return witness;
  }
  const failed = outcome.closed[0] ?? outcome.undecided[0];
  const witness: Witness = { packet, result: outcome.undecided.length > 0 || hinged ? 'depends' : 'closed', request: [], rules: [] };
  if (failed) {
    witness.why = `${failed.stage}: ${failed.why}`;
    const requestSteps = failed.request ? failed.request.steps : failed.flow.steps;
    witness.request = hops(requestSteps);
    if (failed.request) witness.reply = hops(failed.flow.steps);
    witness.rules = [...rulesOf(requestSteps), ...(failed.request ? rulesOf(failed.flow.steps) : [])];
    Object.assign(witness, decision(failed.flow.steps));
  }
  return witness;
}

// ---------------------------------------------------------------------------
// Describing packet sets

function protoLabel(set: IntervalSet<number>): string {
  const all: IntervalSet<number> = IntervalSet.of(0, 255);
  if (set.equals(all)) return 'any protocol';
  const names = (values: IntervalSet<number>): string[] => values.ranges().flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => protocolName(lo + i)));
  if (set.size() <= 3n) return names(set).join('/');
  const missing = all.subtract(set);
  if (missing.size() <= 3n) return `any protocol but ${names(missing).join('/')}`;
  return `protocols ${describeNumSet(set, all)}`;
}

/** `tcp 80,443 → 172.18.0.2 (web1)`, one line per box. */
export function describeBoxes(host: Host, family: Family, boxes: readonly Box[], label?: (set: IntervalSet<bigint>) => string | undefined, limit = 4): string[] {
  const lines = boxes.slice(0, limit).map((box) => {
    const proto = protoLabel(box.proto);
    const onlyPorts = box.proto.ranges().every(([lo, hi]) => {
      for (let p = lo; p <= hi; p++) if (!PORT_PROTOCOLS.has(p)) return false;
      return true;
    });
    const ports = onlyPorts && !box.dport.equals(IntervalSet.full(PORTS)) ? ` port ${describeNumSet(box.dport, IntervalSet.full(PORTS))}` : '';
    const single = box.dst.single;
    const owner = single === undefined ? undefined : containerAt(host, family, single)?.container.name;
    const dst = single !== undefined ? `${formatAddr(single, family)}${owner ? ` (${owner})` : ''}` : (label?.(box.dst) ?? describeAddrSet(box.dst, family));
    return `${proto}${ports} → ${dst}`;
  });
  if (boxes.length > limit) lines.push(`… ${boxes.length - limit} more`);
  return lines;
}
