/**
 * `iptlint trace`: one packet through the ruleset, step by step, the way
 * `-j TRACE` prints it (table, chain, rule number and what it did), with
 * its verdict, the NAT rewrites, the output interface, and — for a NEW
 * packet that gets through — whether the reply gets back (the connection).
 */
import { stringifyJson } from '../formatters/json-text.js';
import type { Family } from '../../grammar/ast.js';
import { protocolNumber } from '../model/protocols.js';
import { formatAddr, parseAddress } from './address.js';
import { connect, enter, pointBox, rulesetOf, type ConnectionOutcome, type Endpoint } from './connection.js';
import { ruleText } from './evaluator.js';
import type { CtState, Flow, NatBinding, TraceStep } from './flow.js';
import { newFlow } from './flow.js';
import type { Host } from './host.js';
import { networkOfBridge } from './host.js';
import { openWorld, type Services } from './services.js';
import { subnetOf, type Topology } from './topology.js';

export type TraceVerdict = 'accepted' | 'dropped' | 'depends';

/** One packet, as `iptlint trace` and each line of `--batch` input give it. */
export interface TraceRequest {
  /** Input interface; absent: the packet is sent by the host itself. */
  in?: string;
  /** Output interface; absent: the routing table decides. */
  out?: string;
  src: string;
  dst: string;
  /** `tcp`, `udp`, `icmp`, `icmpv6`, a name from /etc/protocols or a number. */
  proto: string | number;
  sport?: number;
  dport?: number;
  /** ICMP type (number or name like `echo-request`); default echo-request. */
  icmpType?: number | string;
  state?: 'NEW' | 'ESTABLISHED' | 'RELATED';
}

export interface TraceHop {
  /** `raw`, `mangle`, `nat`, `filter`, `security`, or `routing` / `bridge` for the kernel's own decisions. */
  table: string;
  chain: string;
  /** 1-based rule number in the chain. */
  rule?: number;
  /** Line of the rule in the dump. */
  ruleLine?: number;
  ruleText?: string;
  action: string;
}

export interface NatRewrite {
  from: string;
  to: string;
  target: string;
  ruleLine: number;
  ruleText: string;
}

export interface TraceOutcome {
  verdict: TraceVerdict;
  path: TraceHop[];
  /** Where the packet went: an interface, `local` (a socket on the host), or absent when dropped. */
  out?: string;
  nat: { destination?: NatRewrite; source?: NatRewrite };
  /** Rules whose match the model could not decide, with the branch this outcome took. */
  dependsOn?: { ruleLine: number; ruleText: string; matched: boolean; why: string }[];
}

export interface TraceResult extends TraceOutcome {
  packet: Required<Pick<TraceRequest, 'src' | 'dst' | 'state'>> & { family: Family; proto: number; in?: string; out?: string; sport?: number; dport?: number; icmpType?: number };
  /** More than one outcome: the verdict hinges on "may match" rules; each branch is listed. */
  branches?: TraceOutcome[];
  /** For a NEW packet: does the reply (ESTABLISHED, NAT undone) get back to the sender? */
  reply?: TraceOutcome;
  connection?: 'open' | 'closed' | 'depends';
  /** Why the connection fails, when it does. */
  connectionNote?: string;
}

export class TraceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceInputError';
  }
}

const ICMP_TYPE_NAMES: ReadonlyMap<string, number> = new Map([
  ['echo-request', 8],
  ['ping', 8],
  ['echo-reply', 0],
  ['destination-unreachable', 3],
  ['time-exceeded', 11],
]);
const ICMPV6_TYPE_NAMES: ReadonlyMap<string, number> = new Map([
  ['echo-request', 128],
  ['ping', 128],
  ['echo-reply', 129],
  ['destination-unreachable', 1],
  ['packet-too-big', 2],
  ['time-exceeded', 3],
]);

function checkPort(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) throw new TraceInputError(`${name} must be a port number 0-65535, got ${JSON.stringify(value)}`);
  return value;
}

function normalize(request: TraceRequest): TraceResult['packet'] {
  const src = parseAddress(String(request.src ?? ''));
  const dst = parseAddress(String(request.dst ?? ''));
  if (!src) throw new TraceInputError(`src is not an IP address: ${JSON.stringify(request.src)}`);
  if (!dst) throw new TraceInputError(`dst is not an IP address: ${JSON.stringify(request.dst)}`);
  if (src.family !== dst.family) throw new TraceInputError(`src ${request.src} and dst ${request.dst} are of different families`);
  const family = src.family;
  const protoText = String(request.proto ?? '').toLowerCase();
  const proto = protoText === 'icmp' && family === 'ipv6' ? 58 : protocolNumber(protoText);
  if (proto === null || proto === 0) throw new TraceInputError(`unknown protocol ${JSON.stringify(request.proto)} (tcp, udp, icmp, or a number 1-255)`);
  const state = request.state ?? 'NEW';
  if (!['NEW', 'ESTABLISHED', 'RELATED'].includes(state)) throw new TraceInputError(`state must be NEW, ESTABLISHED or RELATED, got ${JSON.stringify(state)}`);
  const packet: TraceResult['packet'] = { family, src: formatAddr(src.value, family), dst: formatAddr(dst.value, family), proto, state };
  if (request.in !== undefined) packet.in = String(request.in);
  if (request.out !== undefined) packet.out = String(request.out);
  const ports = proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
  const sport = checkPort('sport', request.sport);
  const dport = checkPort('dport', request.dport);
  if (ports) {
    packet.sport = sport ?? 40000;
    if (dport === undefined) throw new TraceInputError('dport is required for a port protocol');
    packet.dport = dport;
  }
  if (proto === 1 || proto === 58) {
    const names = proto === 1 ? ICMP_TYPE_NAMES : ICMPV6_TYPE_NAMES;
    const raw = request.icmpType ?? 'echo-request';
    const type = typeof raw === 'number' ? raw : (names.get(String(raw).toLowerCase()) ?? Number(raw));
    if (!Number.isInteger(type) || type < 0 || type > 255) throw new TraceInputError(`unknown ICMP type ${JSON.stringify(raw)}`);
    packet.icmpType = type;
  }
  return packet;
}

/** A flow's recorded steps as the hops of a trace (also a witness's request and reply paths). */
export function hops(steps: readonly TraceStep[] | null): TraceHop[] {
  return (steps ?? []).map((step) => {
    const hop: TraceHop = { table: step.table, chain: step.chain, action: step.action };
    if (step.ruleNumber !== undefined) hop.rule = step.ruleNumber;
    if (step.ruleLine !== undefined) hop.ruleLine = step.ruleLine;
    if (step.ruleText !== undefined) hop.ruleText = step.ruleText;
    return hop;
  });
}

function endpointText(addr: bigint | null, port: number | undefined, family: Family): string {
  const address = addr === null ? '(run-time address)' : formatAddr(addr, family);
  if (port === undefined) return address;
  return family === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`;
}

function rewrite(binding: NatBinding | undefined, fromAddr: bigint | undefined, fromPort: number | undefined, family: Family): NatRewrite | undefined {
  if (!binding) return undefined;
  return {
    from: endpointText(fromAddr ?? null, fromPort, family),
    to: endpointText(binding.addr, binding.port ?? fromPort, family),
    target: binding.target,
    ruleLine: binding.rule.span.line,
    ruleText: ruleText(binding.rule),
  };
}

function outcomeOf(flow: Flow, verdict: TraceVerdict, out: string | undefined): TraceOutcome {
  const family = flow.family;
  const outcome: TraceOutcome = { verdict, path: hops(flow.steps), nat: {} };
  if (out !== undefined) outcome.out = out;
  const box = flow.box;
  const destination = flow.dir === 'original' ? rewrite(flow.dnat, box.dst.single, box.dport.single, family) : undefined;
  const source = flow.dir === 'original' ? rewrite(flow.snat, box.src.single, box.sport.single, family) : undefined;
  if (destination) outcome.nat.destination = destination;
  if (source) outcome.nat.source = source;
  if (flow.hinges.length > 0) {
    outcome.dependsOn = flow.hinges.map((hinge) => ({ ruleLine: hinge.rule.span.line, ruleText: ruleText(hinge.rule), matched: hinge.matched, why: hinge.why }));
  }
  return outcome;
}

/** Where the sender of a packet arriving on `iface` with source `src` sits. */
function originOf(host: Host, family: Family, iface: string | undefined, src: bigint): Endpoint {
  if (iface === undefined || iface === '') return { kind: 'host' };
  const info = host.topology.interfaces.get(iface);
  if (info?.kind === 'bridge' && subnetOf(host.topology, iface, family).has(src)) {
    const network = networkOfBridge(host, iface);
    return { kind: 'container', bridge: iface, ...(network ? { network: network.name } : {}) };
  }
  return { kind: 'outside', iface };
}

/** A host whose routing sends `dst` out of `out` (the request named the output interface). */
function withForcedRoute(host: Host, family: Family, dst: bigint, out: string): Host {
  const topology: Topology = { ...host.topology, routes: [...host.topology.routes, { block: { family, network: dst, bits: family === 'ipv4' ? 32 : 128 }, iface: out }] };
  if (!topology.interfaces.has(out)) {
    topology.interfaces = new Map(topology.interfaces);
    topology.interfaces.set(out, { name: out, kind: 'other', addresses: [] });
  }
  const rulesets: Host['rulesets'] = {};
  for (const key of ['ipv4', 'ipv6'] as const) {
    const ruleset = host.rulesets[key];
    if (ruleset) rulesets[key] = { ...ruleset, topology, compileContext: { ...ruleset.compileContext, topology }, compiled: new Map(), effects: ruleset.effects };
  }
  return { ...host, topology, rulesets };
}

export interface TraceOptions {
  /** Who answers (default: something always does; the trace is about the firewall). */
  services?: Services;
}

/** Traces one packet through the host's ruleset of its family. */
export function tracePacket(baseHost: Host, request: TraceRequest, options: TraceOptions = {}): TraceResult {
  const packet = normalize(request);
  const family = packet.family;
  if (!baseHost.rulesets[family]) throw new TraceInputError(`no ${family === 'ipv4' ? 'iptables' : 'ip6tables'} dump for a ${family === 'ipv4' ? 'IPv4' : 'IPv6'} packet`);
  const src = parseAddress(packet.src)?.value as bigint;
  const dst = parseAddress(packet.dst)?.value as bigint;
  const host = packet.out !== undefined && packet.out !== 'local' ? withForcedRoute(baseHost, family, dst, packet.out) : baseHost;
  const ruleset = rulesetOf(host, family);
  const box = pointBox({ src, dst, proto: packet.proto, sport: packet.sport ?? 0, dport: packet.dport ?? 0, icmp: (packet.icmpType ?? 0) << 8 });
  const origin = originOf(host, family, packet.in, src);
  const state: CtState = packet.state;
  const start = newFlow({ family, box, in: '', state, trace: true });
  const path = enter(host, ruleset, origin, [start]);
  const outcomes: TraceOutcome[] = [
    ...path.local.map((flow) => outcomeOf(flow, 'accepted', 'local')),
    ...path.egress.map((flow) => outcomeOf(flow, 'accepted', flow.out)),
    ...path.dropped.map((flow) => outcomeOf(flow, 'dropped', undefined)),
    ...path.unroutable.map((flow) => outcomeOf(flow, 'dropped', undefined)),
    ...path.undecided.map((flow) => outcomeOf(flow, 'depends', undefined)),
  ];
  const verdicts = new Set(outcomes.map((outcome) => outcome.verdict));
  const main = outcomes[0] as TraceOutcome;
  const verdict: TraceVerdict = verdicts.size === 1 ? main.verdict : 'depends';
  const result: TraceResult = { packet, ...main, verdict };
  if (outcomes.length > 1) result.branches = outcomes;
  if (state === 'NEW' && verdict !== 'dropped') addConnection(result, host, family, box, origin, options.services ?? openWorld);
  return result;
}

function addConnection(result: TraceResult, host: Host, family: Family, box: ReturnType<typeof pointBox>, origin: Endpoint, services: Services): void {
  const outcome: ConnectionOutcome = connect(host, { family, box, origin, services, trace: true });
  const hinged = [...outcome.open.map((open) => open.request), ...outcome.closed.map((closed) => closed.flow)].some((flow) => flow.hinges.length > 0);
  const open = outcome.open[0];
  const failedReply = outcome.closed.find((closed) => closed.stage !== 'request');
  if (open) {
    result.reply = outcomeOf(open.reply, 'accepted', open.reply.out || 'local');
  } else if (failedReply) {
    result.reply = outcomeOf(failedReply.flow, 'dropped', undefined);
    result.connectionNote = `${failedReply.stage}: ${failedReply.why}`;
  }
  if (outcome.undecided.length > 0 || hinged || (open && outcome.closed.length > 0)) result.connection = 'depends';
  else result.connection = open ? 'open' : 'closed';
  if (!open && !failedReply && outcome.closed[0]) result.connectionNote = `${outcome.closed[0].stage}: ${outcome.closed[0].why}`;
}

/** Keys a batch line may have. */
const BATCH_KEYS = new Set(['in', 'out', 'src', 'dst', 'proto', 'sport', 'dport', 'state', 'icmpType']);

/**
 * `iptlint trace --batch`: one JSON request per input line, one JSON result
 * per output line, in order. A bad line gives `{"line": N, "error": "…"}`.
 */
export async function* traceBatch(host: Host, lines: AsyncIterable<string>, options: TraceOptions = {}): AsyncGenerator<string> {
  let number = 0;
  for await (const raw of lines) {
    number++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TraceInputError('each line must be a JSON object');
      const unknown = Object.keys(parsed).filter((key) => !BATCH_KEYS.has(key));
      if (unknown.length > 0) throw new TraceInputError(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected ${[...BATCH_KEYS].join(' ')})`);
      yield stringifyJson({ line: number, ...tracePacket(host, parsed as TraceRequest, options) });
    } catch (error) {
      if (!(error instanceof TraceInputError) && !(error instanceof SyntaxError)) throw error;
      yield stringifyJson({ line: number, error: error.message });
    }
  }
}

