/**
 * Recognises Docker's rules in a dump by matching them against the rule
 * templates. Rules in Docker's own chains are Docker's whatever they name;
 * rules in built-in chains (FORWARD, POSTROUTING, raw PREROUTING…) are only
 * taken as Docker's when they name a Docker bridge, subnet or container, so a
 * user's `-A FORWARD -i eth0 -j ACCEPT` is not mistaken for a bridge rule.
 */
import type { Model, Rule } from '../model/types.js';
import { addressInCidr, isLoopbackAddress } from './address.js';
import { matchShape, shapeOfRule, type RuleShape } from './rule-shape.js';
import { compiledTemplates, type CompiledTemplate } from './templates.js';

export interface RawClassifiedRule {
  rule: Rule;
  template: CompiledTemplate;
  captures: Record<string, string>;
}

export interface Classification {
  rules: RawClassifiedRule[];
  /** Bridges named in Docker's own chains, which Docker flushes and rebuilds at start. */
  liveBridges: Set<string>;
  /** Every bridge any Docker rule names. */
  allBridges: Set<string>;
}

export interface KnownEntities {
  bridges: ReadonlySet<string>;
  subnets: readonly string[];
  addresses: ReadonlySet<string>;
}

const BUILTIN_CHAINS: Record<string, readonly string[]> = {
  filter: ['FORWARD'],
  nat: ['PREROUTING', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING'],
  mangle: ['POSTROUTING'],
};

const WELL_KNOWN_BRIDGE = /^(docker0|docker_gwbridge|br-[0-9a-f]{12})$/;

/** Chains Docker creates and flushes; DOCKER-USER belongs to the user, DOCKER-INGRESS to swarm. */
export function isDockerOwnedChain(name: string): boolean {
  return name.startsWith('DOCKER') && name !== 'DOCKER-USER' && name !== 'DOCKER-INGRESS';
}

function templatesByChain(): Map<string, CompiledTemplate[]> {
  const map = new Map<string, CompiledTemplate[]>();
  for (const template of compiledTemplates()) {
    const key = `${template.table}/${template.shape.chain}`;
    const list = map.get(key) ?? [];
    list.push(template);
    map.set(key, list);
  }
  return map;
}

function matchTemplates(templates: readonly CompiledTemplate[], shape: RuleShape): { template: CompiledTemplate; captures: Record<string, string> }[] {
  const found: { template: CompiledTemplate; captures: Record<string, string> }[] = [];
  for (const template of templates) {
    const captures = matchShape(template.shape, shape);
    if (captures) found.push({ template, captures });
  }
  return found;
}

const NOT_BRIDGES = new Set(['lo', 'loopback0']);

function bridgesOf(captures: Record<string, string>): string[] {
  return [captures['BR'], captures['OTHER']].filter((value): value is string => value !== undefined && !NOT_BRIDGES.has(value));
}

function containerAddressOf(captures: Record<string, string>): string | undefined {
  return captures['CIP'] ?? captures['CADDR'];
}

export function classifyRules(model: Model, known: KnownEntities): Classification {
  const byChain = templatesByChain();
  const rules: RawClassifiedRule[] = [];
  const liveBridges = new Set<string>();
  const addresses = new Set<string>(known.addresses);
  const subnets = [...known.subnets];

  for (const [tableName, table] of model.tables) {
    for (const [chainName, chain] of table.chains) {
      if (!isDockerOwnedChain(chainName)) continue;
      const templates = byChain.get(`${tableName}/${chainName}`) ?? [];
      for (const rule of chain.rules) {
        const [first] = matchTemplates(templates, shapeOfRule(rule));
        if (!first) continue;
        rules.push({ rule, ...first });
        for (const bridge of bridgesOf(first.captures)) liveBridges.add(bridge);
        const address = containerAddressOf(first.captures);
        if (address) addresses.add(address);
        if (first.captures['SUBNET']) subnets.push(first.captures['SUBNET']);
      }
    }
  }

  const bridges = new Set<string>([...known.bridges, ...liveBridges]);
  const builtinCandidates: { rule: Rule; matches: { template: CompiledTemplate; captures: Record<string, string> }[] }[] = [];
  for (const [tableName, chainNames] of Object.entries(BUILTIN_CHAINS)) {
    for (const chainName of chainNames) {
      const chain = model.tables.get(tableName)?.chains.get(chainName);
      const templates = byChain.get(`${tableName}/${chainName}`) ?? [];
      for (const rule of chain?.rules ?? []) {
        const matches = matchTemplates(templates, shapeOfRule(rule));
        if (matches.length === 0) continue;
        builtinCandidates.push({ rule, matches });
        // A FORWARD jump into DOCKER for a bridge, and raw-table drops of Docker's shape, are Docker's own.
        for (const { template, captures } of matches) {
          if (template.id === 'forward-out-docker' || template.table === 'raw') for (const bridge of bridgesOf(captures)) bridges.add(bridge);
        }
      }
    }
  }

  const isDockerBridge = (name: string): boolean => bridges.has(name) || WELL_KNOWN_BRIDGE.test(name);
  for (const { matches } of builtinCandidates) {
    for (const { captures } of matches) {
      const bridge = captures['BR'];
      if (bridge && isDockerBridge(bridge) && captures['SUBNET']) subnets.push(captures['SUBNET']);
    }
  }
  const isDockerAddress = (address: string): boolean =>
    addresses.has(address) || subnets.some((subnet) => addressInCidr(address, subnet));

  for (const { rule, matches } of builtinCandidates) {
    const accepted = matches.find(({ template, captures }) => {
      const named = bridgesOf(captures);
      if (named.length > 0) return template.table === 'raw' || named.every(isDockerBridge);
      const address = containerAddressOf(captures);
      if (address) return isDockerAddress(address);
      if (captures['HIP']) return isLoopbackAddress(captures['HIP']);
      return true;
    });
    if (!accepted) continue;
    rules.push({ rule, ...accepted });
  }

  const allBridges = new Set<string>();
  for (const { captures } of rules) for (const bridge of bridgesOf(captures)) allBridges.add(bridge);
  return { rules, liveBridges, allBridges };
}
