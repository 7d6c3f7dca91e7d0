/**
 * The rules Docker installs for a given state, generation and family: the
 * reference's templates (reference/docker-rules.md §2–§6) filled in per
 * network, endpoint and published port.
 */
import type { Family } from '../../grammar/ast.js';
import { familyOfAddress, hostCidr, isLoopbackAddress, isUnspecified, natAddress } from './address.js';
import { fillShape, fillTemplate } from './rule-shape.js';
import { templateById } from './templates.js';
import type {
  DaemonSettings,
  DockerContainerState,
  DockerEndpoint,
  DockerGeneration,
  DockerNetworkState,
  ExpectedRule,
  G3Variant,
  GatewayMode,
  PortBinding,
} from './types.js';

export interface ExpectationContext {
  generation: DockerGeneration;
  variant?: G3Variant;
  family: Family;
  daemon: DaemonSettings;
  networks: readonly DockerNetworkState[];
  containers: readonly DockerContainerState[];
  /** `CADDR:CPORT` DNAT destinations present in the dump, to pick the endpoint a port is mapped to. */
  dnatDestinations: ReadonlySet<string>;
  /** Whether Docker puts FORWARD → DOCKER-USER into this dump's family (see `dockerUserExpected`). */
  dockerUserJump: boolean;
  /** Container addresses (as /32 or /128) the dump's raw table drops direct access to. */
  rawDroppedAddresses: ReadonlySet<string>;
  notes: string[];
}

type Values = Record<string, string>;

interface Emit {
  (invariant: ExpectedRule['invariant'], templateIds: string[], values: Values, purpose: string, extra?: Partial<ExpectedRule>): void;
}

function makeEmitter(family: Family, out: ExpectedRule[]): Emit {
  return (invariant, templateIds, values, purpose, extra = {}) => {
    const templates = templateIds.map(templateById);
    const first = templates[0];
    if (!first) return;
    const shapes = templates.map((template) => fillTemplate(template.text, values));
    const incomplete = shapes.some((shape) => /\{[A-Z0-9_]+\}/.test(shape));
    out.push({
      invariant,
      table: first.table,
      chain: first.shape.chain,
      shapes: shapes.map((shape) => shape.replace(/\{SUBNET\}/g, '<subnet>').replace(/\{HPORT\}/g, '<host-port>')),
      ruleShapes: templates.map((template) => fillShape(template.shape, values)),
      family,
      purpose,
      ...(incomplete ? { incomplete: true } : {}),
      ...extra,
    });
  };
}

export function gatewayModeOf(network: DockerNetworkState, family: Family): GatewayMode {
  return family === 'ipv6' ? network.gatewayModeV6 : network.gatewayModeV4;
}

function subnetsOf(network: DockerNetworkState, family: Family): string[] {
  return network.subnets.filter((subnet) => subnet.family === family).map((subnet) => subnet.cidr);
}

/** Docker ≤27 and 28.0.0 program ip6tables isolation rules for every non-internal bridge, even IPv4-only ones (§4, §5). */
function isolatesWithoutSubnet(context: ExpectationContext): boolean {
  return context.family === 'ipv6' && (context.generation === 'G2' || (context.generation === 'G3' && context.variant === '28.0.0'));
}

function participates(network: DockerNetworkState, context: ExpectationContext): boolean {
  return subnetsOf(network, context.family).length > 0 || (network.source === 'inferred' && !network.internal);
}

/** Where Docker keeps its jumps: DOCKER-USER first, then its own chain (1-based). */
const WIRING_POSITION: Record<string, number> = {
  'forward-docker-user': 1,
  'forward-isolation': 2,
  'forward-stage1': 2,
  'forward-docker-forward': 2,
  'docker-forward-ct': 1,
  'docker-forward-stage1': 2,
  'docker-forward-internal': 2,
  'docker-forward-bridge': 3,
};

function wiringRules(context: ExpectationContext, emit: Emit): void {
  const { generation, family, daemon, variant } = context;
  const loopback = family === 'ipv6' ? '::1/128' : '127.0.0.0/8';
  emit('chain-wiring', ['nat-prerouting-jump'], {}, 'jump from nat PREROUTING to DOCKER for local destinations');
  emit(
    'chain-wiring',
    [daemon.userlandProxy ? 'nat-output-jump-proxy' : 'nat-output-jump-noproxy'],
    { LOOPBACK: loopback },
    'jump from nat OUTPUT to DOCKER for local destinations',
  );
  const filter = (ids: string[], purpose: string, values: Values = {}): void => {
    for (const id of ids) {
      const insertAt = WIRING_POSITION[id];
      emit('chain-wiring', [id], values, purpose, insertAt === undefined ? {} : { insertAt: generation === 'G1a' && id === 'forward-isolation' ? 1 : insertAt });
    }
  };
  if (context.dockerUserJump) filter(['forward-docker-user'], 'jump from FORWARD to DOCKER-USER');
  switch (generation) {
    case 'G1a':
    case 'G1b':
      filter(['forward-isolation', 'isolation-return'], 'DOCKER-ISOLATION wiring');
      break;
    case 'G2':
      filter(['forward-stage1', 'stage1-return', 'stage2-return'], 'DOCKER-ISOLATION-STAGE-1/2 wiring');
      break;
    case 'G3':
      if (variant === '28.0.0') filter(['forward-ipset-ct', 'forward-stage1', 'forward-ipset-docker'], '28.0.0 FORWARD wiring', { SETFAM: family === 'ipv6' ? 'v6' : 'v4' });
      else filter(['forward-docker-forward', 'docker-forward-ct', 'docker-forward-stage1', 'docker-forward-bridge'], 'DOCKER-FORWARD wiring');
      break;
    case 'G4':
      filter(['forward-docker-forward', 'docker-forward-ct', 'docker-forward-internal', 'docker-forward-bridge'], 'DOCKER-FORWARD wiring');
      break;
    default:
      break;
  }
}

function isolationPeers(network: DockerNetworkState, context: ExpectationContext): DockerNetworkState[] {
  return context.networks.filter((other) => other !== network && !other.internal && participates(other, context));
}

function nonInternalNetworkRules(network: DockerNetworkState, context: ExpectationContext, emit: Emit): void {
  const { generation, family, daemon, variant } = context;
  const bridge = network.bridge;
  const values = { BR: bridge };
  const on = { network: network.name };
  const mode = gatewayModeOf(network, family);
  const subnets = subnetsOf(network, family);
  const isolationOnly = network.isolationOnly === true || (subnets.length === 0 && network.source !== 'inferred');

  // Isolation between networks.
  if (generation === 'G1a' || generation === 'G1b') {
    for (const other of isolationPeers(network, context)) {
      emit('isolation', ['isolation-pair'], { BR: bridge, OTHER: other.bridge }, `isolation from network "${other.name}" (${other.bridge})`, { ...on, insertAt: 1 });
    }
  } else if (generation === 'G2' || generation === 'G3') {
    // G2's isolation chains end with RETURN: a rule appended after it never runs.
    const position = generation === 'G2' ? { insertAt: 1 } : {};
    emit('isolation', ['stage1-jump'], values, 'isolation stage 1 (traffic leaving the bridge)', { ...on, ...position });
    emit('isolation', ['stage2-drop'], values, 'isolation stage 2 (drop traffic from other networks)', { ...on, ...position });
    if (generation === 'G3' && mode === 'routed') {
      emit('isolation', ['stage1-routed-ct'], values, 'routed mode: replies from the bridge', on);
      emit('isolation', ['stage1-routed-return'], values, 'routed mode: other networks may reach the bridge', on);
    }
  }
  if (isolationOnly) return;

  // Forwarding and ICC.
  if (generation === 'G1a' || generation === 'G1b' || generation === 'G2') {
    // Docker inserts these below its FORWARD jumps (DOCKER-USER, isolation); only the icc=false DROP is appended.
    const below = { ...on, insertAt: generation === 'G1a' ? 2 : 3 };
    emit('bridge-forwarding', ['forward-out-docker'], values, 'jump to DOCKER for traffic to the bridge', below);
    emit('bridge-forwarding', ['forward-ct'], values, 'accept replies to the bridge', below);
    emit('bridge-forwarding', ['forward-outgoing'], values, 'accept traffic leaving the bridge', below);
    emit('icc', [network.icc ? 'forward-icc-accept' : 'forward-icc-drop'], values, `inter-container communication rule (icc=${network.icc})`, network.icc ? below : on);
  } else {
    const ipsetLayout = generation === 'G3' && variant === '28.0.0';
    if (network.icc) emit('icc', [ipsetLayout ? 'forward-in-accept' : 'docker-forward-in-accept'], values, 'accept traffic from the bridge (icc=true)', on);
    else {
      emit('icc', [ipsetLayout ? 'forward-icc-drop' : 'docker-forward-icc-drop'], values, 'inter-container communication DROP (icc=false)', on);
      emit('bridge-forwarding', [ipsetLayout ? 'forward-outgoing' : 'docker-forward-outgoing'], values, 'accept traffic leaving the bridge', on);
    }
    if (!ipsetLayout) {
      emit('bridge-forwarding', ['docker-ct'], values, 'accept replies to the bridge', on);
      emit('bridge-forwarding', ['docker-bridge-jump'], values, 'jump to DOCKER for traffic to the bridge', on);
    }
    if (mode === 'nat-unprotected') emit('bridge-forwarding', ['docker-unprotected-accept'], values, 'accept all traffic to the bridge (gateway mode nat-unprotected)', on);
    else {
      if (mode === 'routed') emit('bridge-forwarding', [family === 'ipv6' ? 'docker-routed-icmp6' : 'docker-routed-icmp'], values, 'accept ICMP to the bridge (gateway mode routed)', on);
      emit('bridge-forwarding', ['docker-unpublished-drop'], values, 'drop traffic to unpublished container ports', on);
    }
  }

  // NAT.
  const snat = family === 'ipv6' ? network.snatV6 : network.snatV4;
  const routed = mode === 'routed';
  if (network.ipMasquerade && !routed) {
    const subnetList = subnets.length > 0 ? subnets : ['{SUBNET}'];
    for (const subnet of subnetList) {
      emit(
        'masquerade',
        [snat ? 'snat-subnet' : 'masquerade-subnet'],
        { BR: bridge, SUBNET: subnet, SNATIP: snat ?? '' },
        `${snat ? 'SNAT' : 'MASQUERADE'} of the subnet's outgoing traffic (ip-masquerade on)`,
        on,
      );
    }
  }
  if (!daemon.userlandProxy && !routed) {
    emit('masquerade', [snat ? 'snat-local' : 'masquerade-local'], { BR: bridge, SNATIP: snat ?? '' }, 'MASQUERADE of host-originated traffic to the bridge (userland proxy off)', on);
  }
  const returnWanted =
    network.ipMasquerade && daemon.userlandProxy && (generation === 'G3' || ((generation === 'G1a' || generation === 'G1b' || generation === 'G2') && !routed));
  if (returnWanted) emit('nat-return', ['nat-return'], values, 'nat DOCKER RETURN for traffic from the bridge (masquerade on, userland proxy on)', { ...on, insertAt: 1 });
}

function internalNetworkRules(network: DockerNetworkState, context: ExpectationContext, emit: Emit): void {
  const { generation, family, variant } = context;
  const bridge = network.bridge;
  const on = { network: network.name };
  const subnets = subnetsOf(network, family);
  if (subnets.length === 0 && network.source !== 'inferred') return;
  const iccPurpose = `inter-container communication rule (icc=${network.icc})`;
  if (generation === 'G3' && variant !== '28.0.0') emit('icc', [network.icc ? 'docker-forward-icc-accept' : 'docker-forward-icc-drop'], { BR: bridge }, iccPurpose, on);
  else if (generation === 'G4') emit('icc', [network.icc ? 'docker-forward-icc-accept' : 'docker-forward-icc-drop'], { BR: bridge }, iccPurpose, on);
  else emit('icc', [network.icc ? 'forward-icc-accept' : 'forward-icc-drop'], { BR: bridge }, iccPurpose, on);

  const v6 = family === 'ipv6';
  const pairs: [string[], string[]] =
    generation === 'G1a' || generation === 'G1b'
      ? [['internal-g1-out'], ['internal-g1-in']]
      : generation === 'G4'
        ? v6
          ? [['internal-g4-out6'], ['internal-g4-in6']]
          : [['internal-g4-out'], ['internal-g4-in']]
        : v6
          ? // 20.10–24.x used the IPv4 shape for IPv6 too (§4).
            [['internal-stage1-out6', 'internal-stage1-out'], ['internal-stage1-in6', 'internal-stage1-in']]
          : [['internal-stage1-out'], ['internal-stage1-in']];
  const subnetList = subnets.length > 0 ? subnets : ['{SUBNET}'];
  for (const subnet of subnetList) {
    const position = generation === 'G4' ? {} : { insertAt: 1 };
    emit('internal', pairs[0], { BR: bridge, SUBNET: subnet }, 'internal network: drop traffic into the bridge from outside its subnet', { ...on, ...position });
    emit('internal', pairs[1], { BR: bridge, SUBNET: subnet }, 'internal network: drop traffic from the bridge to outside its subnet', { ...on, ...position });
  }
}

function endpointAddress(endpoint: DockerEndpoint, family: Family): string | undefined {
  return family === 'ipv6' ? endpoint.ipv6 : endpoint.ipv4;
}

function bindingFamilies(binding: PortBinding): Family[] {
  if (binding.hostIp === '') return ['ipv4', 'ipv6'];
  if (binding.hostIp === '0.0.0.0') return ['ipv4'];
  if (binding.hostIp === '::') return ['ipv6'];
  const family = familyOfAddress(binding.hostIp);
  return family ? [family] : [];
}

export function describeBinding(binding: PortBinding): string {
  const host = binding.hostPort === '' ? '(no host port)' : `${binding.hostIp.includes(':') ? `[${binding.hostIp}]` : binding.hostIp}:${binding.hostPort}`;
  return `${host}→${binding.containerPort}/${binding.protocol}`;
}

/** The endpoint a published port is mapped to: the one the dump's DNAT already uses, else the first usable one. */
function mappedEndpoint(container: DockerContainerState, binding: PortBinding, context: ExpectationContext): { endpoint: DockerEndpoint; network: DockerNetworkState } | undefined {
  const usable = container.endpoints
    .map((endpoint) => ({ endpoint, network: context.networks.find((network) => network.name === endpoint.network) }))
    .filter((entry): entry is { endpoint: DockerEndpoint; network: DockerNetworkState } => entry.network !== undefined && !entry.network.internal)
    .filter((entry) => endpointAddress(entry.endpoint, context.family) !== undefined);
  const inDump = usable.find((entry) => context.dnatDestinations.has(`${natAddress(endpointAddress(entry.endpoint, context.family) ?? '')}:${binding.containerPort}`));
  return inDump ?? usable[0];
}

function endpointRules(container: DockerContainerState, context: ExpectationContext, emit: Emit): void {
  const { family, daemon, generation } = context;
  if (generation !== 'G3' && generation !== 'G4') return;
  if (!daemon.rawTablePresent || daemon.rawProtection !== 'per-endpoint') return;
  // A container inferred only from filter ACCEPTs (no DNAT, no raw DROP) is more likely a wrong ACCEPT than a real endpoint.
  const weaklyInferred = container.source === 'inferred' && container.ports.length > 0 && container.ports.every((port) => port.hostPort === '');
  for (const endpoint of container.endpoints) {
    const network = context.networks.find((candidate) => candidate.name === endpoint.network);
    const address = endpointAddress(endpoint, family);
    if (!network || !address || network.internal || gatewayModeOf(network, family) !== 'nat') continue;
    if (weaklyInferred && !context.rawDroppedAddresses.has(hostCidr(address))) continue;
    emit('raw-protection', ['raw-endpoint-drop'], { CIP: hostCidr(address), BR: network.bridge }, `raw-table drop of direct access to container "${container.name}"`, {
      network: network.name,
      container: container.name,
    });
  }
}

function bindingRules(container: DockerContainerState, binding: PortBinding, context: ExpectationContext, emit: Emit): void {
  const { family, daemon, generation } = context;
  if (!bindingFamilies(binding).includes(family)) return;
  const mapped = mappedEndpoint(container, binding, context);
  if (!mapped) return;
  const { network } = mapped;
  const address = endpointAddress(mapped.endpoint, family) ?? '';
  const mode = gatewayModeOf(network, family);
  const g3g4 = generation === 'G3' || generation === 'G4';
  const values: Values = {
    BR: network.bridge,
    PROTO: binding.protocol,
    CPORT: binding.containerPort,
    CIP: hostCidr(address),
    CADDR: natAddress(address),
  };
  const hostPortKnown = binding.hostPort !== '' && binding.hostPort !== '0';
  if (hostPortKnown) values['HPORT'] = binding.hostPort;
  const specificHost = !isUnspecified(binding.hostIp) && familyOfAddress(binding.hostIp) === family;
  if (specificHost) values['HIP'] = hostCidr(binding.hostIp);
  const extra = { network: network.name, container: container.name, binding };
  const what = `published port ${describeBinding(binding)} of container "${container.name}"`;

  // Routed mode maps no host port (a real daemon sets HostPort 0). An inferred port known only from
  // its filter rule in nat mode is still expected to have a DNAT, with the host port unknown.
  const natMapped = mode !== 'routed' && (hostPortKnown || container.source === 'inferred');
  if (natMapped) {
    const v6Form = family === 'ipv6' && g3g4 ? 'dnat6' : 'dnat';
    const id = `${v6Form}${specificHost ? '-hostip' : ''}${daemon.userlandProxy ? '' : '-noproxy'}`;
    emit('published-port', [id], values, `DNAT for the ${what}`, extra);
    const hairpin = !g3g4 || !daemon.userlandProxy;
    if (hairpin) emit('published-port', ['port-hairpin'], values, `hairpin MASQUERADE for the ${what}`, extra);
  }
  // 28.x/29.x: the ACCEPT must come before the bridge's DROP in DOCKER.
  if (!(g3g4 && mode === 'nat-unprotected')) emit('published-port', ['port-accept'], values, `filter ACCEPT for the ${what}`, g3g4 ? { ...extra, insertAt: 1 } : extra);

  if (!g3g4 || !daemon.rawTablePresent) return;
  if (mode === 'nat' && (daemon.rawProtection === 'per-port' || daemon.rawProtection === 'either')) {
    // Within 28.x without a version: the 28.2+ endpoint drop also protects the port.
    const shapes = daemon.rawProtection === 'either' ? ['raw-port-drop', 'raw-endpoint-drop'] : ['raw-port-drop'];
    emit('raw-protection', shapes, values, `raw-table drop of direct access to the ${what}`, extra);
  }
  if (specificHost && isLoopbackAddress(binding.hostIp) && family === 'ipv4' && hostPortKnown) {
    emit('raw-protection', ['raw-loopback-drop'], values, `raw-table drop of non-loopback access to the ${what}`, extra);
  }
}

export function expectedRules(context: ExpectationContext): ExpectedRule[] {
  const out: ExpectedRule[] = [];
  const emit = makeEmitter(context.family, out);
  wiringRules(context, emit);
  for (const network of context.networks) {
    if (!participates(network, context) && !(isolatesWithoutSubnet(context) && !network.internal)) continue;
    if (network.internal) internalNetworkRules(network, context, emit);
    else nonInternalNetworkRules(network, context, emit);
  }
  for (const container of context.containers) {
    endpointRules(container, context, emit);
    for (const binding of container.ports) bindingRules(container, binding, context, emit);
  }
  return dedupe(out);
}

/** The same rule can be wanted twice (a port published on 0.0.0.0 and on ''): keep the first. */
function dedupe(rules: ExpectedRule[]): ExpectedRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = `${rule.table}|${rule.shapes.join('||')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

