/**
 * `analyzeDocker`: the inventory every Docker rule module works from —
 * generation and its evidence, the expected networks and containers (from
 * inspect JSON, or inferred from the dump), which rules belong to which
 * network and container, and the expected rules that are missing or the
 * Docker rules that are not expected.
 */
import type { Family } from '../../grammar/ast.js';
import type { Model, Rule } from '../model/types.js';
import { addressInCidr, hostOf } from './address.js';
import { classifyRules, type RawClassifiedRule } from './classify.js';
import { detectDaemonSettings } from './daemon-settings.js';
import { detectGeneration } from './detect-generation.js';
import { G3_VARIANT_VERSIONS, GENERATION_VERSIONS, parseDockerVersion } from './docker-version.js';
import { templateFits } from './templates.js';
import { describeBinding, expectedRules, gatewayModeOf } from './expected-rules.js';
import { inferState, isDnatTemplate } from './infer-state.js';
import { placeForRule } from './model-access.js';
import { shapeKey, shapeOfRule } from './rule-shape.js';
import type {
  ClassifiedRule,
  DockerAnalysis,
  DockerContainerState,
  DockerGeneration,
  DockerInputs,
  DockerInventory,
  DockerNetworkState,
  ExpectedRule,
  G3Variant,
  MissingRule,
  PortDisagreement,
  StateSource,
  UnexpectedRule,
} from './types.js';

type Classification = ReturnType<typeof classifyRules>;

interface State {
  networks: DockerNetworkState[];
  containers: DockerContainerState[];
  source: StateSource;
  leftoverBridges: string[];
}

function addressOf(captures: Record<string, string>): string | undefined {
  const address = captures['CIP'] ?? captures['CADDR'];
  return address === undefined ? undefined : hostOf(address);
}

function endpointAddresses(container: DockerContainerState, family: Family): string[] {
  return container.endpoints.map((endpoint) => (family === 'ipv6' ? endpoint.ipv6 : endpoint.ipv4)).filter((address): address is string => address !== undefined);
}

/** Network-inspect addresses as containers, with the ports the dump shows for those addresses. */
function containersFromEndpoints(inputs: DockerInputs, inferred: readonly DockerContainerState[], family: Family): DockerContainerState[] {
  const byName = new Map<string, DockerContainerState>();
  for (const endpoint of inputs.networkEndpoints ?? []) {
    const container = byName.get(endpoint.containerName) ?? { name: endpoint.containerName, endpoints: [], ports: [], source: 'inferred' as const };
    container.endpoints.push({ network: endpoint.network, ...(endpoint.ipv4 ? { ipv4: endpoint.ipv4 } : {}), ...(endpoint.ipv6 ? { ipv6: endpoint.ipv6 } : {}) });
    byName.set(endpoint.containerName, container);
  }
  for (const container of byName.values()) {
    const addresses = endpointAddresses(container, family);
    for (const candidate of inferred) {
      if (endpointAddresses(candidate, family).some((address) => addresses.includes(address))) container.ports.push(...candidate.ports);
    }
  }
  return [...byName.values()];
}

function buildState(model: Model, inputs: DockerInputs | undefined, generation: DockerGeneration, classification: Classification, daemon: DockerAnalysis['daemon']): State {
  const inferred = inferState({ classification, generation, family: model.family, daemon });
  if (!inputs?.networks) return { ...inferred, source: 'inferred' };
  const containers = inputs.containers ?? containersFromEndpoints(inputs, inferred.containers, model.family);
  return { networks: inputs.networks, containers, source: 'inspect', leftoverBridges: [] };
}

/** Looks up containers by endpoint address and networks by bridge, once per analysis. */
class StateIndex {
  private readonly containerByAddress = new Map<string, DockerContainerState>();
  private readonly networkByBridge = new Map<string, DockerNetworkState>();

  constructor(
    readonly state: State,
    private readonly family: Family,
  ) {
    for (const container of state.containers) {
      for (const address of endpointAddresses(container, family)) if (!this.containerByAddress.has(address)) this.containerByAddress.set(address, container);
    }
    for (const network of state.networks) if (!this.networkByBridge.has(network.bridge)) this.networkByBridge.set(network.bridge, network);
  }

  containerAt(address: string): DockerContainerState | undefined {
    return this.containerByAddress.get(address);
  }

  networkOn(bridge: string): DockerNetworkState | undefined {
    return this.networkByBridge.get(bridge);
  }

  attribute(raw: RawClassifiedRule): ClassifiedRule {
    const { state, family } = this;
    const classified: ClassifiedRule = { rule: raw.rule, templateId: raw.template.id, invariant: raw.template.invariant, captures: raw.captures };
    const bridge = raw.captures['BR'];
    const subnet = raw.captures['SUBNET'];
    const address = addressOf(raw.captures);
    const container = address ? this.containerAt(address) : undefined;
    let network = bridge ? this.networkOn(bridge) : undefined;
    if (!network && subnet) network = state.networks.find((candidate) => candidate.subnets.some((entry) => entry.cidr === subnet));
    if (!network && address) network = state.networks.find((candidate) => candidate.subnets.some((entry) => addressInCidr(address, entry.cidr)));
    if (!network && container) {
      const endpoint = container.endpoints.find((entry) => (family === 'ipv6' ? entry.ipv6 : entry.ipv4) === address);
      network = state.networks.find((candidate) => candidate.name === endpoint?.network);
    }
    if (network) classified.network = network.name;
    if (container) classified.container = container.name;
    return classified;
  }
}

function describeSettings(network: DockerNetworkState, family: Family): string {
  const parts = [`icc=${network.icc}`, `ip-masquerade=${network.ipMasquerade ? 'on' : 'off'}`, `gateway mode ${gatewayModeOf(network, family)}`];
  if (network.internal) parts.push('internal');
  return parts.join(', ');
}

interface ExplainContext {
  state: State;
  generation: DockerGeneration;
  variant: G3Variant | undefined;
  family: Family;
  userlandProxy: boolean;
}

function staleReason(classified: ClassifiedRule, raw: RawClassifiedRule, context: ExplainContext): string | undefined {
  const { state, generation, family } = context;
  const template = raw.template;
  if (!templateFits(template, generation, context.variant)) {
    const generations = template.generations.filter((entry) => entry !== 'G4-nft');
    const running = generation === 'G3' && context.variant ? G3_VARIANT_VERSIONS[context.variant] : GENERATION_VERSIONS[generation];
    const writers = template.generations.includes(generation) ? 'another 28.x release' : `Docker ${generations.map((entry) => GENERATION_VERSIONS[entry]).join(' / ')}`;
    return `it has the shape ${writers} installs, not ${running}: left over from another Docker version`;
  }
  for (const key of ['BR', 'OTHER'] as const) {
    const bridge = raw.captures[key];
    if (!bridge || state.networks.some((network) => network.bridge === bridge)) continue;
    if (state.leftoverBridges.includes(bridge)) {
      return `bridge ${bridge} is named only in chains Docker never flushes (FORWARD, nat POSTROUTING, raw PREROUTING): its network was removed or not restored`;
    }
    return `no Docker network uses bridge ${bridge}`;
  }
  const subnet = raw.captures['SUBNET'];
  const network = state.networks.find((entry) => entry.name === classified.network);
  if (subnet && network && !network.subnets.some((entry) => entry.cidr === subnet)) {
    const own = network.subnets.filter((entry) => entry.family === family).map((entry) => entry.cidr);
    return `${subnet} is not a subnet of network "${network.name}" (${own.length > 0 ? own.join(', ') : 'it has none in this family'})`;
  }
  const address = addressOf(raw.captures);
  if (address && template.id !== 'raw-trusted-accept' && !classified.container) return `no running container has address ${address}`;
  const hostAddress = raw.captures['HIP'];
  if (template.id === 'raw-loopback-drop' && hostAddress) {
    const published = state.containers.some((container) => container.ports.some((port) => port.hostPort === raw.captures['HPORT'] && hostOf(port.hostIp) === hostOf(hostAddress)));
    if (!published) return `no container publishes port ${raw.captures['HPORT'] ?? '?'} on ${hostOf(hostAddress)}`;
  }
  const container = state.containers.find((entry) => entry.name === classified.container);
  const containerPort = raw.captures['CPORT'];
  if (container && containerPort !== undefined && template.invariant === 'published-port') {
    const protocol = raw.captures['PROTO'];
    const hostPort = raw.captures['HPORT'];
    const published = container.ports.some(
      (port) => port.containerPort === containerPort && (protocol === undefined || port.protocol === protocol) && (hostPort === undefined || port.hostPort === hostPort),
    );
    if (!published) {
      const what = hostPort ? `${hostPort}→${containerPort}/${protocol ?? 'tcp'}` : `${containerPort}/${protocol ?? 'tcp'}`;
      return `container "${container.name}" does not publish ${what}${container.ports.length > 0 ? ` (it publishes ${container.ports.map(describeBinding).join(', ')})` : ''}`;
    }
  }
  return undefined;
}

function settingReason(classified: ClassifiedRule, raw: RawClassifiedRule, context: ExplainContext): string {
  const { state, family, generation, userlandProxy } = context;
  const network = state.networks.find((entry) => entry.name === classified.network);
  if (!network) return `it does not match the expected rules of ${generation}`;
  const mode = gatewayModeOf(network, family);
  const id = raw.template.id;
  const on = `network "${network.name}"`;
  switch (raw.template.invariant) {
    case 'masquerade':
      if (network.internal) return `${on} is internal: Docker does no NAT for it`;
      if (id.endsWith('-local')) return userlandProxy ? 'the userland proxy is on: Docker adds this MASQUERADE only with --userland-proxy=false' : `${on} is in gateway mode ${mode}`;
      if (!network.ipMasquerade) return `ip-masquerade is off for ${on} (com.docker.network.bridge.enable_ip_masquerade=false)`;
      if (mode === 'routed') return `${on} is in routed gateway mode: Docker does not masquerade it`;
      if (id.startsWith('snat') !== ((family === 'ipv6' ? network.snatV6 : network.snatV4) !== undefined)) return `${on} ${id.startsWith('snat') ? 'has no' : 'has a'} com.docker.network.host_ipv${family === 'ipv6' ? '6' : '4'} setting`;
      break;
    case 'icc':
      return `${on} has icc=${network.icc}${network.internal ? ' and is internal' : ''}: this rule does the opposite or belongs to another network kind`;
    case 'internal':
      return network.internal ? `it does not match ${on}'s internal-network rules` : `${on} is not internal`;
    case 'nat-return':
      if (generation === 'G4') return 'Docker 29.x no longer installs nat DOCKER RETURN rules';
      if (!network.ipMasquerade) return `ip-masquerade is off for ${on}`;
      if (!userlandProxy) return 'the userland proxy is off';
      return `${on} is in gateway mode ${mode}`;
    case 'isolation':
      if (network.internal) return `${on} is internal: Docker isolates it with subnet DROPs instead`;
      return `${on} is in gateway mode ${mode}`;
    case 'published-port':
      if (network.internal) return `${on} is internal: Docker publishes no ports on it`;
      if (mode === 'nat-unprotected' && id === 'port-accept') return `${on} is in gateway mode nat-unprotected: its DOCKER ACCEPT covers every port`;
      if (mode === 'routed' && (isDnatTemplate(id) || id === 'port-hairpin')) return `${on} is in routed gateway mode: Docker maps no host port`;
      if (id === 'port-hairpin') return 'Docker 28+ adds the per-port hairpin MASQUERADE only with --userland-proxy=false';
      return `the userland proxy is ${userlandProxy ? 'on' : 'off'} and ${on} is in gateway mode ${mode}: Docker writes this rule differently`;
    case 'raw-protection':
      if (network.internal || mode !== 'nat') return `${on} is ${network.internal ? 'internal' : `in gateway mode ${mode}`}: Docker does not drop direct access for it`;
      return `Docker ${generation} protects ${context.generation === 'G4' ? 'each endpoint' : 'endpoints or ports'} with a differently shaped raw rule`;
    default:
      break;
  }
  return `${on} (${describeSettings(network, family)}) does not call for this rule`;
}

const KNOWN_TABLES = new Set(['filter', 'nat', 'raw', 'mangle']);

class RuleIndex {
  private readonly byChain = new Map<string, Map<string, Rule[]>>();
  constructor(private readonly model: Model) {}

  find(table: string, chain: string, key: string): Rule[] {
    const chainKey = `${table}/${chain}`;
    let index = this.byChain.get(chainKey);
    if (!index) {
      index = new Map();
      for (const rule of this.model.tables.get(table)?.chains.get(chain)?.rules ?? []) {
        const ruleKey = shapeKey(table, shapeOfRule(rule));
        const list = index.get(ruleKey) ?? [];
        list.push(rule);
        index.set(ruleKey, list);
      }
      this.byChain.set(chainKey, index);
    }
    return index.get(key) ?? [];
  }
}

function expectedKeys(expected: ExpectedRule): string[] {
  return expected.ruleShapes.map((shape) => shapeKey(expected.table, shape));
}

function pairDisagreements(missing: readonly MissingRule[], unexpected: readonly UnexpectedRule[], classified: readonly ClassifiedRule[]): PortDisagreement[] {
  const pairs: PortDisagreement[] = [];
  const usedMissing = new Set<MissingRule>();
  for (const entry of missing) {
    const want = entry.expected;
    if (want.invariant !== 'published-port' || want.incomplete || !want.binding) continue;
    const wantedTemplate = want.ruleShapes[0];
    if (!wantedTemplate) continue;
    const candidate = unexpected.find((other) => {
      if (other.paired || other.classified.invariant !== 'published-port' || other.classified.network !== want.network) return false;
      const shape = shapeOfRule(other.classified.rule);
      if (shape.chain !== wantedTemplate.chain || shape.target !== wantedTemplate.target) return false;
      const captures = other.classified.captures;
      const sameHostPort = captures['HPORT'] !== undefined && captures['HPORT'] === want.binding?.hostPort;
      const sameContainerPort = captures['HPORT'] === undefined && captures['PROTO'] === want.binding?.protocol && captures['CPORT'] === want.binding?.containerPort;
      return other.classified.container === want.container || sameHostPort || sameContainerPort;
    });
    if (!candidate) continue;
    candidate.paired = true;
    usedMissing.add(entry);
    pairs.push({ missing: entry, actual: candidate.classified });
  }
  // Inferred state: a DNAT whose ACCEPT names another address/port shows up as two half-published ports.
  for (const entry of missing) {
    const want = entry.expected;
    if (usedMissing.has(entry) || want.invariant !== 'published-port' || !want.binding || want.ruleShapes[0]?.target !== 'ACCEPT') continue;
    const orphan = missing.find(
      (other) =>
        !usedMissing.has(other) &&
        other !== entry &&
        other.expected.incomplete === true &&
        other.expected.network === want.network &&
        other.expected.binding?.protocol === want.binding?.protocol &&
        other.expected.ruleShapes[0]?.target === 'DNAT',
    );
    if (!orphan) continue;
    const actual = classified.find((rule) => rule.templateId === 'port-accept' && rule.container === orphan.expected.container);
    if (!actual) continue;
    usedMissing.add(entry).add(orphan);
    pairs.push({ missing: entry, actual, alsoExplains: orphan });
  }
  return pairs;
}

/**
 * Docker ≤23 never created DOCKER-USER in ip6tables (moby#42477, fixed by
 * moby#44706 in 2023): for an IPv6 dump of a ≤27.x daemon, the jump is only
 * expected when the version says ≥24 or the chain exists.
 */
function dockerUserExpected(model: Model, generation: DockerGeneration, dockerVersion: string | undefined): boolean {
  if (generation === 'G1a') return false;
  if (model.family === 'ipv4' || generation === 'G3' || generation === 'G4') return true;
  const version = dockerVersion === undefined ? null : parseDockerVersion(dockerVersion);
  if (version && version.major >= 24) return true;
  return model.tables.get('filter')?.chains.has('DOCKER-USER') === true;
}

function emptyAnalysis(model: Model, detection: DockerAnalysis['detection'], daemon: DockerAnalysis['daemon'], notes: string[]): DockerAnalysis {
  return {
    family: model.family,
    detection,
    daemon,
    stateSource: 'inferred',
    networks: [],
    containers: [],
    classified: [],
    expected: [],
    missing: [],
    unexpected: [],
    disagreements: [],
    duplicates: [],
    leftoverBridges: [],
    notes,
    networkNamed: () => undefined,
  };
}

interface InventoryRun {
  detection: DockerAnalysis['detection'];
  daemon: DockerAnalysis['daemon'];
  notes: string[];
  /** Absent when the dump has no Docker rules to check. */
  found?: { generation: DockerGeneration; classification: Classification; state: State };
}

function takeInventory(model: Model, inputs: DockerInputs | undefined): InventoryRun {
  const detection = detectGeneration(model, inputs?.dockerVersion);
  const daemon = detectDaemonSettings(model, detection);
  const notes: string[] = [];
  if (detection.conflict) notes.push(detection.conflict);
  const generation = detection.generation;
  if (generation === null || generation === 'G4-nft') {
    notes.push(generation === 'G4-nft' ? 'Docker uses its nftables backend: its rules are not in this dump' : 'no Docker rules detected');
    return { detection, daemon, notes };
  }
  const family = model.family;
  const given = inputs?.networks ?? [];
  const known = {
    bridges: new Set(given.map((network) => network.bridge)),
    subnets: given.flatMap((network) => network.subnets.filter((subnet) => subnet.family === family).map((subnet) => subnet.cidr)),
    addresses: new Set((inputs?.containers ?? []).flatMap((container) => endpointAddresses(container, family))),
  };
  const classification = classifyRules(model, known);
  const state = buildState(model, inputs, generation, classification, daemon);
  if (!daemon.rawTablePresent && (generation === 'G3' || generation === 'G4')) {
    notes.push('the dump has no raw table, so raw-table protection (Docker 28+) was not checked');
  }
  for (const network of state.networks) {
    if (network.assumed.length > 0 && network.source === 'inferred') notes.push(`network "${network.name}": ${network.assumed.join(', ')} not visible in the dump, Docker's default assumed`);
  }
  return { detection, daemon, notes, found: { generation, classification, state } };
}

/**
 * Docker's networks, containers and daemon settings as the audit sees them
 * (inspect JSON, or inferred from the dump), for the packet model: the same
 * inventory as analyzeDocker without the cost of checking every rule.
 */
export function dockerInventory(model: Model, inputs?: DockerInputs): DockerInventory {
  const { detection, daemon, notes, found } = takeInventory(model, inputs);
  return {
    family: model.family,
    detection,
    daemon,
    notes,
    networks: (found?.state.networks ?? []).map((state) => ({ state })),
    containers: (found?.state.containers ?? []).map((state) => ({ state })),
  };
}

export function analyzeDocker(model: Model, inputs?: DockerInputs): DockerAnalysis {
  const { detection, daemon, notes, found } = takeInventory(model, inputs);
  if (!found) return emptyAnalysis(model, detection, daemon, notes);
  const { generation, classification, state } = found;
  const family = model.family;

  const stateIndex = new StateIndex(state, family);
  const classified = classification.rules.map((raw) => stateIndex.attribute(raw));
  const rawByRule = new Map(classification.rules.map((raw) => [raw.rule, raw]));
  const dnatDestinations = new Set(
    classification.rules.filter((raw) => isDnatTemplate(raw.template.id)).map((raw) => `${raw.captures['CADDR'] ?? ''}:${raw.captures['CPORT'] ?? ''}`),
  );
  const rawDroppedAddresses = new Set(classification.rules.filter((raw) => raw.template.id === 'raw-endpoint-drop').map((raw) => raw.captures['CIP'] ?? ''));
  const expected = expectedRules({
    rawDroppedAddresses,
    dockerUserJump: dockerUserExpected(model, generation, inputs?.dockerVersion),
    generation,
    family,
    daemon,
    networks: state.networks,
    containers: state.containers,
    dnatDestinations,
    notes,
    ...(detection.variant ? { variant: detection.variant } : {}),
  });

  const index = new RuleIndex(model);
  const wantedKeys = new Set<string>();
  const missing: MissingRule[] = [];
  const duplicates: DockerAnalysis['duplicates'] = [];
  const absentTables = new Set<string>();
  for (const want of expected) {
    if (!model.tables.has(want.table)) {
      // A partial dump (`iptables-save -t filter`) cannot show these rules either way.
      absentTables.add(want.table);
      continue;
    }
    const keys = expectedKeys(want);
    keys.forEach((key) => wantedKeys.add(key));
    const found = keys.map((key) => index.find(want.table, want.chain, key));
    if (found.every((rules) => rules.length === 0)) missing.push({ expected: want, span: placeForRule(model, want.table, want.chain) });
    for (const rules of found) if (rules.length > 1) duplicates.push({ rules, ...(want.network ? { network: want.network } : {}) });
  }

  for (const table of absentTables) notes.push(`the dump has no ${table} table, so Docker's ${table} rules were not checked`);
  const explainContext: ExplainContext = { state, generation, variant: detection.variant, family, userlandProxy: daemon.userlandProxy };
  const unexpected: UnexpectedRule[] = [];
  const unplaced = new Set<string>();
  for (const entry of classified) {
    const raw = rawByRule.get(entry.rule);
    if (!raw || raw.template.tolerated || !KNOWN_TABLES.has(entry.rule.table)) continue;
    if (wantedKeys.has(shapeKey(entry.rule.table, shapeOfRule(entry.rule)))) continue;
    if (raw.template.id.endsWith('-local') && raw.captures['BR'] === 'docker_gwbridge') continue; // swarm's gateway bridge always has it
    const portRule = raw.template.invariant === 'published-port' || raw.template.invariant === 'raw-protection';
    if (state.source === 'inferred' && portRule && !entry.network && raw.captures['BR'] === undefined) {
      // Proxy-off DNATs in a network without MASQUERADE or filter ACCEPT name neither bridge nor subnet.
      unplaced.add(entry.container ?? `publishing ${raw.captures['HIP'] ?? ''}:${raw.captures['HPORT'] ?? ''}`);
      continue;
    }
    const stale = staleReason(entry, raw, explainContext);
    unexpected.push({ classified: entry, reason: stale ?? settingReason(entry, raw, explainContext), stale: stale !== undefined });
  }
  for (const container of unplaced) notes.push(`container ${container}: no rule of the dump tells which network it is on, so its port rules were not checked`);
  const disagreements = pairDisagreements(missing, unexpected, classified);

  const networks = state.networks.map((network) => ({ state: network, rules: classified.filter((entry) => entry.network === network.name) }));
  const rulesByContainer = new Map<string, ClassifiedRule[]>();
  for (const entry of classified) {
    if (!entry.container) continue;
    const list = rulesByContainer.get(entry.container) ?? [];
    list.push(entry);
    rulesByContainer.set(entry.container, list);
  }
  const containers = state.containers.map((container) => ({ state: container, rules: rulesByContainer.get(container.name) ?? [] }));
  return {
    family,
    detection,
    daemon,
    stateSource: state.source,
    networks,
    containers,
    classified,
    expected,
    missing,
    unexpected,
    disagreements,
    duplicates,
    leftoverBridges: state.leftoverBridges,
    notes,
    networkNamed: (nameOrBridge) => state.networks.find((network) => network.name === nameOrBridge || network.bridge === nameOrBridge),
  };
}
