/**
 * Expected Docker state when nothing but the dump is given: networks from the
 * bridges Docker's rules name, their options from which of Docker's
 * option-dependent rules exist, containers and published ports from the port
 * rules. Checking the dump against this state finds internal inconsistencies
 * (a DNAT without its filter ACCEPT, a bridge without its MASQUERADE while its
 * nat RETURN says masquerading is on…).
 */
import type { Family } from '../../grammar/ast.js';
import { addressInCidr, familyOfAddress, hostOf } from './address.js';
import type { Classification, RawClassifiedRule } from './classify.js';
import type {
  DaemonSettings,
  DockerContainerState,
  DockerGeneration,
  DockerNetworkState,
  GatewayMode,
  PortBinding,
  PortProtocol,
  Subnet,
} from './types.js';

const NON_INTERNAL_EVIDENCE = new Set([
  'forward-out-docker',
  'forward-ct',
  'forward-outgoing',
  'forward-in-accept',
  'docker-forward-in-accept',
  'docker-forward-outgoing',
  'docker-ct',
  'docker-bridge-jump',
  'docker-unpublished-drop',
  'docker-unprotected-accept',
  'docker-routed-icmp',
  'docker-routed-icmp6',
  'stage1-jump',
  'stage2-drop',
  'isolation-pair',
  'masquerade-subnet',
  'snat-subnet',
  'nat-return',
]);
const ICC_DROP = new Set(['forward-icc-drop', 'docker-forward-icc-drop']);
const ICC_ACCEPT = new Set(['forward-icc-accept', 'docker-forward-icc-accept', 'forward-in-accept', 'docker-forward-in-accept']);
const ROUTED_EVIDENCE = new Set(['docker-routed-icmp', 'docker-routed-icmp6', 'stage1-routed-ct', 'stage1-routed-return']);
const DNAT_TEMPLATES = new Set(['dnat', 'dnat-hostip', 'dnat-noproxy', 'dnat-hostip-noproxy', 'dnat6', 'dnat6-hostip', 'dnat6-noproxy', 'dnat6-hostip-noproxy']);
const PORT_TEMPLATES = new Set(['port-accept', 'port-hairpin', 'raw-port-drop']);

export function isDnatTemplate(id: string): boolean {
  return DNAT_TEMPLATES.has(id);
}

/** Docker calls docker0's network `bridge`; inferred networks are otherwise named after their bridge. */
export function inferredNetworkName(bridge: string): string {
  return bridge === 'docker0' ? 'bridge' : bridge;
}

interface InferContext {
  classification: Classification;
  generation: DockerGeneration;
  family: Family;
  daemon: DaemonSettings;
}

function rulesNaming(rules: readonly RawClassifiedRule[], bridge: string): RawClassifiedRule[] {
  return rules.filter((rule) => rule.captures['BR'] === bridge);
}

function inferGatewayMode(own: readonly RawClassifiedRule[], generation: DockerGeneration, hasDnat: boolean): GatewayMode {
  const ids = new Set(own.map((rule) => rule.template.id));
  if (ids.has('docker-unprotected-accept')) return 'nat-unprotected';
  if ([...ids].some((id) => ROUTED_EVIDENCE.has(id))) return 'routed';
  if (generation === 'G2') {
    // 27.x routed mode leaves only the filter ACCEPTs: no NAT of any kind for the bridge.
    const hasNat = ids.has('masquerade-subnet') || ids.has('snat-subnet') || ids.has('nat-return');
    if (!hasNat && !hasDnat && ids.has('port-accept')) return 'routed';
  }
  return 'nat';
}

function inferNetwork(bridge: string, context: InferContext, hasDnat: boolean): DockerNetworkState {
  const { classification, generation, family, daemon } = context;
  const own = rulesNaming(classification.rules, bridge);
  const ids = new Set(own.map((rule) => rule.template.id));
  const assumed: string[] = [];

  const subnets: Subnet[] = [];
  for (const rule of own) {
    const cidr = rule.captures['SUBNET'];
    const subnetFamily = cidr ? familyOfAddress(cidr) : null;
    if (cidr && subnetFamily && !subnets.some((subnet) => subnet.cidr === cidr)) subnets.push({ family: subnetFamily, cidr });
  }
  const internalEvidence = own.some((rule) => rule.template.invariant === 'internal');
  const internal = internalEvidence && ![...ids].some((id) => NON_INTERNAL_EVIDENCE.has(id));

  let icc: boolean;
  if ([...ids].some((id) => ICC_DROP.has(id))) icc = false;
  else if ([...ids].some((id) => ICC_ACCEPT.has(id))) icc = true;
  else if (!internal && (generation === 'G3' || generation === 'G4') && (ids.has('docker-forward-outgoing') || ids.has('forward-outgoing'))) icc = false;
  else {
    icc = true;
    assumed.push('icc');
  }

  const gatewayMode = internal ? 'nat' : inferGatewayMode(own, generation, hasDnat);
  let ipMasquerade: boolean;
  if (ids.has('masquerade-subnet') || ids.has('snat-subnet')) ipMasquerade = true;
  else if (ids.has('nat-return') && daemon.userlandProxy) ipMasquerade = true;
  else if (gatewayMode === 'routed' || internal) {
    ipMasquerade = true;
    assumed.push('ipMasquerade');
  } else ipMasquerade = false;

  const snat = own.find((rule) => rule.template.id === 'snat-subnet' || rule.template.id === 'snat-local')?.captures['SNATIP'];
  const trusted = classification.rules.filter((rule) => rule.template.id === 'raw-trusted-accept').map((rule) => rule.captures['IF'] ?? '');
  const network: DockerNetworkState = {
    name: inferredNetworkName(bridge),
    bridge,
    subnets,
    internal,
    icc,
    ipMasquerade,
    gatewayModeV4: gatewayMode,
    gatewayModeV6: gatewayMode,
    enableIpv6: family === 'ipv6',
    trustedHostInterfaces: [...new Set(trusted.filter((name) => name !== ''))],
    source: 'inferred',
    assumed,
  };
  const onlyIsolation = own.length > 0 && own.every((rule) => rule.template.invariant === 'isolation');
  if (onlyIsolation && family === 'ipv6' && subnets.length === 0) network.isolationOnly = true;
  if (snat && family === 'ipv4') network.snatV4 = snat;
  if (snat && family === 'ipv6') network.snatV6 = snat;
  return network;
}

function containerAddress(rule: RawClassifiedRule): string | undefined {
  const address = rule.captures['CIP'] ?? rule.captures['CADDR'];
  return address === undefined ? undefined : hostOf(address);
}

function bridgeForAddress(address: string, bridgeByAddress: ReadonlyMap<string, string>, networks: readonly DockerNetworkState[]): string | undefined {
  return bridgeByAddress.get(address) ?? networks.find((network) => network.subnets.some((subnet) => addressInCidr(address, subnet.cidr)))?.bridge;
}

function asProtocol(text: string | undefined): PortProtocol {
  return text === 'udp' || text === 'sctp' ? text : 'tcp';
}

function inferContainers(context: InferContext, networks: readonly DockerNetworkState[]): DockerContainerState[] {
  const { classification, family } = context;
  const portRules = classification.rules.filter(
    (rule) => isDnatTemplate(rule.template.id) || PORT_TEMPLATES.has(rule.template.id) || rule.template.id === 'raw-endpoint-drop',
  );
  const byAddress = new Map<string, RawClassifiedRule[]>();
  for (const rule of portRules) {
    const address = containerAddress(rule);
    if (!address) continue;
    const list = byAddress.get(address) ?? [];
    list.push(rule);
    byAddress.set(address, list);
  }
  const bridgeByAddress = new Map<string, string>();
  for (const rule of classification.rules) {
    const address = containerAddress(rule);
    const bridge = rule.captures['BR'];
    if (address && bridge && !bridgeByAddress.has(address)) bridgeByAddress.set(address, bridge);
  }
  const containers: DockerContainerState[] = [];
  for (const [address, rules] of byAddress) {
    const bridge = bridgeForAddress(address, bridgeByAddress, networks);
    const network = networks.find((candidate) => candidate.bridge === bridge);
    const ports: PortBinding[] = [];
    const unspecified = family === 'ipv6' ? '::' : '0.0.0.0';
    for (const rule of rules.filter((candidate) => isDnatTemplate(candidate.template.id))) {
      const hostIp = rule.captures['HIP'];
      ports.push({
        protocol: asProtocol(rule.captures['PROTO']),
        containerPort: rule.captures['CPORT'] ?? '',
        hostPort: rule.captures['HPORT'] ?? '',
        hostIp: hostIp ? hostOf(hostIp) : unspecified,
      });
    }
    for (const rule of rules.filter((candidate) => PORT_TEMPLATES.has(candidate.template.id))) {
      const protocol = asProtocol(rule.captures['PROTO']);
      const containerPort = rule.captures['CPORT'] ?? '';
      if (ports.some((port) => port.protocol === protocol && port.containerPort === containerPort)) continue;
      // Known only from its filter/hairpin/raw rule: routed mode, or the DNAT is missing.
      ports.push({ protocol, containerPort, hostPort: '', hostIp: unspecified });
    }
    containers.push({
      name: address,
      endpoints: [{ network: network?.name ?? '', ...(family === 'ipv6' ? { ipv6: address } : { ipv4: address }) }],
      ports,
      source: 'inferred',
    });
  }
  return containers;
}

export interface InferredState {
  networks: DockerNetworkState[];
  containers: DockerContainerState[];
  /** Bridges whose rules are left over: named only in chains Docker never flushes. */
  leftoverBridges: string[];
}

export function inferState(context: InferContext): InferredState {
  const { classification } = context;
  const live = classification.liveBridges.size > 0 ? classification.liveBridges : classification.allBridges;
  const leftoverBridges = [...classification.allBridges].filter((bridge) => !live.has(bridge));
  const dnatBridges = new Set<string>();
  for (const rule of classification.rules) {
    if (!isDnatTemplate(rule.template.id)) continue;
    const bridge = rule.captures['BR'];
    if (bridge) dnatBridges.add(bridge);
  }
  const networks = [...live].sort().map((bridge) => inferNetwork(bridge, context, dnatBridges.has(bridge)));
  // Proxy-off DNATs name no bridge: attribute them by address before deciding routed mode.
  const containers = inferContainers(context, networks);
  for (const network of networks) {
    if (network.gatewayModeV4 !== 'routed' || context.generation !== 'G2') continue;
    const hasDnat = containers.some(
      (container) => container.endpoints.some((endpoint) => endpoint.network === network.name) && container.ports.some((port) => port.hostPort !== ''),
    );
    if (hasDnat) {
      network.gatewayModeV4 = 'nat';
      network.gatewayModeV6 = 'nat';
    }
  }
  return { networks, containers, leftoverBridges };
}
