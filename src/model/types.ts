/**
 * The semantic model built from a ParseResult: tables → chains → rules, the
 * jump/goto graph resolved, and per-rule normalized predicates that analyses
 * (lint rules, Docker audit, packet model) use instead of raw words.
 *
 * The model is the ruleset that iptables-restore would leave behind: every
 * command line of a table is applied in order (`-A`, `-I`, `-D`, `-R`, `-N`,
 * `-X`, `-F`, `-P`, `-E`). Commands that could not apply are kept in
 * `Model.diagnostics` instead of being thrown.
 */
import type {
  BaseOption,
  ChainDeclaration,
  CommandLine,
  Family,
  MatchSpec,
  ParseResult,
  Span,
  TableBlock,
  TargetSpec,
} from '../../grammar/ast.js';

export type TableName = 'filter' | 'nat' | 'mangle' | 'raw' | 'security' | (string & {});

/** A contiguous CIDR block, v4 or v6. `bits` is the prefix length. */
export interface Cidr {
  family: Family;
  /** Address as a bigint (v4: 32-bit, v6: 128-bit) with host bits cleared. */
  network: bigint;
  bits: number;
  /** Canonical text, e.g. `172.17.0.0/16`. */
  text: string;
  /** The address as written had bits set beyond the prefix (`10.1.2.3/8`); iptables clears them. */
  hostBitsCleared?: boolean;
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
  /** IANA number; 0 means "all"; null when the name is unknown. */
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
  /** Set when a port could not be read (unknown service name…): analyses treat it as unknown. */
  unparsed?: string;
}

/** `-m conntrack --ctstate` / `-m state --state`, states upper-cased. */
export interface StatePredicate {
  states: string[];
  negated: boolean;
}

/** The normalized, commonly used conditions of a rule. Absent field = no condition. */
export interface RulePredicates {
  source?: AddressPredicate;
  destination?: AddressPredicate;
  inInterface?: InterfacePredicate;
  outInterface?: InterfacePredicate;
  protocol?: ProtocolPredicate;
  /** From tcp/udp/sctp/dccp `--sport` and multiport `--sports`. All must hold. */
  sourcePorts?: PortPredicate[];
  /** From tcp/udp/sctp/dccp `--dport` and multiport `--dports`. All must hold. */
  destinationPorts?: PortPredicate[];
  /** From multiport `--ports`: source OR destination port is in the list. */
  anyPorts?: PortPredicate[];
  /** From conntrack `--ctstate` and state `--state`. All must hold. */
  connectionStates?: StatePredicate[];
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

/**
 * A rule of the final ruleset. The model's rules (src/model/rule.ts) compute
 * `id`, `predicates`, `baseOptions`, `matches` and `unconditional` on first use,
 * so they are getters, not own properties (`toJSON()` gives plain data).
 */
export interface Rule {
  /** Stable id within the model: `${table}/${chain}#${index}`. */
  id: string;
  table: TableName;
  chain: string;
  /** 0-based position in its chain after all commands of the dump were applied. */
  index: number;
  /** The line that put the rule there (`-A`, `-I` or `-R`). */
  command: CommandLine;
  predicates: RulePredicates;
  action: RuleAction;
  target?: TargetSpec;
  /** `target.name.text`, as written: a `-E` rename since then shows in `action`, not here. */
  targetName?: string | undefined;
  /** Base options (`-s`, `-i`, `-p`…) in source order. */
  baseOptions: BaseOption[];
  /** Matches (`-m x`, and the implicit protocol match of `-p tcp --dport`) in source order. */
  matches: MatchSpec[];
  /** True when the rule matches every packet: no conditions, or only ones that always hold (`-m comment`, `-s 0.0.0.0/0`). */
  unconditional: boolean;
  span: Span;
}

export interface Chain {
  table: TableName;
  name: string;
  builtin: boolean;
  /** Built-in chains: `ACCEPT`/`DROP`; user chains: undefined. */
  policy?: string;
  /** Every `:NAME …` line for this chain, in source order (more than one is a duplicate). */
  declarations: ChainDeclaration[];
  /** The `-N` line that created the chain, if it was created that way. */
  createdBy?: CommandLine;
  /**
   * The chain was never declared: it exists in the model only because `-A`/`-I`
   * named it (iptables-restore would refuse those lines). `span` is the first such line.
   */
  implicit?: boolean;
  rules: Rule[];
  span: Span;
}

export interface Table {
  name: TableName;
  chains: Map<string, Chain>;
  /** Chains in declaration order (built-in chains first, in hook order). */
  chainOrder: string[];
  /** The `*table` blocks (or `# table:` sections) that built it, in source order. */
  blocks: TableBlock[];
  span: Span;
}

export interface JumpEdge {
  from: string;
  to: string;
  via: 'jump' | 'goto';
  rule: Rule;
}

export type ModelDiagnosticKind =
  /** A command names a chain that does not exist at that point (`-D`, `-R`, `-X`, `-F`, `-Z`, `-P`, `-E`). */
  | 'chain-not-found'
  /** `-N`/`-E` to a name that already exists. */
  | 'chain-exists'
  /** `-D`/`-C` by specification found no identical rule. */
  | 'rule-not-found'
  /** `-D n`, `-R n`, `-I n`, `-Z chain n` outside the chain's rule count. */
  | 'rule-number-out-of-range'
  /** `-X`/`-E` of a built-in chain. */
  | 'builtin-chain'
  /** `-X` of a chain that rules still jump to. */
  | 'chain-in-use'
  /** `-X` of a chain that still has rules. */
  | 'chain-not-empty'
  /** A second `*table` block for the same table: iptables-restore flushes what the first one built. */
  | 'table-reopened';

/** A command that iptables-restore could not apply; the model skipped it. */
export interface ModelDiagnostic {
  kind: ModelDiagnosticKind;
  table: TableName;
  chain?: string;
  /** What went wrong, in iptables' terms (`INPUT has 3 rules, -D INPUT 5 is out of range`). */
  message: string;
  span: Span;
  command?: CommandLine;
}

export interface Model {
  source: ParseResult;
  family: Family;
  tables: Map<string, Table>;
  /** Per table: outgoing jump/goto edges of each chain (only chains with edges have an entry). */
  edges: Map<string, Map<string, JumpEdge[]>>;
  /** Per table: incoming jump/goto edges of each chain (only chains with edges have an entry). */
  incoming: Map<string, Map<string, JumpEdge[]>>;
  diagnostics: ModelDiagnostic[];
}
