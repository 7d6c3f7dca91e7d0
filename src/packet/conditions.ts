/**
 * A rule's matches compiled into a conjunction of Conditions the packet-set
 * engine can split flows on. Anything not modelled compiles to `unknown`,
 * which the evaluator treats as "may match" (both outcomes are followed).
 */
import type { ExtensionOption, Family, MatchSpec } from '../../grammar/ast.js';
import { parseAddressPredicate, parsePortPredicate } from '../model/predicates.js';
import { protocolNumber } from '../model/protocols.js';
import type { InterfacePredicate, PortPredicate, Rule } from '../model/types.js';
import { addressDomain, cidrSet, parseAddress, specialBlocks, type AddrSet } from './address.js';
import type { CtState, Direction } from './flow.js';
import { ICMP_TYPES, IntervalSet, PORTS, PROTOCOLS } from './intervals.js';
import type { NumSet } from './packet-set.js';
import { broadcastAddresses, localAddresses, type Topology } from './topology.js';

export type ConntrackStateName = CtState | 'DNAT' | 'SNAT';

export type Condition =
  | { kind: 'iface'; dir: 'in' | 'out'; pattern: InterfacePredicate }
  | { kind: 'addr'; which: 'src' | 'dst'; set: AddrSet }
  | { kind: 'port'; which: 'sport' | 'dport'; set: NumSet }
  /** multiport `--ports`: source OR destination port in the set. */
  | { kind: 'anyPort'; set: NumSet }
  | { kind: 'proto'; set: NumSet }
  | { kind: 'icmp'; set: NumSet }
  | { kind: 'ctAddr'; which: 'origSrc' | 'origDst' | 'replSrc' | 'replDst'; set: AddrSet }
  | { kind: 'ctPort'; which: 'origSport' | 'origDport' | 'replSport' | 'replDport'; set: NumSet }
  | { kind: 'state'; states: ReadonlySet<ConntrackStateName>; negated: boolean }
  | { kind: 'ctdir'; dir: Direction }
  | { kind: 'mark'; value: number; mask: number; negated: boolean }
  | { kind: 'bridged'; expect: boolean }
  | { kind: 'tcpFlags'; mask: number; comp: number; negated: boolean }
  | { kind: 'never'; why: string }
  | { kind: 'unknown'; why: string };

export interface CompiledRule {
  rule: Rule;
  conditions: Condition[];
  /**
   * Exact interface names the rule requires (`-i br-x`, `-o br-x`, not negated, no `+`):
   * a flow on another interface cannot match, so the rule is skipped without
   * splitting — Docker's chains are mostly such per-bridge rules.
   */
  guard: { in?: string; out?: string };
  /**
   * Every condition is a fact of the whole flow (interface, conntrack state,
   * direction, bridged): a flow that `cannotMatch` lets through matches
   * whole, without splitting.
   */
  wholeFlow: boolean;
}

const WHOLE_FLOW_KINDS: ReadonlySet<Condition['kind']> = new Set(['iface', 'state', 'ctdir', 'bridged']);

export interface CompileContext {
  family: Family;
  topology: Topology;
  /** The ruleset sets connection marks somewhere (CONNMARK): connmark matches cannot be decided. */
  setsConnmark: boolean;
}

const TCP_FLAGS: ReadonlyMap<string, number> = new Map([
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
  ['ECE', 0x40],
  ['CWR', 0x80],
  ['ALL', 0xff],
  ['NONE', 0],
]);

const ICMP_NAMES: ReadonlyMap<string, [number, number?]> = new Map([
  ['any', [-1]],
  ['echo-reply', [0]],
  ['pong', [0]],
  ['destination-unreachable', [3]],
  ['network-unreachable', [3, 0]],
  ['host-unreachable', [3, 1]],
  ['protocol-unreachable', [3, 2]],
  ['port-unreachable', [3, 3]],
  ['fragmentation-needed', [3, 4]],
  ['source-route-failed', [3, 5]],
  ['network-prohibited', [3, 9]],
  ['host-prohibited', [3, 10]],
  ['communication-prohibited', [3, 13]],
  ['source-quench', [4]],
  ['redirect', [5]],
  ['echo-request', [8]],
  ['ping', [8]],
  ['router-advertisement', [9]],
  ['router-solicitation', [10]],
  ['time-exceeded', [11]],
  ['ttl-exceeded', [11]],
  ['ttl-zero-during-transit', [11, 0]],
  ['parameter-problem', [12]],
  ['timestamp-request', [13]],
  ['timestamp-reply', [14]],
  ['address-mask-request', [17]],
  ['address-mask-reply', [18]],
]);

const ICMPV6_NAMES: ReadonlyMap<string, [number, number?]> = new Map([
  ['destination-unreachable', [1]],
  ['no-route', [1, 0]],
  ['communication-prohibited', [1, 1]],
  ['address-unreachable', [1, 3]],
  ['port-unreachable', [1, 4]],
  ['packet-too-big', [2]],
  ['time-exceeded', [3]],
  ['ttl-exceeded', [3]],
  ['parameter-problem', [4]],
  ['echo-request', [128]],
  ['ping', [128]],
  ['echo-reply', [129]],
  ['pong', [129]],
  ['router-solicitation', [133]],
  ['router-advertisement', [134]],
  ['neighbour-solicitation', [135]],
  ['neighbor-solicitation', [135]],
  ['neighbour-advertisement', [136]],
  ['neighbor-advertisement', [136]],
  ['redirect', [137]],
]);

function optionText(option: ExtensionOption): string {
  return option.values.map((value) => value.text).join(' ');
}

function negated(option: { negation: string }): boolean {
  return option.negation !== 'none';
}

function portSet(predicate: PortPredicate): NumSet | null {
  if (predicate.unparsed !== undefined) return null;
  const set = IntervalSet.fromRanges(predicate.ranges.map((range) => [range.from, range.to] as [number, number]));
  return predicate.negated ? set.complement(PORTS) : set;
}

function addressSet(text: string, isNegated: boolean, family: Family): AddrSet | null {
  const predicate = parseAddressPredicate(text, false, family);
  if (predicate.unparsed !== undefined) return null;
  const set = cidrSet(predicate.cidrs);
  return isNegated ? set.complement(addressDomain(family)) : set;
}

function icmpSet(text: string, family: Family): NumSet | null {
  const names = family === 'ipv4' ? ICMP_NAMES : ICMPV6_NAMES;
  const lower = text.toLowerCase();
  let type: number;
  let code: number | undefined;
  const named = names.get(lower);
  if (named) {
    [type, code] = named;
    if (type === -1) return IntervalSet.full(ICMP_TYPES);
  } else {
    const match = /^(\d+)(?:\/(\d+))?$/.exec(lower);
    if (!match) return null;
    type = Number(match[1]);
    code = match[2] === undefined ? undefined : Number(match[2]);
    if (type > 255 || (code !== undefined && code > 255)) return null;
  }
  return code === undefined ? IntervalSet.of(type << 8, (type << 8) | 0xff) : IntervalSet.of((type << 8) | code);
}

function parseMark(text: string): { value: number; mask: number } | null {
  const [valueText = '', maskText] = text.split('/');
  const value = Number(valueText);
  const mask = maskText === undefined ? 0xffffffff : Number(maskText);
  if (!Number.isInteger(value) || !Number.isInteger(mask) || valueText === '') return null;
  return { value: value >>> 0, mask: mask >>> 0 };
}

function parseTcpFlags(text: string): number | null {
  let value = 0;
  for (const name of text.split(',')) {
    const flag = TCP_FLAGS.get(name.trim().toUpperCase());
    if (flag === undefined) return null;
    value |= flag;
  }
  return value;
}

/** Addresses of the given `addrtype` types, as the routing tables classify them. */
function addrtypeSet(types: string, family: Family, topology: Topology): AddrSet | null {
  const domain = addressDomain(family);
  const local = localAddresses(topology, family);
  const broadcast = broadcastAddresses(topology, family);
  const { multicast } = specialBlocks(family);
  let set = IntervalSet.empty<bigint>();
  for (const raw of types.split(',')) {
    switch (raw.trim().toUpperCase()) {
      case 'LOCAL':
        set = set.union(local);
        break;
      case 'BROADCAST':
        set = set.union(broadcast);
        break;
      case 'MULTICAST':
        set = set.union(multicast);
        break;
      case 'UNICAST':
        set = set.union(IntervalSet.full(domain).subtract(local).subtract(broadcast).subtract(multicast));
        break;
      case 'ANYCAST':
      case 'BLACKHOLE':
      case 'UNREACHABLE':
      case 'PROHIBIT':
      case 'THROW':
      case 'NAT':
      case 'XRESOLVE':
      case 'UNSPEC':
        // No such routes in the modelled topology.
        break;
      default:
        return null;
    }
  }
  return set;
}

function stateSet(text: string): Set<ConntrackStateName> | null {
  const states = new Set<ConntrackStateName>();
  for (const raw of text.split(',')) {
    const name = raw.trim().toUpperCase();
    if (!['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'DNAT', 'SNAT'].includes(name)) return null;
    states.add(name as ConntrackStateName);
  }
  return states;
}

function interfaceCondition(dir: 'in' | 'out', pattern: InterfacePredicate): Condition {
  return { kind: 'iface', dir, pattern };
}

export function compileRule(rule: Rule, context: CompileContext): CompiledRule {
  const conditions: Condition[] = [];
  const { family } = context;
  const predicates = rule.predicates;
  const unknown = (why: string): void => {
    conditions.push({ kind: 'unknown', why });
  };
  if (predicates.inInterface) conditions.push(interfaceCondition('in', predicates.inInterface));
  if (predicates.outInterface) conditions.push(interfaceCondition('out', predicates.outInterface));
  if (predicates.protocol) {
    const { number, negated: isNegated, name } = predicates.protocol;
    if (number === null) unknown(`protocol ${name}`);
    else if (number === 0) {
      if (isNegated) conditions.push({ kind: 'never', why: '! -p all' });
    } else {
      const set = IntervalSet.of(number);
      conditions.push({ kind: 'proto', set: isNegated ? set.complement(PROTOCOLS) : set });
    }
  }
  if (predicates.fragment) {
    // The model follows whole datagrams: `-f` (second and later fragments) never matches them.
    if (!predicates.fragment.negated) conditions.push({ kind: 'never', why: '-f matches only non-first fragments' });
  }
  for (const [which, predicate] of [
    ['src', predicates.source],
    ['dst', predicates.destination],
  ] as const) {
    if (!predicate) continue;
    if (predicate.unparsed !== undefined) {
      unknown(`address ${predicate.unparsed}`);
      continue;
    }
    const set = cidrSet(predicate.cidrs);
    conditions.push({ kind: 'addr', which, set: predicate.negated ? set.complement(addressDomain(family)) : set });
  }
  for (const match of rule.matches) compileMatch(match, context, conditions);
  const guard: CompiledRule['guard'] = {};
  for (const condition of conditions) {
    if (condition.kind !== 'iface' || condition.pattern.negated || condition.pattern.wildcard) continue;
    guard[condition.dir] = condition.pattern.name;
  }
  return { rule, conditions: orderConditions(conditions), guard, wholeFlow: conditions.every((condition) => WHOLE_FLOW_KINDS.has(condition.kind)) };
}

/** Cheap all-or-nothing tests first: a flow that fails them is never split. */
function orderConditions(conditions: Condition[]): Condition[] {
  const rank = (condition: Condition): number => {
    switch (condition.kind) {
      case 'never':
        return 0;
      case 'iface':
      case 'state':
      case 'ctdir':
      case 'bridged':
      case 'mark':
      case 'tcpFlags':
        return 1;
      case 'proto':
        return 2;
      case 'unknown':
        return 9;
      default:
        return 5;
    }
  };
  return [...conditions].sort((a, b) => rank(a) - rank(b));
}

function compileMatch(match: MatchSpec, context: CompileContext, conditions: Condition[]): void {
  const name = match.name.text;
  const { family, topology } = context;
  const unknown = (why: string): void => {
    conditions.push({ kind: 'unknown', why });
  };
  if (!match.known) {
    unknown(`-m ${name} (not modelled)`);
    return;
  }
  for (const option of match.options) {
    const text = optionText(option);
    const isNegated = negated(option);
    const port = (which: 'sport' | 'dport', list: boolean): void => {
      const set = portSet(parsePortPredicate(text, isNegated, list));
      if (set) conditions.push({ kind: 'port', which, set });
      else unknown(`port ${text}`);
    };
    switch (`${name}:${option.name}`) {
      case 'tcp:sport':
      case 'udp:sport':
      case 'udplite:sport':
      case 'sctp:sport':
      case 'dccp:sport':
        port('sport', false);
        break;
      case 'tcp:dport':
      case 'udp:dport':
      case 'udplite:dport':
      case 'sctp:dport':
      case 'dccp:dport':
        port('dport', false);
        break;
      case 'multiport:sports':
        port('sport', true);
        break;
      case 'multiport:dports':
        port('dport', true);
        break;
      case 'multiport:ports': {
        const predicate = parsePortPredicate(text, false, true);
        const set = portSet(predicate);
        if (!set) unknown(`ports ${text}`);
        else if (isNegated) {
          // Neither port is in the list.
          const outside = set.complement(PORTS);
          conditions.push({ kind: 'port', which: 'sport', set: outside }, { kind: 'port', which: 'dport', set: outside });
        } else conditions.push({ kind: 'anyPort', set });
        break;
      }
      case 'tcp:syn':
        // SYN set, RST/ACK/FIN clear (libxt_tcp.c: --syn is --tcp-flags SYN,RST,ACK,FIN SYN).
        conditions.push({ kind: 'tcpFlags', mask: 0x17, comp: 0x02, negated: isNegated });
        break;
      case 'tcp:tcp-flags': {
        const [maskText = '', compText = ''] = option.values.map((value) => value.text);
        const mask = parseTcpFlags(maskText);
        const comp = parseTcpFlags(compText);
        if (mask === null || comp === null) unknown(`--tcp-flags ${text}`);
        else conditions.push({ kind: 'tcpFlags', mask, comp, negated: isNegated });
        break;
      }
      case 'icmp:icmp-type':
      case 'icmp6:icmpv6-type': {
        const set = icmpSet(text, family);
        if (!set) unknown(`icmp type ${text}`);
        else conditions.push({ kind: 'icmp', set: isNegated ? set.complement(ICMP_TYPES) : set });
        break;
      }
      case 'conntrack:ctstate':
      case 'state:state': {
        const states = stateSet(text);
        if (!states) unknown(`state ${text}`);
        else conditions.push({ kind: 'state', states, negated: isNegated });
        break;
      }
      case 'conntrack:ctproto': {
        const number = protocolNumber(text);
        if (number === null) unknown(`--ctproto ${text}`);
        else if (number !== 0) {
          const set = IntervalSet.of(number);
          conditions.push({ kind: 'proto', set: isNegated ? set.complement(PROTOCOLS) : set });
        }
        break;
      }
      case 'conntrack:ctorigsrc':
      case 'conntrack:ctorigdst':
      case 'conntrack:ctreplsrc':
      case 'conntrack:ctrepldst': {
        const set = addressSet(text, isNegated, family);
        const which = ({ ctorigsrc: 'origSrc', ctorigdst: 'origDst', ctreplsrc: 'replSrc', ctrepldst: 'replDst' } as const)[
          option.name as 'ctorigsrc' | 'ctorigdst' | 'ctreplsrc' | 'ctrepldst'
        ];
        if (!set) unknown(`--${option.name} ${text}`);
        else conditions.push({ kind: 'ctAddr', which, set });
        break;
      }
      case 'conntrack:ctorigsrcport':
      case 'conntrack:ctorigdstport':
      case 'conntrack:ctreplsrcport':
      case 'conntrack:ctrepldstport': {
        // xt_conntrack reads these as a port or FROM:TO range.
        const set = portSet(parsePortPredicate(text, isNegated, false));
        const which = (
          { ctorigsrcport: 'origSport', ctorigdstport: 'origDport', ctreplsrcport: 'replSport', ctrepldstport: 'replDport' } as const
        )[option.name as 'ctorigsrcport' | 'ctorigdstport' | 'ctreplsrcport' | 'ctrepldstport'];
        if (!set) unknown(`--${option.name} ${text}`);
        else conditions.push({ kind: 'ctPort', which, set });
        break;
      }
      case 'conntrack:ctdir': {
        const dir = text.toUpperCase();
        if (dir === 'ORIGINAL') conditions.push({ kind: 'ctdir', dir: 'original' });
        else if (dir === 'REPLY') conditions.push({ kind: 'ctdir', dir: 'reply' });
        else unknown(`--ctdir ${text}`);
        break;
      }
      case 'comment:comment':
        break;
      case 'addrtype:src-type':
      case 'addrtype:dst-type': {
        const set = addrtypeSet(text, family, topology);
        if (!set) unknown(`addrtype ${text}`);
        else {
          const which = option.name === 'src-type' ? 'src' : 'dst';
          conditions.push({ kind: 'addr', which, set: isNegated ? set.complement(addressDomain(family)) : set });
        }
        break;
      }
      case 'mark:mark': {
        const mark = parseMark(text);
        if (!mark) unknown(`--mark ${text}`);
        else conditions.push({ kind: 'mark', ...mark, negated: isNegated });
        break;
      }
      case 'connmark:mark': {
        const mark = parseMark(text);
        // Without a CONNMARK target in the ruleset every connection mark stays 0.
        if (!mark || context.setsConnmark) unknown(`connmark ${text}`);
        else if (((0 & mark.mask) === mark.value) === isNegated) conditions.push({ kind: 'never', why: `connmark is 0, ${isNegated ? '! ' : ''}--mark ${text}` });
        break;
      }
      case 'iprange:src-range':
      case 'iprange:dst-range': {
        const [from = '', to = ''] = text.split('-');
        const lo = parseAddress(from);
        const hi = parseAddress(to);
        if (!lo || !hi || lo.family !== family || hi.family !== family) unknown(`iprange ${text}`);
        else {
          const set = IntervalSet.of(lo.value, hi.value);
          conditions.push({ kind: 'addr', which: option.name === 'src-range' ? 'src' : 'dst', set: isNegated ? set.complement(addressDomain(family)) : set });
        }
        break;
      }
      case 'physdev:physdev-is-bridged':
        conditions.push({ kind: 'bridged', expect: !isNegated });
        break;
      case 'pkttype:pkt-type': {
        const kind = text.toLowerCase();
        const { multicast } = specialBlocks(family);
        const broadcast = broadcastAddresses(topology, family);
        const set =
          kind === 'multicast'
            ? multicast
            : kind === 'broadcast'
              ? broadcast
              : kind === 'unicast'
                ? IntervalSet.full(addressDomain(family)).subtract(multicast).subtract(broadcast)
                : null;
        if (!set) unknown(`--pkt-type ${text}`);
        else conditions.push({ kind: 'addr', which: 'dst', set: isNegated ? set.complement(addressDomain(family)) : set });
        break;
      }
      default:
        unknown(`-m ${name} --${option.name}${text ? ` ${text}` : ''}`);
    }
  }
  if (match.options.length === 0 && !['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmp6', 'comment', 'conntrack', 'state', 'multiport'].includes(name)) {
    unknown(`-m ${name}`);
  }
}
