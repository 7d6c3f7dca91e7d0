/**
 * A connection, as the kernel lets one happen: the first packet (NEW) must be
 * delivered and answered, the reply (ESTABLISHED, travelling back with its
 * NAT undone by conntrack) must reach the client, and for TCP the client's
 * following packets (ESTABLISHED, original direction) must pass too. Docker's
 * isolation chains run before its conntrack ACCEPT, so a reply can be dropped
 * while the request was accepted: only the full exchange counts as open.
 *
 * Published ports answered by docker-proxy are two connections: client →
 * host socket, then host → container.
 */
import type { Family } from '../../grammar/ast.js';
import { parse } from '../../grammar/index.js';
import { buildModel } from '../model/build.js';
import { formatAddr } from './address.js';
import { makeRuleset, type Ruleset } from './evaluator.js';
import { headerAddr, newFlow, withBox, type Flow } from './flow.js';
import { containerAt, egressEndpoint, isDocker28OrLater, type Host, type ProxyListener } from './host.js';
import { IntervalSet } from './intervals.js';
import { splitByConditions, splitHeaderAddr } from './match.js';
import type { Box } from './packet-set.js';
import { arriving, bridgedFrame, locallyGenerated, type PathOutcome } from './path.js';
import type { Services } from './services.js';
import { neighboursOf, routeMap } from './topology.js';

/** Where a client or server sits, seen from the host. */
export type Endpoint =
  | { kind: 'host' }
  /** Behind a bridge; `container` when the address belongs to a known container. */
  | { kind: 'container'; bridge: string; container?: string; network?: string }
  /** Beyond a non-bridge interface (an uplink). */
  | { kind: 'outside'; iface: string };

export interface ConnectionQuery {
  family: Family;
  /** Original-direction tuples: one packet (a point box) or a whole space. */
  box: Box;
  origin: Endpoint;
  services: Services;
  trace?: boolean;
}

export type Stage = 'request' | 'service' | 'reply' | 'established' | 'proxy';

export interface OpenConnection {
  /** The first packet as delivered (its box restricted to the tuples whose whole exchange works). */
  request: Flow;
  endpoint: Endpoint;
  reply: Flow;
  established?: Flow;
  proxy?: { listener: ProxyListener; back: OpenConnection };
}

export interface ClosedConnection {
  /** The packet that did not get through (request, reply, or the client's next packet). */
  flow: Flow;
  stage: Stage;
  why: string;
  endpoint?: Endpoint;
  /** For a failed reply or follow-up: the request that had got through. */
  request?: Flow;
}

export interface ConnectionOutcome {
  open: OpenConnection[];
  closed: ClosedConnection[];
  /** The verdict is taken outside the ruleset (QUEUE, NFQUEUE, a missing chain). */
  undecided: ClosedConnection[];
}

const emptyRulesets = new WeakMap<Host, Partial<Record<Family, Ruleset>>>();

/** The family's ruleset; a family without a dump runs no rules at all. */
export function rulesetOf(host: Host, family: Family): Ruleset {
  const given = host.rulesets[family];
  if (given) return given;
  const cached = emptyRulesets.get(host) ?? {};
  let empty = cached[family];
  if (!empty) {
    empty = makeRuleset(buildModel(parse('', { family })), host.topology);
    cached[family] = empty;
    emptyRulesets.set(host, cached);
  }
  return empty;
}

function isBridge(host: Host, iface: string): boolean {
  return host.topology.interfaces.get(iface)?.kind === 'bridge';
}

/** Sends flows into the host from where the sender sits. */
export function enter(host: Host, ruleset: Ruleset, origin: Endpoint, flows: Flow[]): PathOutcome {
  if (origin.kind === 'host') return locallyGenerated(ruleset, flows);
  if (origin.kind === 'outside') return arriving(ruleset, flows.map((flow) => ({ ...flow, in: origin.iface })));
  // A container talks to its own subnet over the bridge (L2), to anything else through its gateway, the host.
  const family = ruleset.family;
  const neighbours = neighboursOf(host.topology, origin.bridge, family);
  const bridged: Flow[] = [];
  const routed: Flow[] = [];
  for (const flow of flows) {
    const split = splitHeaderAddr({ ...flow, in: origin.bridge }, 'dst', neighbours);
    bridged.push(...split.yes);
    routed.push(...split.no);
  }
  const outcome = bridged.length > 0 ? bridgedFrame(ruleset, bridged) : emptyPath();
  const routedOutcome = routed.length > 0 ? arriving(ruleset, routed) : emptyPath();
  return {
    local: [...outcome.local, ...routedOutcome.local],
    egress: [...outcome.egress, ...routedOutcome.egress],
    dropped: [...outcome.dropped, ...routedOutcome.dropped],
    undecided: [...outcome.undecided, ...routedOutcome.undecided],
    unroutable: [...outcome.unroutable, ...routedOutcome.unroutable],
  };
}

function emptyPath(): PathOutcome {
  return { local: [], egress: [], dropped: [], undecided: [], unroutable: [] };
}

function lastAction(flow: Flow, fallback: string): string {
  const last = flow.steps?.[flow.steps.length - 1];
  if (!last) return fallback;
  return last.ruleLine !== undefined ? `${last.table} ${last.chain} rule ${last.ruleNumber} (line ${last.ruleLine}): ${last.action}` : `${last.table}${last.chain ? ` ${last.chain}` : ''}: ${last.action}`;
}

function failures(path: PathOutcome, stage: Stage, request?: Flow): { closed: ClosedConnection[]; undecided: ClosedConnection[] } {
  const extra = request ? { request } : {};
  return {
    closed: [
      ...path.dropped.map((flow) => ({ flow, stage, why: lastAction(flow, 'dropped by the ruleset'), ...extra })),
      ...path.unroutable.map((flow) => ({ flow, stage, why: lastAction(flow, 'not routable'), ...extra })),
    ],
    undecided: path.undecided.map((flow) => ({ flow, stage, why: lastAction(flow, 'verdict taken outside iptables'), ...extra })),
  };
}

/** Where a delivered packet ends up. */
function deliveries(host: Host, path: PathOutcome): { endpoint: Endpoint; flows: Flow[] }[] {
  const out: { endpoint: Endpoint; flows: Flow[] }[] = [];
  if (path.local.length > 0) out.push({ endpoint: { kind: 'host' }, flows: path.local });
  const byIface = new Map<string, Flow[]>();
  for (const flow of path.egress) byIface.set(flow.out, [...(byIface.get(flow.out) ?? []), flow]);
  for (const [iface, flows] of byIface) {
    out.push({ endpoint: isBridge(host, iface) ? { kind: 'container', bridge: iface } : { kind: 'outside', iface }, flows });
  }
  return out;
}

/** A later packet of the same connection: ESTABLISHED (unless untracked), not yet routed, NAT not yet applied, no mark. */
function laterPacketOf(request: Flow, trace: boolean): Flow {
  return {
    ...request,
    state: request.state === 'UNTRACKED' ? 'UNTRACKED' : 'ESTABLISHED',
    in: '',
    out: '',
    dstManipDone: false,
    srcManipDone: false,
    bridged: false,
    beforeConntrack: false,
    mark: 0,
    steps: trace ? [] : null,
  };
}

/** The reply a server sends back: same connection, other direction, NAT not yet undone. */
export function replyOf(request: Flow, trace: boolean): Flow {
  return { ...laterPacketOf(request, trace), dir: 'reply', tcp: 'synack' };
}

/** The client's next packet (TCP ACK / data): original direction, ESTABLISHED, NAT from the conntrack entry. */
function followUpOf(request: Flow, box: Box, trace: boolean): Flow {
  return { ...laterPacketOf(request, trace), box, dir: 'original', tcp: 'ack' };
}

function single(flow: Flow, which: 'src' | 'dst'): bigint | undefined {
  const ref = headerAddr(flow, which);
  if (ref.kind === 'const') return ref.value ?? undefined;
  return flow.box[ref.field as 'src' | 'dst'].single;
}

/** The interface a server behind `bridge` sends its reply from (multi-homed containers pick by route). */
function responderOrigin(host: Host, family: Family, endpoint: Endpoint, request: Flow, reply: Flow): Endpoint {
  if (endpoint.kind !== 'container') return endpoint;
  const server = single(request, 'dst');
  const client = single(reply, 'dst');
  if (server === undefined || client === undefined) return endpoint;
  const owner = containerAt(host, family, server);
  if (!owner) return endpoint;
  const egress = egressEndpoint(host, owner.container, family, client);
  return egress ? { kind: 'container', bridge: egress.bridge, container: owner.container.name, network: egress.network } : endpoint;
}

/** The reply came back to where the client is, with conntrack's NAT undone. */
function replyArrivals(host: Host, origin: Endpoint, path: PathOutcome): { arrived: Flow[]; strayed: ClosedConnection[] } {
  const arrived: Flow[] = [];
  const strayed: ClosedConnection[] = [];
  const candidates: Flow[] = [];
  if (origin.kind === 'host') {
    candidates.push(...path.local);
    for (const flow of path.egress) strayed.push({ flow, stage: 'reply', why: `the reply leaves through ${flow.out} instead of reaching the host's socket` });
  } else {
    for (const flow of path.local) strayed.push({ flow, stage: 'reply', why: 'the reply is delivered to the host instead of the client' });
    for (const flow of path.egress) {
      const right = origin.kind === 'container' ? flow.out === origin.bridge : !isBridge(host, flow.out) && flow.out !== 'lo';
      if (right) candidates.push(flow);
      else strayed.push({ flow, stage: 'reply', why: `the reply leaves through ${flow.out}, not towards the client` });
    }
  }
  for (const flow of candidates) {
    if ((flow.dnat && !flow.srcManipDone) || (flow.snat && !flow.dstManipDone)) {
      strayed.push({ flow, stage: 'reply', why: 'the reply reaches the client with the NAT not undone (it bypassed conntrack), so the client drops it' });
    } else arrived.push(flow);
  }
  return { arrived, strayed };
}

function sameDelivery(host: Host, endpoint: Endpoint, path: PathOutcome): { passed: Flow[]; strayed: Flow[] } {
  if (endpoint.kind === 'host') return { passed: path.local, strayed: path.egress };
  const passed: Flow[] = [];
  const strayed: Flow[] = [...path.local];
  for (const flow of path.egress) {
    const right = endpoint.kind === 'container' ? flow.out === endpoint.bridge : !isBridge(host, flow.out);
    (right ? passed : strayed).push(flow);
  }
  return { passed, strayed };
}

const TCP = IntervalSet.of(6);

interface Context {
  host: Host;
  query: ConnectionQuery;
  ruleset: Ruleset;
  backLegs: Map<ProxyListener, ConnectionOutcome>;
}

/**
 * Replies and follow-ups of answered requests, in batches: every reply is
 * tagged with its request, sent through the host together, and matched back.
 */
function complete(context: Context, requests: readonly Flow[], endpoint: Endpoint, outcome: ConnectionOutcome): OpenConnection[] {
  const { host, query, ruleset } = context;
  const trace = !!query.trace;
  const opened: OpenConnection[] = [];
  if (requests.length === 0) return opened;
  let replies = requests.map((request, index) => ({ ...replyOf(request, trace), tag: index }));
  if (endpoint.kind === 'outside') {
    const routes = query.services.outsideRoutes(replies, endpoint.iface);
    for (const flow of routes.no) {
      outcome.closed.push({ flow, stage: 'reply', why: `hosts beyond ${endpoint.iface} have no route back to ${describeDst(flow)}`, request: requests[flow.tag] as Flow, endpoint });
    }
    replies = routes.yes;
  }
  // Group replies by the interface their sender uses (multi-homed containers pick by route).
  const groups = new Map<string, { from: Endpoint; flows: Flow[] }>();
  for (const reply of replies) {
    const request = requests[reply.tag] as Flow;
    const from = responderOrigin(host, ruleset.family, endpoint, request, reply);
    const key = endpointKey(from);
    const group = groups.get(key) ?? { from, flows: [] };
    group.flows.push(reply);
    groups.set(key, group);
  }
  const followUps: Flow[] = [];
  const repliesByTag = new Map<number, Flow[]>();
  for (const { from, flows } of groups.values()) {
    const replyPath = enter(host, ruleset, from, flows);
    const failed = failures(replyPath, 'reply');
    for (const entry of [...failed.closed, ...failed.undecided]) entry.request = requests[entry.flow.tag] as Flow;
    outcome.closed.push(...failed.closed);
    outcome.undecided.push(...failed.undecided);
    const { arrived, strayed } = replyArrivals(host, query.origin, replyPath);
    outcome.closed.push(...strayed.map((entry) => ({ ...entry, request: requests[entry.flow.tag] as Flow, endpoint })));
    for (const back of arrived) {
      const request = requests[back.tag] as Flow;
      const openRequest = withBox(request, back.box);
      // TCP: the client's ACK and data travel as ESTABLISHED in the original direction.
      const tcp = splitByConditions([openRequest], [{ kind: 'proto', set: TCP }]);
      for (const other of tcp.unmatched) opened.push({ request: other, endpoint, reply: withBox(back, other.box) });
      for (const tcpRequest of tcp.matched) {
        const tag = followUps.length;
        followUps.push({ ...followUpOf(tcpRequest, tcpRequest.box, trace), tag });
        repliesByTag.set(tag, [withBox(back, tcpRequest.box), tcpRequest]);
      }
    }
  }
  if (followUps.length === 0) return opened;
  const estPath = enter(host, ruleset, query.origin, followUps);
  const estFailed = failures(estPath, 'established');
  for (const entry of [...estFailed.closed, ...estFailed.undecided]) entry.request = repliesByTag.get(entry.flow.tag)?.[1] as Flow;
  outcome.closed.push(...estFailed.closed);
  outcome.undecided.push(...estFailed.undecided);
  const { passed, strayed: wrong } = sameDelivery(host, endpoint, estPath);
  for (const flow of wrong) {
    outcome.closed.push({ flow, stage: 'established', why: `the client's next packet goes to ${flow.out || 'the host'} instead`, request: repliesByTag.get(flow.tag)?.[1] as Flow, endpoint });
  }
  for (const flow of passed) {
    const [reply, request] = repliesByTag.get(flow.tag) as [Flow, Flow];
    opened.push({ request: withBox({ ...request, tag: -1 }, flow.box), endpoint, reply: withBox(reply, flow.box), established: flow });
  }
  return opened;
}

function endpointKey(endpoint: Endpoint): string {
  if (endpoint.kind === 'host') return 'host';
  if (endpoint.kind === 'outside') return `outside|${endpoint.iface}`;
  return `container|${endpoint.bridge}|${endpoint.container ?? ''}|${endpoint.network ?? ''}`;
}

function describeDst(flow: Flow): string {
  const value = single(flow, 'dst');
  return value === undefined ? 'the client addresses' : formatAddr(value, flow.family);
}

/** The source the host uses towards `address` (the route's preferred source). */
function sourceFor(host: Host, family: Family, address: bigint): bigint | null {
  const target = routeMap(host.topology, family).lookup(address);
  if (target.kind === 'local') return address;
  return target.kind === 'iface' ? target.source : null;
}

function backLeg(context: Context, listener: ProxyListener): ConnectionOutcome {
  const cached = context.backLegs.get(listener);
  if (cached) return cached;
  const { host, query } = context;
  const family = listener.target.family;
  const source = sourceFor(host, family, listener.target.addr);
  const proto = listener.proto === 'tcp' ? 6 : listener.proto === 'udp' ? 17 : 132;
  const box: Box = {
    src: source === null ? IntervalSet.empty<bigint>() : IntervalSet.of(source),
    dst: IntervalSet.of(listener.target.addr),
    sport: IntervalSet.of(40000),
    dport: IntervalSet.of(listener.target.port),
    proto: IntervalSet.of(proto),
    icmp: IntervalSet.of(0),
  };
  const outcome =
    source === null
      ? { open: [], closed: [], undecided: [] }
      : connect(host, { family, box, origin: { kind: 'host' }, services: query.services, ...(query.trace ? { trace: true } : {}) });
  context.backLegs.set(listener, outcome);
  return outcome;
}

/**
 * docker-proxy's UDP socket is bound to the wildcard, so its reply leaves
 * from the route's preferred source towards the client; a client whose
 * connected socket sent to another host address drops it. Splits the
 * connections into those that work and those that do not.
 */
function udpReplySource(host: Host, connections: readonly OpenConnection[], listener: ProxyListener): { ok: OpenConnection[]; bad: OpenConnection[] } {
  // docker-proxy 28.0+ answers from the address the client sent to (IP_PKTINFO, moby#48571): fixtures/docker-28.5/published-ports.
  if (listener.proto !== 'udp' || !listener.wildcard || isDocker28OrLater(host)) return { ok: [...connections], bad: [] };
  const ok: OpenConnection[] = [];
  const bad: OpenConnection[] = [];
  const map = routeMap(host.topology, listener.family);
  const restrict = (connection: OpenConnection, flow: Flow): OpenConnection => ({ ...connection, request: withBox(connection.request, flow.box), reply: withBox(connection.reply, flow.box) });
  for (const connection of connections) {
    const { request } = connection;
    const clientRef = headerAddr(request, 'src');
    // Pieces of the client set that share one route, hence one reply source.
    const pieces: { flow: Flow; target: ReturnType<typeof map.lookup> }[] = [];
    if (clientRef.kind === 'const') pieces.push({ flow: request, target: clientRef.value === null ? { kind: 'unreachable' } : map.lookup(clientRef.value) });
    else {
      const field = clientRef.field as 'src' | 'dst';
      for (const piece of map.split(request.box[field])) pieces.push({ flow: withBox(request, { ...request.box, [field]: piece.set }), target: piece.target });
    }
    for (const { flow, target } of pieces) {
      // A local client reaches the proxy through lo: the reply's source is the address it sent to.
      if (target.kind === 'local') {
        ok.push(restrict(connection, flow));
        continue;
      }
      if (target.kind !== 'iface' || target.source === null) {
        bad.push(restrict(connection, flow));
        continue;
      }
      const split = splitHeaderAddr(flow, 'dst', IntervalSet.of(target.source));
      for (const part of split.yes) ok.push(restrict(connection, part));
      for (const part of split.no) bad.push(restrict(connection, part));
    }
  }
  return { ok, bad };
}

function atHost(context: Context, flows: Flow[], outcome: ConnectionOutcome): void {
  const { host, query } = context;
  let rest = flows;
  for (const listener of host.proxies) {
    if (listener.family !== query.family || rest.length === 0) continue;
    const proto = listener.proto === 'tcp' ? 6 : listener.proto === 'udp' ? 17 : 132;
    const split = splitByConditions(rest, [
      { kind: 'proto', set: IntervalSet.of(proto) },
      { kind: 'addr', which: 'dst', set: listener.addresses },
      { kind: 'port', which: 'dport', set: IntervalSet.of(listener.hostPort) },
    ]);
    rest = split.unmatched;
    const front = complete(context, split.matched, { kind: 'host' }, outcome);
    if (front.length > 0) {
      const back = backLeg(context, listener);
      const backOpen = back.open[0];
      const { ok, bad } = udpReplySource(host, front, listener);
      for (const connection of bad) {
        outcome.closed.push({
          flow: connection.reply,
          stage: 'reply',
          why: "docker-proxy answers UDP from its wildcard socket, so the reply's source is the route's preferred source, not the host address the client sent to; the client's connected socket drops it",
          request: connection.request,
          endpoint: { kind: 'host' },
        });
      }
      for (const connection of ok) {
        if (!backOpen) {
          const reason = back.closed[0] ?? back.undecided[0];
          outcome.closed.push({
            flow: connection.request,
            stage: 'proxy',
            why: `docker-proxy accepted the connection but cannot reach ${listener.container} (${reason ? `${reason.stage}: ${reason.why}` : 'no route'})`,
            request: connection.request,
            endpoint: { kind: 'host' },
          });
          continue;
        }
        outcome.open.push({ ...connection, proxy: { listener, back: backOpen } });
      }
    }
  }
  if (rest.length === 0) return;
  const answer = query.services.host(rest);
  for (const flow of answer.refused) outcome.closed.push({ flow, stage: 'service', why: 'nothing listens on the host at that port (connection refused)', endpoint: { kind: 'host' } });
  outcome.open.push(...complete(context, answer.answered, { kind: 'host' }, outcome));
}

/** Follows one query's packets through the host: request, reply, follow-up, proxies. */
export function connect(host: Host, query: ConnectionQuery): ConnectionOutcome {
  const ruleset = rulesetOf(host, query.family);
  const context: Context = { host, query, ruleset, backLegs: new Map() };
  const outcome: ConnectionOutcome = { open: [], closed: [], undecided: [] };
  const start = newFlow({ family: query.family, box: query.box, in: '', state: 'NEW', ...(query.trace ? { trace: true } : {}) });
  const path = enter(host, ruleset, query.origin, [start]);
  const failed = failures(path, 'request');
  outcome.closed.push(...failed.closed);
  outcome.undecided.push(...failed.undecided);
  for (const { endpoint, flows } of deliveries(host, path)) {
    if (endpoint.kind === 'host') {
      atHost(context, flows, outcome);
      continue;
    }
    const answer = endpoint.kind === 'container' ? query.services.container(flows, endpoint.bridge) : query.services.outside(flows, endpoint.iface);
    for (const flow of answer.refused) outcome.closed.push({ flow, stage: 'service', why: 'nothing answers there', endpoint });
    if (endpoint.kind !== 'container') {
      outcome.open.push(...complete(context, answer.answered, endpoint, outcome));
      continue;
    }
    // Label each request with the container it reached.
    const byContainer = new Map<string, { at: Endpoint; requests: Flow[] }>();
    for (const request of answer.answered) {
      const at = labelContainer(host, query.family, endpoint, request);
      const key = at.kind === 'container' ? `${at.container ?? ''}@${at.network ?? ''}` : '';
      const group = byContainer.get(key) ?? { at, requests: [] };
      group.requests.push(request);
      byContainer.set(key, group);
    }
    for (const { at, requests } of byContainer.values()) outcome.open.push(...complete(context, requests, at, outcome));
  }
  return outcome;
}

function labelContainer(host: Host, family: Family, endpoint: Endpoint & { kind: 'container' }, request: Flow): Endpoint {
  const address = single(request, 'dst');
  const owner = address === undefined ? undefined : containerAt(host, family, address);
  return owner ? { ...endpoint, container: owner.container.name, network: owner.endpoint.network } : endpoint;
}

/** A box holding exactly one packet. */
export function pointBox(fields: { src: bigint; dst: bigint; proto: number; sport?: number; dport?: number; icmp?: number }): Box {
  return {
    src: IntervalSet.of(fields.src),
    dst: IntervalSet.of(fields.dst),
    proto: IntervalSet.of(fields.proto),
    sport: IntervalSet.of(fields.sport ?? 0),
    dport: IntervalSet.of(fields.dport ?? 0),
    icmp: IntervalSet.of(fields.icmp ?? 0),
  };
}

