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
  let rest = '';
  const parts = spec.parts;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as RuleSpec['parts'][number];
    switch (part.kind) {
      case 'base': {
        if (part.name === 'set-counters') break;
        const bang = part.negation === 'none' ? '' : '!';
        base.push(`${bang}${part.name}=${normalizeBaseValue(part.name, part.values[0]?.text ?? '', family)}`);
        break;
      }
      case 'match':
        if (options.ignoreComments && part.name.text === 'comment') break;
        rest += `${SEPARATOR}m:${part.name.text}(${optionsKey(part.options)})`;
        break;
      case 'target':
        rest += `${SEPARATOR}${part.via}:${part.name.text}(${optionsKey(part.options)})`;
        break;
    }
  }
  // Base options are one struct in the kernel entry: their written order does not matter.
  if (base.length > 1) base.sort();
  const head = base.join(SEPARATOR);
  // `rest` starts with a separator: drop it when there is no base part.
  return base.length > 0 ? head + rest : rest.substring(SEPARATOR.length);
}

function normalizeBaseValue(name: string, value: string, family: Family): string {
  switch (name) {
    case 'source':
    case 'destination': {
      const cache = family === 'ipv4' ? ipv4AddressKeys : ipv6AddressKeys;
      let key = cache.get(value);
      if (key === undefined) {
        const address = parseAddressPredicate(value, false, family);
        key = address.unparsed ?? address.cidrs.map((c) => c.text).join(',');
        if (cache.size >= ADDRESS_KEY_CACHE_LIMIT) cache.clear();
        cache.set(value, key);
      }
      return key;
    }
    case 'protocol': {
      const number = protocolNumber(value);
      return number === null ? value.toLowerCase() : String(number);
    }
    default:
      return value;
  }
}

/** Normalized `-s`/`-d` values by text: dumps repeat the same addresses on many rules. */
const ADDRESS_KEY_CACHE_LIMIT = 1 << 16;
const ipv4AddressKeys = new Map<string, string>();
const ipv6AddressKeys = new Map<string, string>();

function optionsKey(options: readonly ExtensionOption[]): string {
  if (options.length === 0) return '';
  if (options.length === 1) return optionKey(options[0] as ExtensionOption);
  const keys: string[] = [];
  for (let i = 0; i < options.length; i++) keys.push(optionKey(options[i] as ExtensionOption));
  return keys.sort().join(';');
}

function optionKey(o: ExtensionOption): string {
  const values = o.values;
  const text = values.length === 1 ? (values[0] as { text: string }).text : values.map((v) => v.text).join(' ');
  return `${o.negation === 'none' ? '' : '!'}${o.name}=${text}`;
}
