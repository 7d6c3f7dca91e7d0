/**
 * The Docker host as the packet model sees it: one ruleset per address
 * family, the topology, the Docker networks and containers, and the
 * docker-proxy listeners (the userland proxy answers published ports that
 * no DNAT rule catches: loopback, hairpin, IPv6 without ip6tables NAT).
 *
 * Built from the Docker inventory (src/docker: inspect JSON or inferred from
 * the dump). Docker's inventory has no host addresses: bridge gateways are
 * derived from the subnets (Docker gives a bridge the first address unless
 * told otherwise) and uplink addresses come from the caller (`--host-addr`).
 */
import type { Family } from '../../grammar/ast.js';
import type { DockerContainerState, DockerGeneration, DockerInputs, DockerInventory, DockerNetworkState, PortBinding } from '../docker/types.js';
import type { Model } from '../model/types.js';
import { addressValue, formatAddr, parseAddress, parseBlock, type AddrSet, type Block } from './address.js';
import { makeRuleset, type Ruleset } from './evaluator.js';
import { IntervalSet } from './intervals.js';
import { buildTopology, defaultGateway, localAddresses, type Topology, type TopologyOptions } from './topology.js';

export interface HostNetwork {
  name: string;
  bridge: string;
  subnets: Block[];
  /** The bridge's own address per family (the containers' gateway). */
  gateways: Partial<Record<Family, bigint>>;
  internal: boolean;
  icc: boolean;
  ipMasquerade: boolean;
}

export interface HostEndpoint {
  network: string;
  bridge: string;
  ipv4?: bigint;
  ipv6?: bigint;
}

export interface HostContainer {
  name: string;
  endpoints: HostEndpoint[];
  ports: PortBinding[];
}

/** A docker-proxy listening socket. */
export interface ProxyListener {
  family: Family;
  /** Local addresses it accepts connections on. */
  addresses: AddrSet;
  /** Bound to one address (replies leave from it) or to the wildcard (replies leave from the route's source). */
  wildcard: boolean;
  proto: 'tcp' | 'udp' | 'sctp';
  hostPort: number;
  container: string;
  hostIp: string;
  target: { family: Family; addr: bigint; port: number };
}

export interface Host {
  rulesets: Partial<Record<Family, Ruleset>>;
  topology: Topology;
  networks: HostNetwork[];
  containers: HostContainer[];
  proxies: ProxyListener[];
  userlandProxy: boolean;
  /** The Docker rule generation the audit detected (G3 = 28.x, G4 = 29.x…), when known. */
  generation?: DockerGeneration | null;
  notes: string[];
}

/**
 * Docker 28 or later: the audit said so, or a dump has Docker 28's DOCKER-FORWARD chain.
 * (Shown by the lab: docker-proxy's UDP replies and direct access differ from 27.x and earlier.)
 */
export function isDocker28OrLater(host: Pick<Host, 'generation' | 'rulesets'>): boolean {
  if (host.generation === 'G3' || host.generation === 'G4' || host.generation === 'G4-nft') return true;
  return Object.values(host.rulesets).some((ruleset) => ruleset.model.tables.get('filter')?.chains.has('DOCKER-FORWARD'));
}

export interface HostInput {
  ipv4?: Model;
  ipv6?: Model;
  networks: readonly DockerNetworkState[];
  containers: readonly DockerContainerState[];
  /** docker-proxy runs for published ports (dockerd --userland-proxy, default true). */
  userlandProxy: boolean;
  topology?: TopologyOptions;
  /** Bridge addresses per network name when they are not the subnet's first address. */
  gateways?: Readonly<Record<string, readonly string[]>>;
}

function networkGateways(network: DockerNetworkState, given: readonly string[] | undefined): { addresses: string[]; gateways: Partial<Record<Family, bigint>> } {
  const addresses: string[] = [];
  const gateways: Partial<Record<Family, bigint>> = {};
  for (const subnet of network.subnets) {
    const block = parseBlock(subnet.cidr);
    if (!block) continue;
    const explicit = given?.map((text) => parseAddress(text)).find((parsed) => parsed?.family === block.family);
    const address = explicit ? `${formatAddr(explicit.value, block.family)}/${block.bits}` : defaultGateway(subnet.cidr);
    addresses.push(address);
    gateways[block.family] ??= addressValue(address.split('/')[0] as string);
  }
  return { addresses, gateways };
}

function expandPorts(text: string): number[] {
  const [from = '', to] = text.split('-');
  const start = Number(from);
  const end = to === undefined ? start : Number(to);
  if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) return [];
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function proxyListeners(containers: readonly HostContainer[], topology: Topology): ProxyListener[] {
  const listeners: ProxyListener[] = [];
  for (const container of containers) {
    for (const binding of container.ports) {
      // Routed mode and `-p 80` without a host mapping: nothing listens on the host.
      if (binding.hostPort === '' || binding.hostPort === '0') continue;
      const hostPorts = expandPorts(binding.hostPort);
      const containerPorts = expandPorts(binding.containerPort);
      if (hostPorts.length === 0 || hostPorts.length !== containerPorts.length) continue;
      const hostIp = binding.hostIp;
      const families: Family[] = hostIp === '' ? ['ipv4', 'ipv6'] : [hostIp.includes(':') ? 'ipv6' : 'ipv4'];
      for (const family of families) {
        // docker-proxy forwards to the container's address of its own family, and to the
        // IPv4 address when the container has no IPv6 one (Docker 20.10 binds [::] either way).
        const endpoint = container.endpoints.find((candidate) => (family === 'ipv6' ? candidate.ipv6 : candidate.ipv4) !== undefined) ?? container.endpoints.find((candidate) => candidate.ipv4 !== undefined);
        if (!endpoint) continue;
        const targetFamily: Family = family === 'ipv6' && endpoint.ipv6 !== undefined ? 'ipv6' : 'ipv4';
        const targetAddr = targetFamily === 'ipv6' ? endpoint.ipv6 : endpoint.ipv4;
        if (targetAddr === undefined) continue;
        const wildcard = hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';
        const specific = wildcard ? null : parseAddress(hostIp);
        const addresses = specific ? IntervalSet.of(specific.value) : localAddresses(topology, family);
        hostPorts.forEach((hostPort, index) => {
          listeners.push({
            family,
            addresses,
            wildcard,
            proto: binding.protocol,
            hostPort,
            container: container.name,
            hostIp,
            target: { family: targetFamily, addr: targetAddr, port: containerPorts[index] as number },
          });
        });
      }
    }
  }
  return listeners;
}

export function buildHost(input: HostInput): Host {
  const notes: string[] = [];
  const networks: HostNetwork[] = [];
  const bridges = input.networks.map((network) => {
    const { addresses, gateways } = networkGateways(network, input.gateways?.[network.name]);
    networks.push({
      name: network.name,
      bridge: network.bridge,
      subnets: network.subnets.map((subnet) => parseBlock(subnet.cidr)).filter((block): block is Block => block !== null),
      gateways,
      internal: network.internal,
      icc: network.icc,
      ipMasquerade: network.ipMasquerade,
    });
    return { bridge: network.bridge, addresses };
  });
  const topology = buildTopology(bridges, input.topology ?? {});
  const bridgeOf = new Map(input.networks.map((network) => [network.name, network.bridge]));
  const containers: HostContainer[] = input.containers.map((container) => ({
    name: container.name,
    ports: container.ports,
    endpoints: container.endpoints.map((endpoint) => {
      const out: HostEndpoint = { network: endpoint.network, bridge: bridgeOf.get(endpoint.network) ?? '' };
      const v4 = endpoint.ipv4 ? parseAddress(endpoint.ipv4) : null;
      const v6 = endpoint.ipv6 ? parseAddress(endpoint.ipv6) : null;
      if (v4?.family === 'ipv4') out.ipv4 = v4.value;
      if (v6?.family === 'ipv6') out.ipv6 = v6.value;
      return out;
    }),
  }));
  const rulesets: Partial<Record<Family, Ruleset>> = {};
  if (input.ipv4) rulesets.ipv4 = makeRuleset(input.ipv4, topology);
  if (input.ipv6) rulesets.ipv6 = makeRuleset(input.ipv6, topology);
  if (!input.ipv6) notes.push('no ip6tables dump: IPv6 is not analysed');
  notes.push(...topology.assumptions);
  return {
    rulesets,
    topology,
    networks,
    containers,
    proxies: input.userlandProxy ? proxyListeners(containers, topology) : [],
    userlandProxy: input.userlandProxy,
    notes,
  };
}

export function endpointAddress(endpoint: HostEndpoint, family: Family): bigint | undefined {
  return family === 'ipv4' ? endpoint.ipv4 : endpoint.ipv6;
}

const owners = new WeakMap<Host, Record<Family, Map<bigint, { container: HostContainer; endpoint: HostEndpoint }>>>();

/** The container (and endpoint) that owns an address. */
export function containerAt(host: Host, family: Family, address: bigint): { container: HostContainer; endpoint: HostEndpoint } | undefined {
  let index = owners.get(host);
  if (!index) {
    index = { ipv4: new Map(), ipv6: new Map() };
    for (const container of host.containers) {
      for (const endpoint of container.endpoints) {
        for (const key of ['ipv4', 'ipv6'] as const) {
          const value = endpointAddress(endpoint, key);
          if (value !== undefined && !index[key].has(value)) index[key].set(value, { container, endpoint });
        }
      }
    }
    owners.set(host, index);
  }
  return index[family].get(address);
}

export function networkOfBridge(host: Host, bridge: string): HostNetwork | undefined {
  return host.networks.find((network) => network.bridge === bridge);
}

/**
 * The endpoint a container sends a packet to `destination` from: the network
 * whose subnet holds it, else the one with the default route (libnetwork puts
 * the gateway on the first endpoint by network name, preferring non-internal).
 */
export function egressEndpoint(host: Host, container: HostContainer, family: Family, destination: bigint): HostEndpoint | undefined {
  const withAddress = container.endpoints.filter((endpoint) => endpointAddress(endpoint, family) !== undefined);
  for (const endpoint of withAddress) {
    const network = host.networks.find((candidate) => candidate.name === endpoint.network);
    if (network?.subnets.some((block) => block.family === family && inBlock(block, destination))) return endpoint;
  }
  return gatewayEndpoint(host, withAddress);
}

function inBlock(block: Block, value: bigint): boolean {
  const max = block.family === 'ipv4' ? 32 : 128;
  const size = 1n << BigInt(max - block.bits);
  return value >= block.network && value < block.network + size;
}

export function gatewayEndpoint(host: Host, endpoints: readonly HostEndpoint[]): HostEndpoint | undefined {
  const internal = (endpoint: HostEndpoint): boolean => host.networks.find((network) => network.name === endpoint.network)?.internal ?? false;
  return [...endpoints].sort((a, b) => Number(internal(a)) - Number(internal(b)) || a.network.localeCompare(b.network))[0];
}

export interface DockerHostInput {
  ipv4?: Model;
  ipv6?: Model;
  /** The Docker audit's inventory (`dockerInventory` or `analyzeDocker`); without it the host has no bridges but those given as routes. */
  docker?: Pick<DockerInventory, 'networks' | 'containers' | 'daemon'> & Partial<Pick<DockerInventory, 'detection'>>;
  /**
   * The inspect JSON itself (`loadDockerInputs`): used when the audit found no
   * Docker rules in the dump (dockerd --iptables=false), where it reports no networks.
   */
  inputs?: Pick<DockerInputs, 'networks' | 'containers'>;
  topology?: TopologyOptions;
  /** Overrides the userland-proxy setting the audit detected. */
  userlandProxy?: boolean;
}

/** A Host from the dumps and the Docker audit's inventory (inspect JSON or inferred from the dump). */
export function hostFromDocker(input: DockerHostInput): Host {
  const host = buildHost({
    ...(input.ipv4 ? { ipv4: input.ipv4 } : {}),
    ...(input.ipv6 ? { ipv6: input.ipv6 } : {}),
    networks: input.docker?.networks.length ? input.docker.networks.map((entry) => entry.state) : (input.inputs?.networks ?? []),
    containers: input.docker?.containers.length ? input.docker.containers.map((entry) => entry.state) : (input.inputs?.containers ?? []),
    userlandProxy: input.userlandProxy ?? input.docker?.daemon.userlandProxy ?? true,
    ...(input.topology ? { topology: input.topology } : {}),
  });
  if (input.docker?.detection) host.generation = input.docker.detection.generation;
  return host;
}
