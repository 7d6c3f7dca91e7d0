/**
 * The semantic model built from a ParseResult: tables → chains → rules, the
 * jump/goto graph resolved, and per-rule normalized predicates that analyses
 * (lint rules, Docker audit, packet model) use instead of raw words.
 */
import type { ChainDeclaration, CommandLine, Family, ParseResult, Span, TargetSpec } from '../../grammar/ast.js';

export type TableName = 'filter' | 'nat' | 'mangle' | 'raw' | 'security' | (string & {});

/** A contiguous CIDR block, v4 or v6. `bits` is the prefix length. */
export interface Cidr {
  family: Family;
  /** Address as a bigint (v4: 32-bit, v6: 128-bit) with host bits cleared. */
  network: bigint;
  bits: number;
  /** Canonical text, e.g. `172.17.0.0/16`. */
  text: string;
}

/** An address predicate: matches when the address is in any of `cidrs` (xor `negated`). */
export interface AddressPredicate {
  cidrs: Cidr[];
  negated: boolean;
  /** Set when the address text could not be normalized (hostname, odd mask): analyses treat it as unknown. */
  unparsed?: string;
}

/** `eth0` exact, `veth+` prefix, `+` any. */
export interface InterfacePredicate {
  name: string;
  /** Name ended with `+`: matches any interface starting with `prefix`. */
  wildcard: boolean;
  /** `name` without the trailing `+`. */
  prefix: string;
  negated: boolean;
}

export interface ProtocolPredicate {
  /** IANA number; 0 means "all". */
  number: number | null;
  /** As written, lower-cased (`tcp`, `6`, `gre`). */
  name: string;
  negated: boolean;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface PortPredicate {
  ranges: PortRange[];
  negated: boolean;
}

/** The normalized, commonly used conditions of a rule. Absent field = no condition. */
export interface RulePredicates {
  source?: AddressPredicate;
  destination?: AddressPredicate;
  inInterface?: InterfacePredicate;
  outInterface?: InterfacePredicate;
  protocol?: ProtocolPredicate;
  /** From tcp/udp/sctp/dccp `--sport` and multiport `--sports`/`--ports`. */
  sourcePorts?: PortPredicate[];
  /** From `--dport` and multiport `--dports`/`--ports`. */
  destinationPorts?: PortPredicate[];
  fragment?: { negated: boolean };
}

export type Verdict = 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE';

export type RuleAction =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'jump'; chain: string; resolved: boolean }
  | { kind: 'goto'; chain: string; resolved: boolean }
  /** An extension target (`DNAT`, `MASQUERADE`, `LOG`, `REJECT`…). `terminal`: stops traversal. */
  | { kind: 'extension'; name: string; terminal: boolean }
  /** No `-j`/`-g`: only counters are updated. */
  | { kind: 'none' };

export interface Rule {
  /** Stable id within the model: `${table}/${chain}#${index}`. */
  id: string;
  table: TableName;
  chain: string;
  /** 0-based position in its chain after all commands of the dump were applied. */
  index: number;
  command: CommandLine;
  predicates: RulePredicates;
  action: RuleAction;
  target?: TargetSpec;
  /** True when the rule has no match conditions at all (no base options, no matches). */
  unconditional: boolean;
  span: Span;
}

export interface Chain {
  table: TableName;
  name: string;
  builtin: boolean;
  /** Built-in chains: `ACCEPT`/`DROP`; user chains: undefined. */
  policy?: string;
  declarations: ChainDeclaration[];
  rules: Rule[];
  span: Span;
}

export interface Table {
  name: TableName;
  chains: Map<string, Chain>;
  /** Chains in declaration order. */
  chainOrder: string[];
  span: Span;
}

export interface JumpEdge {
  from: string;
  to: string;
  via: 'jump' | 'goto';
  rule: Rule;
}

export interface Model {
  source: ParseResult;
  family: Family;
  tables: Map<string, Table>;
  /** Per table: outgoing jump/goto edges of each chain. */
  edges: Map<string, Map<string, JumpEdge[]>>;
}
