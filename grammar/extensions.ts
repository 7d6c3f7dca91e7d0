/**
 * Lookups over the extension registry (extensions-data.ts) in the shapes the
 * rule-spec interpreter needs: find a match/target module by the name written
 * after `-m`/`-j`, and its long options by exact name or alias.
 */
import type { ExtensionDef, OptionDef } from './extension-types.js';
import { EXTENSIONS, OPTIONAL_OPERAND_OPTIONS } from './extensions-data.js';

export interface ExtensionInfo {
  def: ExtensionDef;
  /** Every accepted long name (canonical names and aliases) → its option. */
  optionsByName: ReadonlyMap<string, OptionDef>;
  /** The same keyed by the word as written (`--dport`). */
  optionsByFlag: ReadonlyMap<string, OptionDef>;
  /** Options whose operand is optional (taken only if the next word does not begin with `-` or `!`). */
  optionalOperands: ReadonlySet<string>;
}

function indexExtension(def: ExtensionDef): ExtensionInfo {
  const optionsByName = new Map<string, OptionDef>();
  for (const option of def.options) {
    optionsByName.set(option.name, option);
    for (const alias of option.aliases ?? []) optionsByName.set(alias, option);
  }
  const optionsByFlag = new Map([...optionsByName].map(([name, option]) => [`--${name}`, option]));
  const optionalOperands = Object.hasOwn(OPTIONAL_OPERAND_OPTIONS, def.name) ? OPTIONAL_OPERAND_OPTIONS[def.name] : undefined;
  return { def, optionsByName, optionsByFlag, optionalOperands: new Set(optionalOperands ?? []) };
}

const matches = new Map<string, ExtensionInfo>();
const targets = new Map<string, ExtensionInfo>();
for (const def of EXTENSIONS) {
  (def.kind === 'match' ? matches : targets).set(def.name, indexExtension(def));
}

/**
 * `libxtables/xtables.c: xtables_find_match()` treats `icmpv6` and
 * `ipv6-icmp` as names of the `icmp6` match.
 */
const MATCH_NAME_ALIASES: ReadonlyMap<string, string> = new Map([
  ['icmpv6', 'icmp6'],
  ['ipv6-icmp', 'icmp6'],
]);

export function findMatch(name: string): ExtensionInfo | undefined {
  return matches.get(name) ?? matches.get(MATCH_NAME_ALIASES.get(name) ?? '');
}

export function findTarget(name: string): ExtensionInfo | undefined {
  return targets.get(name);
}

/** `libxtables/xtables.c: xtables_chain_protos[]`: protocol numbers → names, first entry wins. */
const CHAIN_PROTOS: readonly (readonly [string, number])[] = [
  ['tcp', 6],
  ['sctp', 132],
  ['udp', 17],
  ['udplite', 136],
  ['icmp', 1],
  ['ipv6-icmp', 58],
  ['icmpv6', 58],
  ['esp', 50],
  ['ah', 51],
  ['mobility-header', 135],
  ['ipv6-mh', 135],
  ['mh', 135],
  ['dccp', 33],
  ['ipcomp', 108],
  ['all', 0],
];

/** `xtables_strtoui(s, NULL, &n, 0, 255)`: base 0 (decimal, 0x hex, leading-0 octal). */
function parseProtocolNumber(text: string): number | undefined {
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) value = parseInt(text, 8);
  else if (/^[1-9][0-9]*$/.test(text)) value = parseInt(text, 10);
  else return undefined;
  return value <= 255 ? value : undefined;
}

/**
 * The match that `-p PROTO` loads on demand when an option is unknown
 * (`xshared.c: load_proto()` → `find_proto()`): the protocol name itself, or
 * for a number the name from `xtables_chain_protos[]`.
 */
export function implicitProtocolMatch(protocol: string): ExtensionInfo | undefined {
  const lower = protocol.toLowerCase();
  const number = parseProtocolNumber(lower);
  if (number === undefined) return findMatch(lower);
  const entry = CHAIN_PROTOS.find(([, n]) => n === number);
  return entry === undefined ? undefined : findMatch(entry[0]);
}

/** Names of every option of an extension, for "did you mean" suggestions. */
export function optionNames(info: ExtensionInfo): string[] {
  return [...info.optionsByName.keys()];
}
