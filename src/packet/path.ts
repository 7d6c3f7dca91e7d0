/**
 * The netfilter path of a packet through the host, hook by hook, with the
 * routing decisions between them (net/ipv4/ip_input.c, ip_forward.c,
 * ip_output.c; net/bridge/br_netfilter_hooks.c for bridged frames):
 *
 *   arriving:  PREROUTING → route → INPUT → local socket
 *                                 → FORWARD → POSTROUTING → out
 *   local:     route → OUTPUT → (re-route after DNAT) → POSTROUTING → out
 *                                                                    ↳ lo: PREROUTING → INPUT
 *   bridged (br_netfilter on): PREROUTING → FORWARD (in = out = bridge) → POSTROUTING
 *   bridged (br_netfilter off): no iptables hook at all.
 */
import { specialBlocks } from './address.js';
import { runTable, type Ruleset, type TableOutcome } from './evaluator.js';
import { addStep, fork, headerAddr, withBox, type Flow } from './flow.js';
import { HOOK_TABLES, isDstManipHook, isSrcManipHook, type Hook } from './hooks.js';
import { splitHeaderAddr } from './match.js';
import { compactSet, withAddr } from './packet-set.js';
import { describeRouteTarget, routeMap, type RouteTarget } from './topology.js';

export interface PathOutcome {
  /** Delivered to a socket on the host (after INPUT). */
  local: Flow[];
  /** Sent out of `flow.out` (after POSTROUTING, or bridged without iptables). */
  egress: Flow[];
  /** Dropped or rejected by a rule or a policy. */
  dropped: Flow[];
  /** The verdict is decided outside the ruleset (QUEUE, NFQUEUE, missing chain). */
  undecided: Flow[];
  /** No route, forwarding disabled, or a martian the kernel discards. */
  unroutable: Flow[];
}

function emptyOutcome(): PathOutcome {
  return { local: [], egress: [], dropped: [], undecided: [], unroutable: [] };
}

function merge(into: PathOutcome, from: PathOutcome): void {
  into.local.push(...from.local);
  into.egress.push(...from.egress);
  into.dropped.push(...from.dropped);
  into.undecided.push(...from.undecided);
  into.unroutable.push(...from.unroutable);
}

interface HookOptions {
  /** Conntrack already set up NAT for this connection (looped-back packets): the nat table is not consulted. */
  skipNat?: boolean;
}

/** Runs every table registered at a hook, in priority order. */
export function runHook(ruleset: Ruleset, hook: Hook, flows: Flow[], options: HookOptions = {}): TableOutcome {
  let passing = flows;
  const dropped: Flow[] = [];
  const undecided: Flow[] = [];
  for (const table of HOOK_TABLES[hook]) {
    if (passing.length === 0) break;
    if (table === 'nat') {
      // Only a connection's first packet traverses the nat table (nf_nat_inet_fn);
      // later packets get the recorded binding applied.
      const first = options.skipNat ? [] : passing.filter((flow) => flow.state === 'NEW');
      const others = options.skipNat ? passing : passing.filter((flow) => flow.state !== 'NEW');
      const outcome = runTable(ruleset, 'nat', hook, first);
      dropped.push(...outcome.dropped);
      undecided.push(...outcome.undecided);
      passing = [...outcome.accepted, ...others].map((flow) =>
        flow.state === 'UNTRACKED' ? flow : isDstManipHook(hook) ? { ...flow, dstManipDone: true } : isSrcManipHook(hook) ? { ...flow, srcManipDone: true } : flow,
      );
      continue;
    }
    // A table without this hook's chain accepts everything (runTable would say so, after copying every flow for raw).
    if (!ruleset.model.tables.get(table)?.chains.has(hook)) continue;
    const input = table === 'raw' ? passing.map((flow) => ({ ...flow, beforeConntrack: true })) : passing;
    const outcome = runTable(ruleset, table, hook, input);
    const clear = (list: Flow[]): Flow[] => (table === 'raw' ? list.map((flow) => ({ ...flow, beforeConntrack: false })) : list);
    dropped.push(...clear(outcome.dropped));
    undecided.push(...clear(outcome.undecided));
    passing = clear(outcome.accepted);
  }
  return { accepted: coalesce(passing), dropped, undecided };
}

function flowKey(flow: Flow): string {
  const binding = (nat: Flow['dnat']): string => (nat ? `${nat.rule.id}:${nat.addr ?? ''}:${nat.port ?? ''}` : '');
  const hinges = flow.hinges.map((hinge) => `${hinge.rule.id}${hinge.matched ? '+' : '-'}`).join(',');
  return [flow.in, flow.out, flow.state, flow.dir, flow.tcp, binding(flow.dnat), binding(flow.snat), flow.dstManipDone, flow.srcManipDone, flow.bridged, flow.beforeConntrack, flow.mark, flow.tag, hinges].join('|');
}

/**
 * Rules split boxes (a hairpin MASQUERADE for one container address cuts a
 * network-wide box into pieces); pieces that went the same way are merged
 * back, so later hooks meet a few flows instead of many fragments.
 * Traced flows are left alone: their step lists differ.
 */
export function coalesce(flows: Flow[]): Flow[] {
  if (flows.length < 8) return flows;
  const groups = new Map<string, Flow[]>();
  for (const flow of flows) {
    if (flow.steps) return flows;
    const key = flowKey(flow);
    const group = groups.get(key);
    if (group) group.push(flow);
    else groups.set(key, [flow]);
  }
  if (groups.size === flows.length) return flows;
  const out: Flow[] = [];
  for (const group of groups.values()) {
    const first = group[0] as Flow;
    if (group.length === 1) out.push(first);
    else for (const box of compactSet(group.map((flow) => flow.box))) out.push(withBox(first, box));
  }
  return out;
}

function routingStep(flow: Flow, target: RouteTarget): void {
  addStep(flow, { table: 'routing', chain: '', action: describeRouteTarget(target, flow.family) });
}

/** Splits flows by the route of their current destination. */
export function routeFlows(ruleset: Ruleset, flows: Flow[]): { target: RouteTarget; flow: Flow }[] {
  const map = routeMap(ruleset.topology, ruleset.family);
  const out: { target: RouteTarget; flow: Flow }[] = [];
  for (const flow of flows) {
    const ref = headerAddr(flow, 'dst');
    if (ref.kind === 'const') {
      const target: RouteTarget = ref.value === null ? { kind: 'unreachable' } : map.lookup(ref.value);
      out.push({ target, flow });
      continue;
    }
    const field = ref.field as 'src' | 'dst';
    const pieces = map.split(flow.box[field]);
    for (const piece of pieces) out.push({ target: piece.target, flow: pieces.length === 1 ? flow : withBox(flow, withAddr(flow.box, field, piece.set)) });
  }
  return out;
}

function noRoute(flow: Flow, why: string): Flow {
  const copy = fork(flow);
  addStep(copy, { table: 'routing', chain: '', action: why });
  return copy;
}

/** After PREROUTING: route to a local socket (INPUT) or forward (FORWARD, POSTROUTING). */
function afterPrerouting(ruleset: Ruleset, flows: Flow[]): PathOutcome {
  const outcome = emptyOutcome();
  const local: Flow[] = [];
  const forwarded: Flow[] = [];
  for (const { target, flow } of routeFlows(ruleset, flows)) {
    if (target.kind === 'unreachable') outcome.unroutable.push(noRoute(flow, 'no route to the destination'));
    else if (target.kind === 'local') {
      const copy = fork(flow);
      routingStep(copy, target);
      local.push(copy);
    } else if (!ruleset.topology.forwarding[ruleset.family]) {
      outcome.unroutable.push(noRoute(flow, `forwarding is disabled for ${ruleset.family === 'ipv4' ? 'IPv4' : 'IPv6'}`));
    } else {
      const copy = fork(flow, { out: target.iface });
      routingStep(copy, target);
      forwarded.push(copy);
    }
  }
  const input = runHook(ruleset, 'INPUT', local);
  outcome.local.push(...input.accepted);
  outcome.dropped.push(...input.dropped);
  outcome.undecided.push(...input.undecided);
  merge(outcome, forwardAndPost(ruleset, forwarded));
  return outcome;
}

function forwardAndPost(ruleset: Ruleset, flows: Flow[]): PathOutcome {
  const outcome = emptyOutcome();
  const forward = runHook(ruleset, 'FORWARD', flows);
  outcome.dropped.push(...forward.dropped);
  outcome.undecided.push(...forward.undecided);
  const post = runHook(ruleset, 'POSTROUTING', forward.accepted);
  outcome.egress.push(...post.accepted);
  outcome.dropped.push(...post.dropped);
  outcome.undecided.push(...post.undecided);
  return outcome;
}

/** A packet received on `flow.in` and routed by the host (not bridged between two ports). */
export function arriving(ruleset: Ruleset, flows: Flow[]): PathOutcome {
  const outcome = emptyOutcome();
  const pre = runHook(ruleset, 'PREROUTING', flows);
  outcome.dropped.push(...pre.dropped);
  outcome.undecided.push(...pre.undecided);
  merge(outcome, afterPrerouting(ruleset, pre.accepted));
  return outcome;
}

/**
 * A frame the bridge `flow.in` forwards from one port to another. With
 * br_netfilter the IP hooks see it (in = out = the bridge); a DNAT that sends
 * it elsewhere turns it into a routed packet (br_nf_pre_routing_finish).
 */
export function bridgedFrame(ruleset: Ruleset, flows: Flow[]): PathOutcome {
  const outcome = emptyOutcome();
  if (!ruleset.topology.brNetfilter[ruleset.family]) {
    for (const flow of flows) {
      const copy = fork(flow, { out: flow.in });
      addStep(copy, { table: 'bridge', chain: '', action: `bridged on ${flow.in} without iptables (bridge-nf-call-${ruleset.family === 'ipv4' ? 'iptables' : 'ip6tables'}=0)` });
      outcome.egress.push(copy);
    }
    return outcome;
  }
  const pre = runHook(ruleset, 'PREROUTING', flows.map((flow) => ({ ...flow, out: '' })));
  outcome.dropped.push(...pre.dropped);
  outcome.undecided.push(...pre.undecided);
  const stayBridged: Flow[] = [];
  const rerouted: Flow[] = [];
  for (const flow of pre.accepted) {
    if (flow.dir === 'original' && flow.dnat) rerouted.push(flow);
    else stayBridged.push(flow);
  }
  for (const { target, flow } of routeFlows(ruleset, rerouted)) {
    if (target.kind === 'iface' && target.iface === flow.in) stayBridged.push(flow);
    else merge(outcome, afterPrerouting(ruleset, [flow]));
  }
  merge(
    outcome,
    forwardAndPost(
      ruleset,
      stayBridged.map((flow) => {
        const copy = fork(flow, { out: flow.in, bridged: true });
        addStep(copy, { table: 'bridge', chain: '', action: `bridged on ${flow.in} (br_netfilter)` });
        return copy;
      }),
    ),
  );
  return outcome;
}

/** A packet sent by a process on the host. */
export function locallyGenerated(ruleset: Ruleset, flows: Flow[]): PathOutcome {
  const outcome = emptyOutcome();
  const routed: Flow[] = [];
  for (const { target, flow } of routeFlows(ruleset, flows.map((f) => ({ ...f, in: '' })))) {
    if (target.kind === 'unreachable') outcome.unroutable.push(noRoute(flow, 'no route to the destination'));
    else {
      const copy = fork(flow, { out: target.kind === 'local' ? 'lo' : target.iface });
      routingStep(copy, target);
      routed.push(copy);
    }
  }
  const output = runHook(ruleset, 'OUTPUT', routed);
  outcome.dropped.push(...output.dropped);
  outcome.undecided.push(...output.undecided);
  // A DNAT in OUTPUT changes the destination: the packet is routed again (ip_route_me_harder).
  const ready: Flow[] = [];
  for (const flow of output.accepted) {
    if (!(flow.dir === 'original' && flow.dnat && flow.state !== 'UNTRACKED')) {
      ready.push(flow);
      continue;
    }
    for (const { target, flow: part } of routeFlows(ruleset, [flow])) {
      if (target.kind === 'unreachable') outcome.unroutable.push(noRoute(part, 'no route to the new destination'));
      else {
        const copy = fork(part, { out: target.kind === 'local' ? 'lo' : target.iface });
        routingStep(copy, target);
        ready.push(copy);
      }
    }
  }
  // A 127/8 source may only leave through lo unless route_localnet is set on the interface.
  const checked: Flow[] = [];
  const loopback = specialBlocks(ruleset.family).loopback;
  for (const flow of ready) {
    if (ruleset.family !== 'ipv4' || flow.out === 'lo' || ruleset.topology.routeLocalnet.has(flow.out)) {
      checked.push(flow);
      continue;
    }
    const split = splitHeaderAddr(flow, 'src', loopback);
    checked.push(...split.no);
    for (const part of split.yes) outcome.unroutable.push(noRoute(part, `127.0.0.0/8 source cannot leave through ${flow.out} (route_localnet=0)`));
  }
  const post = runHook(ruleset, 'POSTROUTING', checked);
  outcome.dropped.push(...post.dropped);
  outcome.undecided.push(...post.undecided);
  const looped: Flow[] = [];
  for (const flow of post.accepted) (flow.out === 'lo' ? looped : outcome.egress).push(flow);
  if (looped.length > 0) {
    // Looped back through lo: received again, PREROUTING and INPUT with in = lo; NAT is already set up.
    const pre = runHook(
      ruleset,
      'PREROUTING',
      looped.map((flow) => ({ ...flow, in: 'lo', out: '' })),
      { skipNat: true },
    );
    outcome.dropped.push(...pre.dropped);
    outcome.undecided.push(...pre.undecided);
    const input = runHook(ruleset, 'INPUT', pre.accepted, { skipNat: true });
    outcome.local.push(...input.accepted);
    outcome.dropped.push(...input.dropped);
    outcome.undecided.push(...input.undecided);
  }
  return outcome;
}

