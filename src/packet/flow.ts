/**
 * A Flow is a set of packets (a Box of original-direction tuples) travelling
 * one path through netfilter, together with the per-path facts that are a
 * single value for all of them: interfaces, conntrack state, direction,
 * NAT bindings, mark, and the "may match" decisions taken on the way.
 *
 * The box always holds the connection's ORIGINAL tuple, as conntrack does;
 * the header a rule sees is derived from it (`headerAddr`, `headerPort`):
 * which NAT has been applied depends on the direction and on whether the
 * packet has passed the NAT hook yet — in the kernel the destination is
 * rewritten at PREROUTING/OUTPUT (nf_nat_ipv4_pre_routing/local_fn) and the
 * source at POSTROUTING/INPUT (nf_nat_ipv4_out/local_in), for both
 * directions, replies getting the inverse mapping.
 */
import type { Family } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';
import type { AddrField, Box } from './packet-set.js';

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
export type Direction = 'original' | 'reply';

/** Which TCP packet of the handshake this is: the flags `--syn`/`--tcp-flags` see. */
export type TcpPacket = 'syn' | 'synack' | 'ack';

export interface NatBinding {
  target: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' | 'NETMAP';
  /** Address written into the packet; null when it cannot be known (MASQUERADE on an interface of unknown address, NETMAP). */
  addr: bigint | null;
  /** Port written into the packet; absent: the port is kept. */
  port?: number;
  rule: Rule;
}

/** A "may match" decision: the rule's outcome could not be computed, both branches are followed. */
export interface Hinge {
  rule: Rule;
  matched: boolean;
  why: string;
}

export interface TraceStep {
  table: string;
  chain: string;
  /** 1-based position in the chain (as `-j TRACE` prints it); absent for policy steps. */
  ruleNumber?: number;
  /** Source line of the rule in the dump. */
  ruleLine?: number;
  ruleText?: string;
  /** What happened: `ACCEPT`, `DROP`, `jump DOCKER`, `return`, `policy DROP`, `DNAT 172.17.0.2:80`, `may match: …`. */
  action: string;
  rule?: Rule;
}

export interface Flow {
  family: Family;
  box: Box;
  /** Input interface name, '' when there is none (locally generated). */
  in: string;
  /** Output interface name, '' before the routing decision. */
  out: string;
  state: CtState;
  dir: Direction;
  tcp: TcpPacket;
  dnat?: NatBinding;
  snat?: NatBinding;
  /** The destination-manipulating NAT hook (PREROUTING / OUTPUT) has been passed. */
  dstManipDone: boolean;
  /** The source-manipulating NAT hook (POSTROUTING / INPUT) has been passed. */
  srcManipDone: boolean;
  /** A frame forwarded between two ports of one bridge (br_netfilter). */
  bridged: boolean;
  /** In the raw table: conntrack has not looked at the packet yet, so a state match sees INVALID. */
  beforeConntrack: boolean;
  /** nfmark; null when unknown (restored from a connmark the model does not track). */
  mark: number | null;
  hinges: readonly Hinge[];
  /** Recorded only when tracing. */
  steps: TraceStep[] | null;
  /** Caller's bookkeeping, kept through splits (which request a batched reply belongs to). */
  tag: number;
  /** The last rule that gave this packet a verdict (ACCEPT, DROP, REJECT), recorded even when not tracing. */
  verdictRule?: Rule;
}

export type HeaderRef<T> = { kind: 'field'; field: AddrField | 'sport' | 'dport' } | { kind: 'const'; value: T | null };

// Field references are shared: header lookups run for every rule a flow meets.
const FIELD = {
  src: { kind: 'field', field: 'src' },
  dst: { kind: 'field', field: 'dst' },
  sport: { kind: 'field', field: 'sport' },
  dport: { kind: 'field', field: 'dport' },
} as const;

/** Where the packet's current source or destination address comes from. */
export function headerAddr(flow: Flow, which: 'src' | 'dst'): HeaderRef<bigint> {
  if (flow.dir === 'original') {
    if (which === 'src') return flow.srcManipDone && flow.snat ? { kind: 'const', value: flow.snat.addr } : FIELD.src;
    return flow.dstManipDone && flow.dnat ? { kind: 'const', value: flow.dnat.addr } : FIELD.dst;
  }
  // Reply: source is the responder (the DNAT target until POSTROUTING/INPUT undoes it),
  // destination is the client (the SNAT address until PREROUTING/OUTPUT undoes it).
  if (which === 'src') return !flow.srcManipDone && flow.dnat ? { kind: 'const', value: flow.dnat.addr } : FIELD.dst;
  return !flow.dstManipDone && flow.snat ? { kind: 'const', value: flow.snat.addr } : FIELD.src;
}

export function headerPort(flow: Flow, which: 'sport' | 'dport'): HeaderRef<number> {
  if (flow.dir === 'original') {
    if (which === 'sport') return flow.srcManipDone && flow.snat?.port !== undefined ? { kind: 'const', value: flow.snat.port } : FIELD.sport;
    return flow.dstManipDone && flow.dnat?.port !== undefined ? { kind: 'const', value: flow.dnat.port } : FIELD.dport;
  }
  if (which === 'sport') return !flow.srcManipDone && flow.dnat?.port !== undefined ? { kind: 'const', value: flow.dnat.port } : FIELD.dport;
  return !flow.dstManipDone && flow.snat?.port !== undefined ? { kind: 'const', value: flow.snat.port } : FIELD.sport;
}

/** Conntrack tuple fields (`--ctorigsrc`, `--ctrepldstport`…): fixed per connection, whatever the direction. */
export function ctAddr(flow: Flow, which: 'origSrc' | 'origDst' | 'replSrc' | 'replDst'): HeaderRef<bigint> {
  switch (which) {
    case 'origSrc':
      return { kind: 'field', field: 'src' };
    case 'origDst':
      return { kind: 'field', field: 'dst' };
    case 'replSrc':
      return flow.dnat ? { kind: 'const', value: flow.dnat.addr } : { kind: 'field', field: 'dst' };
    case 'replDst':
      return flow.snat ? { kind: 'const', value: flow.snat.addr } : { kind: 'field', field: 'src' };
  }
}

export function ctPort(flow: Flow, which: 'origSport' | 'origDport' | 'replSport' | 'replDport'): HeaderRef<number> {
  switch (which) {
    case 'origSport':
      return { kind: 'field', field: 'sport' };
    case 'origDport':
      return { kind: 'field', field: 'dport' };
    case 'replSport':
      return flow.dnat?.port !== undefined ? { kind: 'const', value: flow.dnat.port } : { kind: 'field', field: 'dport' };
    case 'replDport':
      return flow.snat?.port !== undefined ? { kind: 'const', value: flow.snat.port } : { kind: 'field', field: 'sport' };
  }
}

/** ICMP query types and the reply conntrack expects (nf_conntrack_proto_icmp.c `invmap`). */
export const ICMP_REPLY: ReadonlyMap<number, number> = new Map([
  [8, 0],
  [13, 14],
  [15, 16],
  [17, 18],
]);
export const ICMPV6_REPLY: ReadonlyMap<number, number> = new Map([
  [128, 129],
  [130, 131],
]);

export interface FlowStart {
  family: Family;
  box: Box;
  in: string;
  out?: string;
  state: CtState;
  dir?: Direction;
  tcp?: TcpPacket;
  dnat?: NatBinding;
  snat?: NatBinding;
  trace?: boolean;
}

export function newFlow(start: FlowStart): Flow {
  const dir = start.dir ?? 'original';
  const flow: Flow = {
    family: start.family,
    box: start.box,
    in: start.in,
    out: start.out ?? '',
    state: start.state,
    dir,
    tcp: start.tcp ?? (start.state === 'NEW' ? 'syn' : dir === 'reply' ? 'synack' : 'ack'),
    dstManipDone: false,
    srcManipDone: false,
    bridged: false,
    beforeConntrack: false,
    mark: 0,
    hinges: [],
    steps: start.trace ? [] : null,
    tag: -1,
  };
  if (start.dnat) flow.dnat = start.dnat;
  if (start.snat) flow.snat = start.snat;
  return flow;
}

export function withBox(flow: Flow, box: Box): Flow {
  return box === flow.box ? flow : { ...flow, box, steps: flow.steps ? [...flow.steps] : null };
}

/** A copy whose step list can be appended to without touching the original's. */
export function fork(flow: Flow, changes: Partial<Flow> = {}): Flow {
  return { ...flow, steps: flow.steps ? [...flow.steps] : null, ...changes };
}

export function addStep(flow: Flow, step: TraceStep): void {
  flow.steps?.push(step);
}
