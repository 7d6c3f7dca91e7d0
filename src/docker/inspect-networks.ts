/**
 * Reads `docker network inspect` output (a JSON array) into the expected
 * state of each bridge network, and the container addresses it lists.
 */
import { isCidr, familyOfAddress, hostOf } from './address.js';
import { JsonReader, type JsonObject } from './json-reader.js';
import { canonicalCidr } from './rule-shape.js';
import type { StructuredFile } from './structured-file.js';
import type { DockerNetworkState, GatewayMode, Subnet } from './types.js';

const OPTION = 'com.docker.network.bridge.';

export interface NetworkEndpointAddress {
  network: string;
  containerId: string;
  containerName: string;
  ipv4?: string;
  ipv6?: string;
}

export interface InspectedNetworks {
  networks: DockerNetworkState[];
  endpoints: NetworkEndpointAddress[];
}

function parseBoolOption(reader: JsonReader, options: JsonObject, key: string, path: (string | number)[], fallback: boolean): boolean {
  const value = reader.optionalString(options, key, path);
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw reader.source.error([...path, key], `expected "true" or "false", found ${JSON.stringify(value)}`);
}

const GATEWAY_MODES: readonly GatewayMode[] = ['nat', 'nat-unprotected', 'routed', 'isolated'];

function parseGatewayMode(reader: JsonReader, options: JsonObject, key: string, path: (string | number)[]): GatewayMode {
  const value = reader.optionalString(options, key, path);
  if (value === undefined || value === '') return 'nat';
  const mode = GATEWAY_MODES.find((candidate) => candidate === value);
  if (!mode) throw reader.source.error([...path, key], `unknown gateway mode ${JSON.stringify(value)} (expected ${GATEWAY_MODES.join(', ')})`);
  return mode;
}

/** Docker names a user network's bridge `br-` + the first 12 hex digits of its ID unless told otherwise. */
export function bridgeNameOf(name: string, id: string | undefined, options: JsonObject): string {
  const explicit = options[`${OPTION}name`];
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  if (name === 'bridge') return 'docker0';
  return `br-${(id ?? '').slice(0, 12)}`;
}

function readSubnets(reader: JsonReader, entry: JsonObject, path: (string | number)[]): Subnet[] {
  const ipam = reader.optionalObject(entry, 'IPAM', path);
  const configs = reader.optionalArray(ipam, 'Config', [...path, 'IPAM']);
  const subnets: Subnet[] = [];
  configs.forEach((config, index) => {
    const configPath = [...path, 'IPAM', 'Config', index];
    const subnet = reader.optionalString(reader.object(config, configPath), 'Subnet', configPath);
    if (subnet === undefined || subnet === '') return;
    if (!isCidr(subnet)) throw reader.source.error([...configPath, 'Subnet'], `not a CIDR: ${JSON.stringify(subnet)}`);
    const family = familyOfAddress(subnet);
    if (family) subnets.push({ family, cidr: canonicalCidr(subnet) });
  });
  return subnets;
}

function readEndpoints(reader: JsonReader, entry: JsonObject, network: string, path: (string | number)[]): NetworkEndpointAddress[] {
  const containers = reader.optionalObject(entry, 'Containers', path);
  const endpoints: NetworkEndpointAddress[] = [];
  for (const [containerId, value] of Object.entries(containers)) {
    const containerPath = [...path, 'Containers', containerId];
    const container = reader.object(value, containerPath);
    const ipv4 = reader.optionalString(container, 'IPv4Address', containerPath);
    const ipv6 = reader.optionalString(container, 'IPv6Address', containerPath);
    endpoints.push({
      network,
      containerId,
      containerName: (reader.optionalString(container, 'Name', containerPath) ?? containerId.slice(0, 12)).replace(/^\//, ''),
      ...(ipv4 ? { ipv4: hostOf(ipv4) } : {}),
      ...(ipv6 ? { ipv6: hostOf(ipv6) } : {}),
    });
  }
  return endpoints;
}

export function readNetworkInspect(source: StructuredFile): InspectedNetworks {
  const reader = new JsonReader(source);
  const entries = reader.array(source.value, []);
  const networks: DockerNetworkState[] = [];
  const endpoints: NetworkEndpointAddress[] = [];
  entries.forEach((value, index) => {
    const path = [index];
    const entry = reader.object(value, path);
    const name = reader.string(entry, 'Name', path);
    const driver = reader.optionalString(entry, 'Driver', path);
    // Only the bridge driver programs these iptables rules (host, none, overlay, macvlan… do not).
    if (driver !== undefined && driver !== 'bridge') return;
    const id = reader.optionalString(entry, 'Id', path) ?? reader.optionalString(entry, 'ID', path);
    const options = reader.optionalObject(entry, 'Options', path);
    const optionsPath = [...path, 'Options'];
    const subnets = readSubnets(reader, entry, path);
    const trusted = reader.optionalString(options, `${OPTION}trusted_host_interfaces`, optionsPath);
    const hostIpv4 = reader.optionalString(options, 'com.docker.network.host_ipv4', optionsPath);
    const hostIpv6 = reader.optionalString(options, 'com.docker.network.host_ipv6', optionsPath);
    const hostBinding = reader.optionalString(options, `${OPTION}host_binding_ipv4`, optionsPath);
    const network: DockerNetworkState = {
      name,
      bridge: bridgeNameOf(name, id, options),
      subnets,
      internal: reader.optionalBoolean(entry, 'Internal', path) ?? false,
      icc: parseBoolOption(reader, options, `${OPTION}enable_icc`, optionsPath, true),
      ipMasquerade: parseBoolOption(reader, options, `${OPTION}enable_ip_masquerade`, optionsPath, true),
      gatewayModeV4: parseGatewayMode(reader, options, `${OPTION}gateway_mode_ipv4`, optionsPath),
      gatewayModeV6: parseGatewayMode(reader, options, `${OPTION}gateway_mode_ipv6`, optionsPath),
      enableIpv6: reader.optionalBoolean(entry, 'EnableIPv6', path) ?? subnets.some((subnet) => subnet.family === 'ipv6'),
      trustedHostInterfaces: trusted ? trusted.split(':').filter((name) => name !== '') : [],
      source: 'inspect',
      assumed: [],
      ...(id ? { id } : {}),
      ...(hostIpv4 ? { snatV4: hostIpv4 } : {}),
      ...(hostIpv6 ? { snatV6: hostIpv6 } : {}),
      ...(hostBinding ? { hostBindingIpv4: hostBinding } : {}),
    };
    networks.push(network);
    endpoints.push(...readEndpoints(reader, entry, name, path));
  });
  return { networks, endpoints };
}
