/**
 * Docker's rules of a dump as facts: each rule Docker's templates recognise,
 * with its bridge, subnet and container address replaced by entity keys, so
 * the same published port, isolation rule or masquerade is the same fact on
 * both sides whatever bridge id or rule order Docker chose that day.
 */
import type { ClassifiedRule, InvariantId } from '../docker/types.js';
import type { Rule } from '../model/types.js';
import type { SideEntities } from './entities.js';

export interface DockerFact {
  /** Equal on both sides for the same fact. */
  key: string;
  templateId: string;
  invariant: InvariantId;
  rule: Rule;
  /** Placeholder values with entities as keys (`BR` → `subnet:172.18.0.0/16`). */
  values: Record<string, string>;
}

const NETWORK_PLACEHOLDERS = new Set(['BR', 'OTHER']);
const ADDRESS_PLACEHOLDERS = new Set(['CIP', 'CADDR', 'PEER']);
const NOT_BRIDGES = new Set(['lo', 'loopback0']);

export function dockerFacts(classified: readonly ClassifiedRule[], entities: SideEntities): DockerFact[] {
  return classified.map((entry) => {
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.captures)) {
      if (NETWORK_PLACEHOLDERS.has(name) && !NOT_BRIDGES.has(value)) values[name] = entities.bridgeKey(value);
      else if (name === 'SUBNET') values[name] = entities.subnetKey(value);
      else if (ADDRESS_PLACEHOLDERS.has(name)) values[name] = entities.addressKey(value);
      else values[name] = value;
    }
    return { key: factKey(entry.rule, entry.templateId, values), templateId: entry.templateId, invariant: entry.invariant, rule: entry.rule, values };
  });
}

export function factKey(rule: Rule, templateId: string, values: Record<string, string>): string {
  const parts = Object.keys(values)
    .sort()
    .map((name) => `${name}=${values[name]}`);
  return `${rule.table}|${rule.chain}|${templateId}|${parts.join('|')}`;
}

/** Entity keys a fact names. */
export function entitiesOf(fact: DockerFact): string[] {
  return Object.entries(fact.values)
    .filter(([name]) => NETWORK_PLACEHOLDERS.has(name) || ADDRESS_PLACEHOLDERS.has(name) || name === 'SUBNET')
    .map(([, value]) => value);
}
