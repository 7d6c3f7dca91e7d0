/**
 * fast-check arbitraries of VALID rulesets, built from the extension
 * registry (grammar/extensions-data.ts): every match and target iptables
 * knows, with their real option names, arity, `!` where allowed and every
 * mandatory option; base options; user chains; save and list formats.
 * A generated ruleset is what iptables-save could print (values are not
 * checked by the parser, so they come from a small pool of plausible words).
 */
import fc from 'fast-check';
import type { Family } from '../../grammar/ast.js';
import { EXTENSIONS, OPTIONAL_OPERAND_OPTIONS } from '../../grammar/extensions-data.js';
import type { ExtensionDef, OptionDef } from '../../grammar/extension-types.js';

const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/** Long names of the base options: extension options must not shadow them in one rule. */
const BASE_LONG_NAMES = new Set(['source', 'src', 'destination', 'dst', 'protocol', 'in-interface', 'out-interface', 'fragment', 'set-counters', 'match', 'jump', 'goto']);

/** A word as iptables-save prints it: quoted (with `\"` and `\\`) only when it has to be. */
export function saveQuote(text: string): string {
  if (text !== '' && !/[\s"\\']/.test(text)) return text;
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

const plainValue = fc.constantFrom('1', '22', '1:1024', '80,443', 'eth0', 'br-0123456789ab', '10.0.0.0/8', '2001:db8::/64', 'NEW,ESTABLISHED', 'SYN,ACK', '0x10/0xff', 'abc', 'x.y');
/** Free text (comments, log prefixes): blanks, quotes, backslashes, unicode. */
const freeText = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', "'", ':', '-', '!', '#', 'é', '日', '\t'), minLength: 1, maxLength: 20 })
  .filter((text) => text.trim() === text && !text.includes('\t') && !/^[-!]/.test(text));
const value = fc.oneof({ weight: 4, arbitrary: plainValue }, { weight: 1, arbitrary: freeText }).map(saveQuote);

const chainName = fc.stringMatching(/^[A-Z][A-Z0-9_-]{0,12}$/).filter((name) => !VERDICTS.has(name) && !/^(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/.test(name));

function usable(def: ExtensionDef, family: Family): boolean {
  // Options with an optional operand depend on the next word; they have tests of their own.
  return def.families.includes(family) && OPTIONAL_OPERAND_OPTIONS[def.name] === undefined;
}

/** An option of an extension as words (` ! --name v1 v2`). */
function optionText(option: OptionDef): fc.Arbitrary<string> {
  return fc.tuple(option.invertible ? fc.boolean() : fc.constant(false), fc.array(value, { minLength: option.args, maxLength: option.args })).map(
    ([negated, values]) => `${negated ? '! ' : ''}--${option.name}${values.map((v) => ` ${v}`).join('')}`,
  );
}

/** Mandatory options always, up to three others; option names are unique within the rule (`used`). */
function extensionOptions(def: ExtensionDef, used: Set<string>): fc.Arbitrary<string[]> {
  const free = def.options.filter((option) => !used.has(option.name) && !BASE_LONG_NAMES.has(option.name));
  for (const option of free) used.add(option.name);
  const mandatory = free.filter((option) => option.mandatory === true);
  const optional = free.filter((option) => option.mandatory !== true);
  return fc
    .tuple(fc.tuple(...mandatory.map(optionText)), fc.subarray(optional, { maxLength: Math.min(3, optional.length) }).chain((chosen) => fc.tuple(...chosen.map(optionText))))
    .map(([must, may]) => [...must, ...may]);
}

function matchArbitrary(family: Family): fc.Arbitrary<ExtensionDef[]> {
  const matches = EXTENSIONS.filter((def) => def.kind === 'match' && usable(def, family));
  return fc.uniqueArray(fc.constantFrom(...matches), { maxLength: 3, selector: (def) => def.name });
}

const baseOptions = fc.subarray(
  [
    fc.tuple(fc.boolean(), plainValue).map(([bang, v]) => `${bang ? '! ' : ''}-s ${v}`),
    fc.tuple(fc.boolean(), plainValue).map(([bang, v]) => `${bang ? '! ' : ''}-d ${v}`),
    fc.tuple(fc.boolean(), fc.constantFrom('eth0', 'docker0', 'br+', 'lo')).map(([bang, v]) => `${bang ? '! ' : ''}-i ${v}`),
    fc.tuple(fc.boolean(), fc.constantFrom('eth0', 'docker0', 'br+', 'lo')).map(([bang, v]) => `${bang ? '! ' : ''}-o ${v}`),
    fc.tuple(fc.boolean(), fc.constantFrom('tcp', 'udp', 'icmp', 'sctp', '47', 'all')).map(([bang, v]) => `${bang ? '! ' : ''}-p ${v}`),
  ],
  { maxLength: 4 },
).chain((chosen) => (chosen.length === 0 ? fc.constant([] as string[]) : fc.tuple(...chosen)));

function ruleArbitrary(family: Family, userChains: readonly string[]): fc.Arbitrary<string> {
  const targets = EXTENSIONS.filter((def) => def.kind === 'target' && usable(def, family));
  const target = fc.oneof(
    fc.constantFrom(...targets).map((def) => ({ def, name: def.name, via: '-j' })),
    ...(userChains.length > 0 ? [fc.tuple(fc.constantFrom(...userChains), fc.constantFrom('-j', '-g')).map(([name, via]) => ({ def: undefined, name, via }))] : []),
  );
  return fc
    .tuple(baseOptions, matchArbitrary(family), fc.option(target, { nil: undefined }))
    .chain(([base, matches, jump]) => {
      const used = new Set<string>();
      const matchParts = matches.map((def) => extensionOptions(def, used).map((options) => [`-m ${def.name}`, ...options].join(' ')));
      const targetPart = jump === undefined
        ? fc.constant([] as string[])
        : (jump.def ? extensionOptions(jump.def, used) : fc.constant([] as string[])).map((options) => [`${jump.via} ${jump.name}`, ...options]);
      return fc.tuple(fc.tuple(...matchParts), targetPart).map(([matchTexts, targetTexts]) => [...base, ...matchTexts, ...targetTexts].join(' '));
    });
}

export interface GeneratedRuleset {
  family: Family;
  format: 'save' | 'list';
  text: string;
}

function tableArbitrary(family: Family, table: string): fc.Arbitrary<{ table: string; chains: string[]; lines: string[] }> {
  const builtins = BUILTIN_CHAINS[table] as readonly string[];
  return fc.uniqueArray(chainName, { maxLength: 4 }).chain((userChains) => {
    const chains = [...builtins, ...userChains];
    const rule = fc.tuple(fc.constantFrom(...chains), ruleArbitrary(family, userChains)).map(([chain, spec]) => `-A ${chain}${spec === '' ? '' : ` ${spec}`}`);
    return fc.tuple(fc.constantFrom('ACCEPT', 'DROP'), fc.array(rule, { maxLength: 8 })).map(([policy, lines]) => ({ table, chains: [policy, ...userChains], lines }));
  });
}

export function rulesetArbitrary(): fc.Arbitrary<GeneratedRuleset> {
  return fc
    .tuple(fc.constantFrom<Family>('ipv4', 'ipv6'), fc.constantFrom<'save' | 'list'>('save', 'list'), fc.subarray(Object.keys(BUILTIN_CHAINS), { minLength: 1 }))
    .chain(([family, format, tables]) =>
      fc.tuple(...tables.map((table) => tableArbitrary(family, table))).map((blocks) => {
        const lines: string[] = [];
        for (const { table, chains, lines: rules } of blocks) {
          const [policy, ...userChains] = chains as [string, ...string[]];
          const builtins = BUILTIN_CHAINS[table] as readonly string[];
          if (format === 'save') {
            lines.push(`*${table}`, ...builtins.map((chain) => `:${chain} ${policy} [0:0]`), ...userChains.map((chain) => `:${chain} - [0:0]`), ...rules, 'COMMIT');
          } else {
            lines.push(`# table: ${table}`, ...builtins.map((chain) => `-P ${chain} ${policy}`), ...userChains.map((chain) => `-N ${chain}`), ...rules);
          }
        }
        return { family, format, text: `${lines.join('\n')}\n` };
      }),
    );
}
