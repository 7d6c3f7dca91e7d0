/**
 * Splitting flows by a rule's conditions: the part of each flow that matches,
 * the part that does not, and whether the match was only a "may match"
 * (some condition the model cannot decide).
 */
import type { InterfacePredicate } from '../model/types.js';
import type { AddrSet } from './address.js';
import type { Condition, CompiledRule } from './conditions.js';
import { ctAddr, ctPort, fork, headerAddr, headerPort, ICMP_REPLY, ICMPV6_REPLY, withBox, type Flow, type HeaderRef } from './flow.js';
import { IntervalSet } from './intervals.js';
import { withAddr, withNum, type AddrField, type NumSet } from './packet-set.js';

interface Split {
  yes: Flow[];
  no: Flow[];
  /** The `yes` part only may match (an undecidable condition). */
  maybe: string | null;
}

/** TCP flags of each handshake packet. */
const TCP_PACKET_FLAGS = { syn: 0x02, synack: 0x12, ack: 0x10 } as const;

export function interfaceMatches(pattern: InterfacePredicate, name: string): boolean {
  const hit = pattern.wildcard ? name.startsWith(pattern.prefix) : name === pattern.name;
  return hit !== pattern.negated;
}

function all(flow: Flow, hit: boolean): Split {
  return hit ? { yes: [flow], no: [], maybe: null } : { yes: [], no: [flow], maybe: null };
}

function splitAddr(flow: Flow, ref: HeaderRef<bigint>, set: AddrSet): Split {
  if (ref.kind === 'const') {
    if (ref.value === null) return { yes: [flow], no: [], maybe: 'address chosen at run time' };
    return all(flow, set.has(ref.value));
  }
  const field = ref.field as AddrField;
  const current = flow.box[field];
  const inside = current.intersect(set);
  if (inside === current) return { yes: [flow], no: [], maybe: null };
  if (inside.isEmpty) return { yes: [], no: [flow], maybe: null };
  const outside = current.subtract(set);
  return {
    yes: inside.isEmpty ? [] : [withBox(flow, withAddr(flow.box, field, inside))],
    no: outside.isEmpty ? [] : [withBox(flow, withAddr(flow.box, field, outside))],
    maybe: null,
  };
}

function splitNum(flow: Flow, ref: HeaderRef<number>, set: NumSet): Split {
  if (ref.kind === 'const') {
    if (ref.value === null) return { yes: [flow], no: [], maybe: 'port chosen at run time' };
    return all(flow, set.has(ref.value));
  }
  const field = ref.field as 'sport' | 'dport';
  return splitField(flow, field, set);
}

function splitField(flow: Flow, field: 'sport' | 'dport' | 'proto' | 'icmp', set: NumSet): Split {
  const current = flow.box[field];
  const inside = current.intersect(set);
  if (inside === current) return { yes: [flow], no: [], maybe: null };
  if (inside.isEmpty) return { yes: [], no: [flow], maybe: null };
  const outside = current.subtract(set);
  return {
    yes: [withBox(flow, withNum(flow.box, field, inside))],
    no: outside.isEmpty ? [] : [withBox(flow, withNum(flow.box, field, outside))],
    maybe: null,
  };
}

/** The ICMP type a packet of this flow carries, in terms of the original-direction type field. */
function splitIcmp(flow: Flow, set: NumSet): Split {
  if (flow.dir === 'original') return splitField(flow, 'icmp', set);
  // A reply carries the answer to the original query type (echo-request → echo-reply).
  const replies = flow.family === 'ipv4' ? ICMP_REPLY : ICMPV6_REPLY;
  const queries = IntervalSet.fromRanges([...replies.keys()].map((type) => [type << 8, (type << 8) | 0xff] as [number, number]));
  if (!queries.covers(flow.box.icmp)) return { yes: [flow], no: [], maybe: 'reply to an ICMP message that has no reply type' };
  const ranges: [number, number][] = [];
  for (const [query, reply] of replies) {
    for (let code = 0; code < 256; code++) if (set.has((reply << 8) | code)) ranges.push([(query << 8) | code, (query << 8) | code]);
  }
  return splitField(flow, 'icmp', IntervalSet.fromRanges(ranges));
}

function stateOf(flow: Flow): string {
  // xt_conntrack on a packet without a conntrack entry yet (raw table) reports INVALID.
  return flow.beforeConntrack && flow.state !== 'UNTRACKED' ? 'INVALID' : flow.state;
}

/** Splits a flow on its current source or destination address (routing decisions, martian checks). */
export function splitHeaderAddr(flow: Flow, which: 'src' | 'dst', set: AddrSet): { yes: Flow[]; no: Flow[]; maybe: boolean } {
  const split = splitAddr(flow, headerAddr(flow, which), set);
  return { yes: split.yes, no: split.no, maybe: split.maybe !== null };
}

function evaluate(flow: Flow, condition: Condition): Split {
  switch (condition.kind) {
    case 'iface':
      return all(flow, interfaceMatches(condition.pattern, condition.dir === 'in' ? flow.in : flow.out));
    case 'addr':
      return splitAddr(flow, headerAddr(flow, condition.which), condition.set);
    case 'port':
      return splitNum(flow, headerPort(flow, condition.which), condition.set);
    case 'anyPort': {
      const bySource = splitNum(flow, headerPort(flow, 'sport'), condition.set);
      const rest = bySource.no.map((part) => splitNum(part, headerPort(part, 'dport'), condition.set));
      return {
        yes: [...bySource.yes, ...rest.flatMap((split) => split.yes)],
        no: rest.flatMap((split) => split.no),
        maybe: bySource.maybe ?? rest.find((split) => split.maybe)?.maybe ?? null,
      };
    }
    case 'proto':
      return splitField(flow, 'proto', condition.set);
    case 'icmp':
      return splitIcmp(flow, condition.set);
    case 'ctAddr':
      return splitAddr(flow, ctAddr(flow, condition.which), condition.set);
    case 'ctPort':
      return splitNum(flow, ctPort(flow, condition.which), condition.set);
    case 'state': {
      const state = stateOf(flow);
      // DNAT/SNAT are conntrack's virtual states: the connection has that binding.
      const hit = condition.states.has(state as never) || (condition.states.has('DNAT') && !!flow.dnat) || (condition.states.has('SNAT') && !!flow.snat);
      return all(flow, hit !== condition.negated);
    }
    case 'ctdir':
      return all(flow, flow.dir === condition.dir);
    case 'mark':
      if (flow.mark === null) return { yes: [flow], no: [], maybe: 'packet mark unknown' };
      return all(flow, ((flow.mark & condition.mask) >>> 0 === condition.value) !== condition.negated);
    case 'bridged':
      return all(flow, flow.bridged === condition.expect);
    case 'tcpFlags': {
      // Only TCP packets reach a tcp match (it requires -p tcp): test the handshake packet's flags.
      const flags = TCP_PACKET_FLAGS[flow.tcp];
      return all(flow, ((flags & condition.mask) === condition.comp) !== condition.negated);
    }
    case 'never':
      return all(flow, false);
    case 'unknown':
      return { yes: [flow], no: [], maybe: condition.why };
  }
}

function outside<T extends number | bigint>(set: IntervalSet<T>, within: IntervalSet<T>): boolean {
  return !set.overlaps(within);
}

/**
 * A cheap, allocation-free test that some condition fails for the whole flow
 * (wrong interface or state, or a field whose values lie outside the
 * condition's span). Most rules of a big ruleset are rejected here.
 */
export function cannotMatch(flow: Flow, conditions: readonly Condition[]): boolean {
  for (const condition of conditions) {
    switch (condition.kind) {
      case 'never':
        return true;
      case 'iface':
        if (!interfaceMatches(condition.pattern, condition.dir === 'in' ? flow.in : flow.out)) return true;
        break;
      case 'state': {
        const state = stateOf(flow);
        const hit = condition.states.has(state as never) || (condition.states.has('DNAT') && !!flow.dnat) || (condition.states.has('SNAT') && !!flow.snat);
        if (hit === condition.negated) return true;
        break;
      }
      case 'ctdir':
        if (flow.dir !== condition.dir) return true;
        break;
      case 'bridged':
        if (flow.bridged !== condition.expect) return true;
        break;
      case 'proto':
        if (outside(flow.box.proto, condition.set)) return true;
        break;
      case 'addr': {
        const ref = headerAddr(flow, condition.which);
        if (ref.kind === 'const') {
          if (ref.value !== null && !condition.set.has(ref.value)) return true;
        } else if (outside(flow.box[ref.field as AddrField], condition.set)) return true;
        break;
      }
      case 'port': {
        const ref = headerPort(flow, condition.which);
        if (ref.kind === 'const') {
          if (ref.value !== null && !condition.set.has(ref.value)) return true;
        } else if (outside(flow.box[ref.field as 'sport' | 'dport'], condition.set)) return true;
        break;
      }
      default:
        break;
    }
  }
  return false;
}

export interface RuleSplit {
  matched: Flow[];
  unmatched: Flow[];
}

/**
 * Splits flows by a rule. A flow part whose match hinges on an undecidable
 * condition goes both ways, each copy remembering the assumption.
 */
export function splitByRule(flows: readonly Flow[], compiled: CompiledRule): RuleSplit {
  const matched: Flow[] = [];
  const unmatched: Flow[] = [];
  for (const flow of flows) {
    if (cannotMatch(flow, compiled.conditions)) {
      unmatched.push(flow);
      continue;
    }
    if (compiled.wholeFlow) {
      matched.push(flow);
      continue;
    }
    let current: Flow[] = [flow];
    let maybe: string | null = null;
    for (const condition of compiled.conditions) {
      const next: Flow[] = [];
      for (const part of current) {
        const split = evaluate(part, condition);
        unmatched.push(...split.no);
        next.push(...split.yes);
        if (split.maybe !== null && split.yes.length > 0) maybe ??= split.maybe;
      }
      current = next;
      if (current.length === 0) break;
    }
    if (maybe === null) {
      matched.push(...current);
      continue;
    }
    for (const part of current) {
      matched.push(fork(part, { hinges: [...part.hinges, { rule: compiled.rule, matched: true, why: maybe }] }));
      unmatched.push(fork(part, { hinges: [...part.hinges, { rule: compiled.rule, matched: false, why: maybe }] }));
    }
  }
  return { matched, unmatched };
}

/** Splits flows by a conjunction of conditions; an undecidable condition counts as matching. */
export function splitByConditions(flows: readonly Flow[], conditions: readonly Condition[]): RuleSplit {
  const matched: Flow[] = [];
  const unmatched: Flow[] = [];
  for (const flow of flows) {
    let current: Flow[] = [flow];
    for (const condition of conditions) {
      const next: Flow[] = [];
      for (const part of current) {
        const split = evaluate(part, condition);
        unmatched.push(...split.no);
        next.push(...split.yes);
      }
      current = next;
      if (current.length === 0) break;
    }
    matched.push(...current);
  }
  return { matched, unmatched };
}
