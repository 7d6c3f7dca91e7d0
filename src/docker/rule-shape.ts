/**
 * A rule reduced to what decides whether two rules are the same rule:
 * the set of (negated?) conditions, the target and its options, with values
 * in one canonical spelling. Rules of the dump (from the AST) and rule
 * templates written as `iptables -S` text reduce to the same shape, so a
 * template can be compared with, or matched against, a real rule.
 */
import ipaddr from 'ipaddr.js';
import type { RulePart } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';

export interface ShapeCondition {
  /** `s`, `d`, `i`, `o`, `p`, `dport`, `sport`, `f`, or `<match>.<option>`. */
  name: string;
  negated: boolean;
  value: string;
}

export interface RuleShape {
  chain: string;
  /** Sorted by name. */
  conditions: ShapeCondition[];
  /** `ACCEPT`, `DNAT`, a chain name…; empty when the rule has no target. */
  target: string;
  /** Sorted by name. */
  targetOptions: ShapeCondition[];
}

const PORT_MATCHES = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
const PROTOCOL_NUMBERS: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '33': 'dccp',
  '58': 'ipv6-icmp',
  '132': 'sctp',
  '136': 'udplite',
  icmpv6: 'ipv6-icmp',
};
/** Matches whose options never change what a rule does (for our comparisons). */
const IGNORED_MATCHES = new Set(['comment']);
const BASE_NAMES: Record<string, string | undefined> = {
  source: 's',
  destination: 'd',
  'in-interface': 'i',
  'out-interface': 'o',
  protocol: 'p',
  fragment: 'f',
};

const PLACEHOLDER = /\{[A-Z0-9_]+\}/;

export function hasPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/** Address texts repeat a lot in a dump (every rule of a container): parse each spelling once. */
function memoize(compute: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size > 100_000) cache.clear();
      value = compute(text);
      cache.set(text, value);
    }
    return value;
  };
}

/** Canonical CIDR text (`192.0.2.2` → `192.0.2.2/32`), or the input when it is not an address. */
export const canonicalCidr = memoize(computeCanonicalCidr);

function computeCanonicalCidr(text: string): string {
  try {
    const slash = text.indexOf('/');
    const address = slash < 0 ? text : text.slice(0, slash);
    const parsed = ipaddr.parse(address);
    const maxBits = parsed.kind() === 'ipv4' ? 32 : 128;
    let bits = maxBits;
    if (slash >= 0) {
      const maskText = text.slice(slash + 1);
      if (/^\d+$/.test(maskText)) bits = Number(maskText);
      else bits = ipaddr.parse(maskText).prefixLengthFromSubnetMask() ?? maxBits;
    }
    const network = bits === maxBits ? parsed : networkAddress(parsed, bits);
    return `${network.toString()}/${bits}`;
  } catch {
    return text;
  }
}

function networkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return ipaddr.fromByteArray(bytes);
}

/** Canonical address text without prefix (`2001:DB8::0002` → `2001:db8::2`). */
export const canonicalAddress = memoize(computeCanonicalAddress);

function computeCanonicalAddress(text: string): string {
  try {
    return ipaddr.parse(text).toString();
  } catch {
    return text;
  }
}

/** `192.0.2.2:80`, `[2001:db8::2]:80`, `192.0.2.2:80-90` in canonical spelling. */
function canonicalNatDestination(text: string): string {
  const bracketed = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
  if (bracketed) {
    const port = bracketed[2] === undefined ? '' : `:${bracketed[2]}`;
    return `[${canonicalAddress(bracketed[1] ?? '')}]${port}`;
  }
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [address = '', port = ''] = text.split(':');
    return `${canonicalAddress(address)}:${port}`;
  }
  return canonicalAddress(text);
}

function canonicalValue(name: string, value: string): string {
  if (hasPlaceholder(value)) return value;
  switch (name) {
    case 's':
    case 'd':
      return canonicalCidr(value);
    case 'p': {
      const lower = value.toLowerCase();
      return Object.hasOwn(PROTOCOL_NUMBERS, lower) ? (PROTOCOL_NUMBERS[lower] as string) : lower;
    }
    case 'dport':
    case 'sport':
      return value.replace(':', '-');
    case 'conntrack.ctstate':
      return value
        .toUpperCase()
        .split(',')
        .sort()
        .join(',');
    case 'to-destination':
    case 'to-source':
      return canonicalNatDestination(value);
    case 'mark.mark':
      return value.toLowerCase();
    default:
      return value;
  }
}

function matchOptionName(match: string, option: string): string {
  // A template's `-m {PROTO}` is one of the port matches once filled in.
  if (PORT_MATCHES.has(match) || PLACEHOLDER.test(match)) {
    if (option === 'dport' || option === 'destination-port') return 'dport';
    if (option === 'sport' || option === 'source-port') return 'sport';
  }
  if (match === 'state' && option === 'state') return 'conntrack.ctstate';
  return `${match}.${option}`;
}

function sortConditions(conditions: ShapeCondition[]): ShapeCondition[] {
  return conditions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const SHAPES = new WeakMap<Rule, RuleShape>();

/** The shape of a rule of the dump, read from its AST parts (computed once per rule). */
export function shapeOfRule(rule: Rule): RuleShape {
  let shape = SHAPES.get(rule);
  if (!shape) {
    shape = computeShape(rule);
    SHAPES.set(rule, shape);
  }
  return shape;
}

function computeShape(rule: Rule): RuleShape {
  const parts: readonly RulePart[] = rule.command.rule?.parts ?? [];
  const conditions: ShapeCondition[] = [];
  let target = '';
  const targetOptions: ShapeCondition[] = [];
  for (const part of parts) {
    if (part.kind === 'base') {
      const name = BASE_NAMES[part.name];
      if (!name) continue;
      const raw = part.values[0]?.text ?? '';
      conditions.push({ name, negated: part.negation !== 'none', value: canonicalValue(name, raw) });
    } else if (part.kind === 'match') {
      const match = part.name.text.toLowerCase();
      if (IGNORED_MATCHES.has(match)) continue;
      for (const option of part.options) {
        const name = matchOptionName(match, option.name);
        const raw = option.values.map((v) => v.text).join(' ');
        conditions.push({ name, negated: option.negation !== 'none', value: canonicalValue(name, raw) });
      }
    } else {
      target = part.name.text;
      for (const option of part.options) {
        const raw = option.values.map((v) => v.text).join(' ');
        targetOptions.push({ name: option.name, negated: option.negation !== 'none', value: canonicalValue(option.name, raw) });
      }
    }
  }
  return { chain: rule.chain, conditions: sortConditions(conditions), target, targetOptions: sortConditions(targetOptions) };
}

/**
 * The shape of a rule written as `iptables -S` text (`-A CHAIN [!] -x v … -j T --opt v`).
 * Only for Docker's own rule templates, which are constants: values never start
 * with `-`, nothing is quoted, and `{NAME}` placeholders stand only for values (and for the
 * port match of `-m {PROTO}`, which the shape names `dport`/`sport`).
 * A template filled with values from a dump or a state file is never read back
 * as text (a bridge named `-x` would be read as an option): see `fillShape`.
 */
export function shapeOfText(text: string): RuleShape {
  let shape = TEXT_SHAPES.get(text);
  if (!shape) {
    if (TEXT_SHAPES.size > 100_000) TEXT_SHAPES.clear();
    shape = computeTextShape(text);
    TEXT_SHAPES.set(text, shape);
  }
  return shape;
}

const TEXT_SHAPES = new Map<string, RuleShape>();

function computeTextShape(text: string): RuleShape {
  const words = text.trim().split(/\s+/);
  if (words[0] !== '-A' || words[1] === undefined) throw new Error(`rule template must start with -A CHAIN: ${text}`);
  const plainName = (word: string): string => {
    if (hasPlaceholder(word)) throw new Error(`placeholder ${word} in a chain, target or option name of template: ${text}`);
    return word;
  };
  const chain = plainName(words[1]);
  const conditions: ShapeCondition[] = [];
  const targetOptions: ShapeCondition[] = [];
  let target = '';
  let currentMatch: string | null = null;
  let inTarget = false;
  let negated = false;
  let i = 2;
  const takeValues = (): string => {
    const values: string[] = [];
    while (i < words.length && !(words[i] ?? '').startsWith('-') && words[i] !== '!') values.push(words[i++] ?? '');
    return values.join(' ');
  };
  while (i < words.length) {
    const word = words[i++] ?? '';
    if (word === '!') {
      negated = true;
      continue;
    }
    if (word === '-m') {
      const module = words[i++] ?? '';
      currentMatch = hasPlaceholder(module) ? module : module.toLowerCase();
      continue;
    }
    if (word === '-j') {
      target = plainName(words[i++] ?? '');
      inTarget = true;
      continue;
    }
    const base = /^-([sdiopf])$/.exec(word);
    if (base && !inTarget) {
      const name = base[1] ?? '';
      const value = name === 'f' ? '' : takeValues();
      conditions.push({ name, negated, value: canonicalValue(name, value) });
    } else if (word.startsWith('--')) {
      const option = plainName(word.slice(2));
      const value = takeValues();
      if (inTarget) targetOptions.push({ name: option, negated, value: canonicalValue(option, value) });
      else if (currentMatch !== null) {
        const name = matchOptionName(currentMatch, option);
        conditions.push({ name, negated, value: canonicalValue(name, value) });
      } else throw new Error(`option ${word} outside a match in template: ${text}`);
    } else {
      throw new Error(`unexpected word ${word} in template: ${text}`);
    }
    negated = false;
  }
  return { chain, conditions: sortConditions(conditions), target, targetOptions: sortConditions(targetOptions) };
}

function conditionKey(condition: ShapeCondition): string {
  return `${condition.negated ? '!' : ''}${condition.name}=${condition.value}`;
}

/** Two rules with the same key are the same rule for Docker's purposes. */
export function shapeKey(table: string, shape: RuleShape): string {
  return [table, shape.chain, shape.conditions.map(conditionKey).join(' '), shape.target, shape.targetOptions.map(conditionKey).join(' ')].join('|');
}

/**
 * Matches a concrete shape against a template shape with `{NAME}` placeholders.
 * Returns the captured values, or null. A placeholder used twice must capture the same value.
 */
export function matchShape(pattern: RuleShape, actual: RuleShape): Record<string, string> | null {
  if (pattern.chain !== actual.chain || pattern.target !== actual.target) return null;
  if (pattern.conditions.length !== actual.conditions.length) return null;
  if (pattern.targetOptions.length !== actual.targetOptions.length) return null;
  const captures: Record<string, string> = {};
  const pairs: [ShapeCondition, ShapeCondition][] = [];
  for (let i = 0; i < pattern.conditions.length; i++) pairs.push([pattern.conditions[i] as ShapeCondition, actual.conditions[i] as ShapeCondition]);
  for (let i = 0; i < pattern.targetOptions.length; i++) pairs.push([pattern.targetOptions[i] as ShapeCondition, actual.targetOptions[i] as ShapeCondition]);
  for (const [want, have] of pairs) {
    if (want.name !== have.name || want.negated !== have.negated) return null;
    if (!matchValue(want.value, have.value, captures)) return null;
  }
  return captures;
}

interface CompiledPattern {
  regex: RegExp;
  names: string[];
}

const PATTERN_CACHE = new Map<string, CompiledPattern>();

function compilePattern(pattern: string): CompiledPattern {
  let compiled = PATTERN_CACHE.get(pattern);
  if (!compiled) {
    const names: string[] = [];
    const source = pattern
      .split(/(\{[A-Z0-9_]+\})/)
      .map((piece) => {
        if (PLACEHOLDER.test(piece)) {
          names.push(piece.slice(1, -1));
          return '(.+)';
        }
        return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    compiled = { regex: new RegExp(`^${source}$`), names };
    PATTERN_CACHE.set(pattern, compiled);
  }
  return compiled;
}

function matchValue(pattern: string, value: string, captures: Record<string, string>): boolean {
  if (!hasPlaceholder(pattern)) return pattern === value;
  const { regex, names } = compilePattern(pattern);
  const found = regex.exec(value);
  if (!found) return false;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const captured = found[i + 1] ?? '';
    const previous = captures[name];
    if (previous !== undefined && previous !== captured) return false;
    captures[name] = captured;
  }
  return true;
}

/**
 * The shape of a template filled with `values`: each placeholder of a condition
 * or target option value is replaced, then the value is put in canonical
 * spelling, exactly as for a rule of the dump. Values are data, whatever they
 * look like (`-x`, spaces, quotes); nothing is parsed again.
 */
export function fillShape(template: RuleShape, values: Record<string, string>): RuleShape {
  const fill = (condition: ShapeCondition): ShapeCondition =>
    hasPlaceholder(condition.value) ? { ...condition, value: canonicalValue(condition.name, fillTemplate(condition.value, values)) } : condition;
  return { chain: template.chain, conditions: template.conditions.map(fill), target: template.target, targetOptions: template.targetOptions.map(fill) };
}

/** Replaces `{NAME}` placeholders in a template text. Unknown names stay as they are. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}
