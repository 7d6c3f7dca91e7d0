/**
 * A normalized text key of a rule specification: two rules with the same key
 * are the same rule to iptables (same values after parsing, options of a match
 * in any order). Used for `-D CHAIN rule-spec` and duplicate detection.
 */
import type { ExtensionOption, Family, RuleSpec } from '../../grammar/ast.js';
import { parseAddressPredicate } from './predicates.js';
import { protocolNumber } from './protocols.js';

export interface RuleKeyOptions {
  /** Leave `-m comment` out: rules that differ only in their comment behave the same. */
  ignoreComments?: boolean;
}

const SEPARATOR = '\u0000';

export function ruleKey(spec: RuleSpec | undefined, family: Family, options: RuleKeyOptions = {}): string {
  if (!spec) return '';
  const base: string[] = [];
  const rest: string[] = [];
  for (const part of spec.parts) {
    switch (part.kind) {
      case 'base': {
        if (part.name === 'set-counters') break;
        const bang = part.negation === 'none' ? '' : '!';
        base.push(`${bang}${part.name}=${normalizeBaseValue(part.name, part.values[0]?.text ?? '', family)}`);
        break;
      }
      case 'match':
        if (options.ignoreComments && part.name.text === 'comment') break;
        rest.push(`m:${part.name.text}(${optionsKey(part.options)})`);
        break;
      case 'target':
        rest.push(`${part.via}:${part.name.text}(${optionsKey(part.options)})`);
        break;
    }
  }
  // Base options are one struct in the kernel entry: their written order does not matter.
  base.sort();
  return [...base, ...rest].join(SEPARATOR);
}

function normalizeBaseValue(name: string, value: string, family: Family): string {
  switch (name) {
    case 'source':
    case 'destination': {
      const address = parseAddressPredicate(value, false, family);
      return address.unparsed ?? address.cidrs.map((c) => c.text).join(',');
    }
    case 'protocol': {
      const number = protocolNumber(value);
      return number === null ? value.toLowerCase() : String(number);
    }
    default:
      return value;
  }
}

function optionsKey(options: readonly ExtensionOption[]): string {
  return options
    .map((o) => `${o.negation === 'none' ? '' : '!'}${o.name}=${o.values.map((v) => v.text).join(' ')}`)
    .sort()
    .join(';');
}
