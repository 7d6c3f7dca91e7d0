/**
 * Typed AST of an iptables-save / iptables-restore / `iptables -S` text.
 *
 * Every node carries a Span. Lines and columns are 1-based; `endColumn` is
 * exclusive (the column just after the last character). Columns count UTF-16
 * code units of the line, as editors and SARIF do.
 *
 * The AST keeps what is needed to print real iptables-save output back byte
 * for byte: each Word keeps its `raw` source text (quoting as written), and
 * each line keeps whether it ended with a trailing blank (iptables ≤ 1.4.10
 * and iptables-nft ≤ 1.8.7 printed one).
 */

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Offset of the first character in the whole input (UTF-16 units). */
  offset: number;
}

/** One argv token of a command line, after xtables unquoting. */
export interface Word {
  /** Value as iptables sees it: quotes removed, `\X` inside quotes unescaped. */
  text: string;
  /** Exactly as written in the source, quotes and backslashes included. */
  raw: string;
  span: Span;
}

export type Family = 'ipv4' | 'ipv6';

/** `save`: iptables-save / restore input (`*table` … `COMMIT`); `list`: `iptables -S` output. */
export type DumpFormat = 'save' | 'list';

export type Statement =
  | BlankLine
  | CommentLine
  | TableHeader
  | ChainDeclaration
  | CommitLine
  | CommandLine
  | InvalidLine;

export interface BlankLine {
  kind: 'blank';
  span: Span;
}

/** `#` in column 1. `directive` is set for recognised comment forms. */
export interface CommentLine {
  kind: 'comment';
  /** Text after the `#`, verbatim. */
  text: string;
  directive?:
    | { kind: 'generated'; program: string; version: string; date: string }
    | { kind: 'completed'; date: string }
    /** `# table: nat` (iptables -S listings) — switches the current table. */
    | { kind: 'table'; table: string }
    /** iptables-nft notices: legacy tables present, incompatible table… */
    | { kind: 'nft-notice'; message: string };
  span: Span;
}

export interface TableHeader {
  kind: 'table';
  name: Word;
  /** Text after the table name on the same line (ignored by iptables-restore). */
  trailing?: string;
  span: Span;
}

export interface Counters {
  packets: string;
  bytes: string;
  span: Span;
}

/** `:NAME POLICY [p:b]` */
export interface ChainDeclaration {
  kind: 'chain';
  name: Word;
  /** `ACCEPT`, `DROP`, `-` or whatever was written (validated by rules, not the parser). */
  policy: Word;
  counters?: Counters;
  /** Words after the counters (ignored by iptables-restore), verbatim. */
  trailing?: string;
  span: Span;
}

export interface CommitLine {
  kind: 'commit';
  span: Span;
}

/** A line the parser could not make sense of; the error is in `ParseResult.errors`. */
export interface InvalidLine {
  kind: 'invalid';
  text: string;
  span: Span;
}

export type CommandName =
  | 'append'
  | 'insert'
  | 'replace'
  | 'delete'
  | 'check'
  | 'new-chain'
  | 'delete-chain'
  | 'flush'
  | 'zero'
  | 'policy'
  | 'rename-chain'
  | 'list'
  | 'list-rules';

/**
 * A command line inside a table (`-A CHAIN rule-spec`, `-N CHAIN`, `-P CHAIN POLICY`…).
 * In iptables-save output only `-A` occurs; `-N`/`-P` occur in `iptables -S` listings.
 */
export interface CommandLine {
  kind: 'command';
  /** Line-level counters `[p:b] -A …` (iptables-save -c). */
  counters?: Counters;
  command: CommandName;
  /** The command token as written (`-A`, `--append`, `-Afoo` is split: word is `-A`). */
  commandWord: Word;
  chain?: Word;
  /** `-I CHAIN 3`, `-R CHAIN 2`, `-D CHAIN 4`, `-Z CHAIN 1`. */
  ruleNumber?: Word;
  /** `-P CHAIN POLICY` policy; `-E OLD NEW` new name. */
  argument?: Word;
  /** Rule specification for -A/-I/-R/-D/-C; absent for other commands. */
  rule?: RuleSpec;
  /** `-4` / `-6` marker on the line: the line applies only to that family. */
  familyOnly?: Family;
  /** The line ended with a blank before the newline. */
  trailingBlank: boolean;
  span: Span;
}

/** Base (non-extension) options of a rule. */
export type BaseOptionName = 'source' | 'destination' | 'in-interface' | 'out-interface' | 'protocol' | 'fragment' | 'set-counters';

/**
 * How `!` was written: `prefix` is `! -s x` (iptables ≥ 1.4.4 prints this);
 * `infix` is the pre-1.4.11 form `-s ! x` / `--dport ! 22`.
 */
export type Negation = 'none' | 'prefix' | 'infix';

export interface BaseOption {
  kind: 'base';
  name: BaseOptionName;
  /** Option token as written (`-s`, `--source`, `--src`, `-s1.2.3.4` split…). */
  optionWord: Word;
  negation: Negation;
  /** Span of the `!` token when negated. */
  bangSpan?: Span;
  /** Arguments (one for most; none for `-f`; two for `-c P B`). */
  values: Word[];
  span: Span;
}

/** An option that belongs to a match or target extension (`--dport 22`, `--to-destination x`). */
export interface ExtensionOption {
  kind: 'ext-option';
  /** Canonical long name without dashes (`dport`), resolved through aliases/prefixes when known. */
  name: string;
  optionWord: Word;
  negation: Negation;
  bangSpan?: Span;
  values: Word[];
  span: Span;
}

export interface MatchSpec {
  kind: 'match';
  /** Module name (`tcp`, `conntrack`, `state`…). */
  name: Word;
  /** The `-m`/`--match` token; absent for a match loaded implicitly by `-p tcp`. */
  matchWord?: Word;
  /** False when the module is not in iptlint's extension registry: options are kept raw. */
  known: boolean;
  options: ExtensionOption[];
  /** `[unsupported revision]` printed by legacy iptables-save after the module name. */
  unsupportedRevision?: boolean;
  span: Span;
}

export type TargetKind = 'jump' | 'goto';

export interface TargetSpec {
  kind: 'target';
  via: TargetKind;
  /** The `-j`/`-g` token as written. */
  jumpWord: Word;
  /** `ACCEPT`, `DROP`, `RETURN`, `QUEUE`, an extension (`DNAT`) or a user chain. */
  name: Word;
  known: boolean;
  options: ExtensionOption[];
  unsupportedRevision?: boolean;
  span: Span;
}

/** Everything in a rule specification, in source order (the printer walks this). */
export type RulePart = BaseOption | MatchSpec | TargetSpec;

export interface RuleSpec {
  parts: RulePart[];
  span: Span;
}

export interface ParseError {
  /** Stable identifier, e.g. `syntax/unterminated-quote`. */
  code: string;
  message: string;
  /** What would have been valid here, shown to the user. */
  expected?: string;
  span: Span;
}

/**
 * A table block. In `save` format: `*name` … `COMMIT`. In `list` format the
 * table comes from `# table: X` lines or the caller's default.
 */
export interface TableBlock {
  name: string;
  header?: TableHeader;
  chains: ChainDeclaration[];
  commands: CommandLine[];
  commit?: CommitLine;
  span: Span;
}

export interface ParseResult {
  file: string;
  format: DumpFormat;
  family: Family;
  /** All lines in order — what the printer prints. */
  statements: Statement[];
  tables: TableBlock[];
  errors: ParseError[];
  /** The input used CRLF line ends (reported as an error; parsing went on as if LF). */
  crlf: boolean;
  /** The input started with a UTF-8 BOM (reported; skipped). */
  bom: boolean;
  /** The last line had no terminating newline. */
  missingFinalNewline: boolean;
}
