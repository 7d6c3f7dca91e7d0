/**
 * iptables' own command-line options, as getopt sees them: the short-option
 * string `IPT_OPTSTRING` (`iptables/xshared.h`) and the long options
 * `original_opts[]` (`iptables/xtables.c`). Extension options are added on
 * top of these while a line is read (rule-spec.ts).
 */
import type { BaseOptionName, CommandName } from './ast.js';

/** getopt's `has_arg`: `optional` arguments must be attached (`-Fchain`, `--flush=chain`). */
export type GetoptArgument = 'none' | 'required' | 'optional';

export type BaseOptionId =
  | { kind: 'command'; command: CommandName }
  | { kind: 'option'; name: BaseOptionName }
  | { kind: 'match' }
  | { kind: 'jump' }
  | { kind: 'goto' }
  | { kind: 'family'; family: 'ipv4' | 'ipv6' }
  /** `-t`: rejected inside a restore line since v1.8.4 (`do_parse()` `table_set`). */
  | { kind: 'table' }
  /** Options that only make sense on an interactive command line (`-v`, `-n`, `-w`…). */
  | { kind: 'interactive'; reason: string };

export interface BaseOptionSpec {
  id: BaseOptionId;
  short?: string;
  long: readonly string[];
  argument: GetoptArgument;
}

const command = (command: CommandName, short: string, long: string, argument: GetoptArgument): BaseOptionSpec => ({
  id: { kind: 'command', command },
  short,
  long: [long],
  argument,
});

const interactive = (short: string | undefined, long: string, argument: GetoptArgument, reason: string): BaseOptionSpec => {
  const spec: BaseOptionSpec = { id: { kind: 'interactive', reason }, long: [long], argument };
  if (short !== undefined) spec.short = short;
  return spec;
};

export const BASE_OPTIONS: readonly BaseOptionSpec[] = [
  command('append', 'A', 'append', 'required'),
  command('delete', 'D', 'delete', 'required'),
  command('check', 'C', 'check', 'required'),
  command('insert', 'I', 'insert', 'required'),
  command('replace', 'R', 'replace', 'required'),
  command('list', 'L', 'list', 'optional'),
  command('list-rules', 'S', 'list-rules', 'optional'),
  command('flush', 'F', 'flush', 'optional'),
  command('zero', 'Z', 'zero', 'optional'),
  command('new-chain', 'N', 'new-chain', 'required'),
  command('delete-chain', 'X', 'delete-chain', 'optional'),
  command('rename-chain', 'E', 'rename-chain', 'required'),
  command('policy', 'P', 'policy', 'required'),
  { id: { kind: 'option', name: 'source' }, short: 's', long: ['source', 'src'], argument: 'required' },
  { id: { kind: 'option', name: 'destination' }, short: 'd', long: ['destination', 'dst'], argument: 'required' },
  { id: { kind: 'option', name: 'protocol' }, short: 'p', long: ['protocol'], argument: 'required' },
  { id: { kind: 'option', name: 'in-interface' }, short: 'i', long: ['in-interface'], argument: 'required' },
  { id: { kind: 'option', name: 'out-interface' }, short: 'o', long: ['out-interface'], argument: 'required' },
  { id: { kind: 'option', name: 'fragment' }, short: 'f', long: ['fragments'], argument: 'none' },
  { id: { kind: 'option', name: 'set-counters' }, short: 'c', long: ['set-counters'], argument: 'required' },
  { id: { kind: 'jump' }, short: 'j', long: ['jump'], argument: 'required' },
  { id: { kind: 'goto' }, short: 'g', long: ['goto'], argument: 'required' },
  { id: { kind: 'match' }, short: 'm', long: ['match'], argument: 'required' },
  { id: { kind: 'table' }, short: 't', long: ['table'], argument: 'required' },
  { id: { kind: 'family', family: 'ipv4' }, short: '4', long: ['ipv4'], argument: 'none' },
  { id: { kind: 'family', family: 'ipv6' }, short: '6', long: ['ipv6'], argument: 'none' },
  interactive('n', 'numeric', 'none', 'only changes how rules are listed'),
  interactive('v', 'verbose', 'none', 'only changes what iptables prints'),
  interactive('x', 'exact', 'none', 'only changes how counters are listed'),
  interactive(undefined, 'line-numbers', 'none', 'only changes how rules are listed'),
  interactive('V', 'version', 'none', 'prints the version and exits'),
  interactive('h', 'help', 'optional', 'prints help and exits'),
  interactive('M', 'modprobe', 'required', 'sets the modprobe program'),
  interactive('w', 'wait', 'optional', 'iptables-restore refuses it ("You cannot use `-w\' from iptables-restore")'),
  interactive('W', 'wait-interval', 'optional', 'iptables-restore refuses it ("You cannot use `-W\' from iptables-restore")'),
];

export const BASE_BY_SHORT: ReadonlyMap<string, BaseOptionSpec> = new Map(
  BASE_OPTIONS.filter((spec) => spec.short !== undefined).map((spec) => [spec.short as string, spec]),
);

export const BASE_BY_LONG: ReadonlyMap<string, BaseOptionSpec> = new Map(
  BASE_OPTIONS.flatMap((spec) => spec.long.map((name) => [name, spec] as const)),
);

/** The same, keyed by the word as written (`--source`), to look words up without slicing them. */
export const BASE_BY_FLAG: ReadonlyMap<string, BaseOptionSpec> = new Map([...BASE_BY_LONG].map(([name, spec]) => [`--${name}`, spec]));

/** Commands that take a rule specification. */
export const RULE_COMMANDS: ReadonlySet<CommandName> = new Set(['append', 'insert', 'replace', 'delete', 'check']);

export function shortFormOf(spec: BaseOptionSpec): string {
  return spec.short !== undefined ? `-${spec.short}` : `--${spec.long[0] ?? ''}`;
}
