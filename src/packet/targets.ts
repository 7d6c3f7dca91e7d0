/**
 * What a rule's target does to the packets it matches: a verdict, a jump, a
 * NAT binding, a mark change, or nothing (LOG and friends).
 */
import type { Family } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';
import { formatAddr, parseAddress } from './address.js';
import type { Hook } from './hooks.js';

export type TargetEffect =
  | { kind: 'accept' }
  | { kind: 'drop'; reject: boolean }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'continue' }
  | { kind: 'nat'; spec: NatSpec }
  | { kind: 'mark'; apply: (mark: number) => number; text: string }
  /** The mark becomes unknown (restored from a connmark). */
  | { kind: 'markUnknown' }
  | { kind: 'notrack' }
  /** The verdict is decided outside the ruleset (userspace queue, TPROXY…): undecidable. */
  | { kind: 'undecided'; why: string };

export interface NatSpec {
  target: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' | 'NETMAP';
  /** Address to write; null: chosen at run time (MASQUERADE: the output interface's; REDIRECT: the input interface's). */
  addr: bigint | null;
  /** The address is a range: one of several addresses is picked. */
  addrRange?: boolean;
  port?: number;
  portRange?: boolean;
  text: string;
}

/** Targets that leave the packet and the traversal as they were. */
const NO_EFFECT: ReadonlySet<string> = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'TRACE',
  'AUDIT',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'TTL',
  'HL',
  'ECN',
  'TCPMSS',
  'TCPOPTSTRIP',
  'CHECKSUM',
  'SET',
  'IDLETIMER',
  'LED',
  'SECMARK',
  'CONNSECMARK',
  'RATEEST',
  'TEE',
  'HMARK',
  'CLUSTERIP',
]);

function optionValue(rule: Rule, name: string): string | undefined {
  const option = rule.target?.options.find((candidate) => candidate.name === name);
  return option?.values.map((value) => value.text).join(' ');
}

function hasOption(rule: Rule, name: string): boolean {
  return !!rule.target?.options.some((candidate) => candidate.name === name);
}

function parseNumber(text: string): number | null {
  const value = Number(text);
  return Number.isInteger(value) ? value >>> 0 : null;
}

function parseValueMask(text: string): { value: number; mask: number } | null {
  const [valueText = '', maskText] = text.split('/');
  const value = parseNumber(valueText);
  const mask = maskText === undefined ? 0xffffffff : parseNumber(maskText);
  return value === null || mask === null ? null : { value, mask };
}

function markEffect(rule: Rule): TargetEffect {
  const xmark = optionValue(rule, 'set-xmark');
  if (xmark !== undefined) {
    const parsed = parseValueMask(xmark);
    if (parsed) return { kind: 'mark', apply: (mark) => ((mark & ~parsed.mask) ^ parsed.value) >>> 0, text: `--set-xmark ${xmark}` };
  }
  const set = optionValue(rule, 'set-mark');
  if (set !== undefined) {
    const parsed = parseValueMask(set);
    if (parsed) return { kind: 'mark', apply: (mark) => ((mark & ~parsed.mask) | parsed.value) >>> 0, text: `--set-mark ${set}` };
  }
  for (const [name, op] of [
    ['and-mark', (mark: number, value: number) => mark & value],
    ['or-mark', (mark: number, value: number) => mark | value],
    ['xor-mark', (mark: number, value: number) => mark ^ value],
  ] as const) {
    const text = optionValue(rule, name);
    const value = text === undefined ? null : parseNumber(text);
    if (value !== null) return { kind: 'mark', apply: (mark) => op(mark, value) >>> 0, text: `--${name} ${text}` };
  }
  return { kind: 'markUnknown' };
}

/** `1.2.3.4`, `1.2.3.4:80`, `1.2.3.4-1.2.3.9:80-90`, `[2001:db8::1]:80`, `2001:db8::1`, `:80`. */
export function parseNatAddress(text: string, family: Family): { addr: bigint | null; addrRange: boolean; port?: number; portRange: boolean } | null {
  let addressPart = text;
  let portPart: string | undefined;
  if (family === 'ipv6') {
    const bracket = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
    if (bracket) {
      addressPart = bracket[1] as string;
      portPart = bracket[2];
    }
  } else {
    const colon = text.indexOf(':');
    if (colon >= 0) {
      addressPart = text.slice(0, colon);
      portPart = text.slice(colon + 1);
    }
  }
  const [first = '', last] = addressPart.split('-');
  let addr: bigint | null = null;
  if (first !== '') {
    const parsed = parseAddress(first);
    if (!parsed || parsed.family !== family) return null;
    addr = parsed.value;
  }
  const result: { addr: bigint | null; addrRange: boolean; port?: number; portRange: boolean } = { addr, addrRange: last !== undefined && last !== first, portRange: false };
  if (portPart !== undefined) {
    const [from = '', to] = portPart.split('-');
    const port = Number(from);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
    result.port = port;
    result.portRange = to !== undefined && to !== from;
  }
  return result;
}

function natEffect(rule: Rule, name: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' | 'NETMAP', family: Family): TargetEffect {
  const text = rule.target ? rule.target.options.map((option) => `--${option.name}${option.values.length ? ` ${option.values.map((v) => v.text).join(' ')}` : ''}`).join(' ') : '';
  if (name === 'DNAT' || name === 'SNAT') {
    const value = optionValue(rule, name === 'DNAT' ? 'to-destination' : 'to-source');
    const parsed = value === undefined ? null : parseNatAddress(value, family);
    if (!parsed) return { kind: 'undecided', why: `${name} ${value ?? ''} not understood` };
    const spec: NatSpec = { target: name, addr: parsed.addr, text: value ?? '' };
    if (parsed.addrRange) spec.addrRange = true;
    if (parsed.port !== undefined) spec.port = parsed.port;
    if (parsed.portRange) spec.portRange = true;
    return { kind: 'nat', spec };
  }
  const ports = optionValue(rule, 'to-ports');
  const spec: NatSpec = { target: name, addr: null, text };
  if (ports !== undefined) {
    const [from = '', to] = ports.split('-');
    const port = Number(from);
    if (Number.isInteger(port)) spec.port = port;
    if (to !== undefined && to !== from) spec.portRange = true;
  }
  return { kind: 'nat', spec };
}

export function targetEffect(rule: Rule, family: Family): TargetEffect {
  const action = rule.action;
  switch (action.kind) {
    case 'none':
      return { kind: 'continue' };
    case 'verdict':
      if (action.verdict === 'ACCEPT') return { kind: 'accept' };
      if (action.verdict === 'DROP') return { kind: 'drop', reject: false };
      if (action.verdict === 'RETURN') return { kind: 'return' };
      return { kind: 'undecided', why: 'QUEUE hands the packet to userspace' };
    case 'jump':
      return action.resolved ? { kind: 'jump', chain: action.chain } : { kind: 'undecided', why: `jump to missing chain ${action.chain}` };
    case 'goto':
      return action.resolved ? { kind: 'goto', chain: action.chain } : { kind: 'undecided', why: `goto missing chain ${action.chain}` };
    case 'extension':
      break;
  }
  const name = action.name;
  switch (name) {
    case 'REJECT':
      return { kind: 'drop', reject: true };
    case 'DNAT':
    case 'SNAT':
    case 'MASQUERADE':
    case 'REDIRECT':
    case 'NETMAP':
      return natEffect(rule, name, family);
    case 'MARK':
      return markEffect(rule);
    case 'CONNMARK':
      return hasOption(rule, 'restore-mark') ? { kind: 'markUnknown' } : { kind: 'continue' };
    case 'CT':
      return hasOption(rule, 'notrack') ? { kind: 'notrack' } : { kind: 'continue' };
    case 'NOTRACK':
      return { kind: 'notrack' };
    default:
      if (NO_EFFECT.has(name)) return { kind: 'continue' };
      if (action.terminal) return { kind: 'undecided', why: `${name} decides outside iptables` };
      return { kind: 'continue' };
  }
}

export function describeNat(spec: NatSpec, family: Family, hook?: Hook): string {
  if (spec.target === 'MASQUERADE') return `MASQUERADE (source ← output interface's address${spec.port !== undefined ? `, port ${spec.port}` : ''})`;
  if (spec.target === 'REDIRECT') return `REDIRECT to ${hook === 'OUTPUT' ? 'loopback' : "the input interface's address"}${spec.port !== undefined ? ` port ${spec.port}` : ''}`;
  const address = spec.addr === null ? '' : family === 'ipv6' && spec.port !== undefined ? `[${formatAddr(spec.addr, family)}]` : formatAddr(spec.addr, family);
  return `${spec.target} to ${address}${spec.port !== undefined ? `:${spec.port}` : ''}`;
}
