/**
 * Loads a Docker policy file (YAML or JSON), validates it against
 * `schemas/docker-policy.schema.json` and turns it into `DockerPolicy`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { newAjv } from '../engine/ajv.js';
import { messageOf, mostUsefulError, pathOf } from '../engine/schema-errors.js';
import { familyOfAddress } from './address.js';
import { isObject } from './json-reader.js';
import { canonicalCidr } from './rule-shape.js';
import type { StructuredFile } from './structured-file.js';
import type { DockerNetworkState, DockerPolicy, GatewayMode, PolicyPublishedPort, PortProtocol, Subnet } from './types.js';

const SCHEMA_FILE = 'schemas/docker-policy.schema.json';

/** The schema sits at the package root: two levels up from src/docker, three from dist/src/docker. */
function findSchemaFile(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(directory, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new Error(`cannot find ${SCHEMA_FILE} above ${fileURLToPath(import.meta.url)}`);
}

let validator: ValidateFunction | undefined;

function policyValidator(): ValidateFunction {
  if (!validator) {
    const schema: unknown = JSON.parse(readFileSync(findSchemaFile(), 'utf8'));
    if (!isObject(schema)) throw new Error(`${SCHEMA_FILE} is not a JSON object`);
    validator = newAjv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

function toGatewayModes(value: unknown): { v4: GatewayMode; v6: GatewayMode } {
  if (typeof value === 'string') return { v4: value as GatewayMode, v6: value as GatewayMode };
  const modes = isObject(value) ? value : {};
  return { v4: (modes['ipv4'] as GatewayMode | undefined) ?? 'nat', v6: (modes['ipv6'] as GatewayMode | undefined) ?? 'nat' };
}

function toNetwork(name: string, entry: Record<string, unknown>): DockerNetworkState {
  const subnets: Subnet[] = [];
  for (const text of (entry['subnets'] as string[] | undefined) ?? []) {
    const family = familyOfAddress(text);
    if (family) subnets.push({ family, cidr: canonicalCidr(text) });
  }
  const modes = toGatewayModes(entry['gatewayMode']);
  const assumed = ['internal', 'icc', 'ipMasquerade', 'gatewayMode', 'bridge', 'subnets'].filter((key) => entry[key] === undefined);
  return {
    name,
    bridge: (entry['bridge'] as string | undefined) ?? (name === 'bridge' ? 'docker0' : ''),
    subnets,
    internal: (entry['internal'] as boolean | undefined) ?? false,
    icc: (entry['icc'] as boolean | undefined) ?? true,
    ipMasquerade: (entry['ipMasquerade'] as boolean | undefined) ?? true,
    gatewayModeV4: modes.v4,
    gatewayModeV6: modes.v6,
    enableIpv6: subnets.some((subnet) => subnet.family === 'ipv6'),
    trustedHostInterfaces: [],
    source: 'policy',
    assumed,
  };
}

function toPublishedPort(entry: Record<string, unknown>): PolicyPublishedPort {
  const port: PolicyPublishedPort = {
    port: String(entry['port']),
    protocol: (entry['protocol'] as PortProtocol | 'any' | undefined) ?? 'any',
  };
  if (Array.isArray(entry['hostIps'])) port.hostIps = entry['hostIps'] as string[];
  if (Array.isArray(entry['containers'])) port.containers = entry['containers'] as string[];
  return port;
}

export function readPolicy(source: StructuredFile): DockerPolicy {
  const validate = policyValidator();
  if (!validate(source.value)) {
    const error = mostUsefulError(validate.errors ?? []);
    throw source.error(pathOf(error), messageOf(error));
  }
  const document = source.value as Record<string, unknown>;
  const networksEntry = (document['networks'] as Record<string, Record<string, unknown>> | undefined) ?? {};
  const networks: DockerNetworkState[] = [];
  const mayTalk: [string, string][] = [];
  const locations = new Map<string, { line: number; column: number }>();
  for (const [name, entry] of Object.entries(networksEntry)) {
    networks.push(toNetwork(name, entry));
    const location = source.locate(['networks', name]);
    if (location) locations.set(name, location);
    for (const peer of (entry['mayTalkTo'] as string[] | undefined) ?? []) {
      if (!(peer in networksEntry)) {
        throw source.error(['networks', name, 'mayTalkTo'], `names network ${JSON.stringify(peer)}, which the policy does not declare`);
      }
      mayTalk.push([name, peer]);
    }
  }
  const policy: DockerPolicy = { file: source.file, networks, mayTalk, locations };
  const ports = document['publishedPorts'];
  if (Array.isArray(ports)) policy.publishedPorts = { allowed: ports.map((entry) => toPublishedPort(entry as Record<string, unknown>)) };
  const dockerUser = document['dockerUser'];
  if (isObject(dockerUser)) {
    policy.dockerUser = {
      restrictExternal: dockerUser['restrictExternal'] === true,
      externalInterfaces: (dockerUser['externalInterfaces'] as string[] | undefined) ?? [],
    };
  }
  return policy;
}

