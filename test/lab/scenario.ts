/**
 * Lab scenario files: types, JSON-Schema validation (ajv) plus the checks a
 * schema cannot express (cross references, flags the lab owns).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import type { EngineId } from './engines.js';

export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
export const SCENARIO_DIR = join(LAB_DIR, 'scenarios');
export const SCENARIO_SCHEMA_PATH = join(LAB_DIR, 'scenario.schema.json');

export type Proto = 'tcp' | 'udp';
export type ProbeProto = Proto | 'icmp';
export type Family = 'ipv4' | 'ipv6';

export interface BinariesSpec {
  dir?: string;
  dockerd?: string;
  containerd?: string;
  client?: string;
}

export interface NetworkSpec {
  name: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  ipv6?: boolean;
  subnetV6?: string;
  options?: Record<string, string>;
}

export interface ContainerSpec {
  name: string;
  networks?: string[];
  publish?: string[];
  listen?: { tcp?: number[]; udp?: number[] };
}

export type Sysctls = Record<string, string>;

export type EditSpec = { note?: string } & (
  | { iptables: string[] }
  | { ip6tables: string[] }
  | { removeContainer: string }
  | { addContainer: ContainerSpec }
  | { sysctl: Sysctls }
);

export interface Expectation {
  why: string;
  /** Engines on which the fact holds; all when absent. */
  engines?: EngineId[];
  from: string;
  fromNetwork?: string;
  to: string;
  toNetwork?: string;
  proto: ProbeProto;
  port?: number;
  via?: 'direct' | 'published';
  family?: Family;
  toAddress?: string;
  result: 'open' | 'blocked';
  servedBy?: string;
  seenSource?: string;
}

export interface Scenario {
  $schema?: string;
  name: string;
  description: string;
  daemon?: { engine?: EngineId; flags?: string[]; binaries?: BinariesSpec };
  host?: { sysctlsBeforeDaemon?: Sysctls };
  link?: { ipv6?: boolean };
  external?: { routeContainerSubnets?: boolean };
  networks?: NetworkSpec[];
  containers: ContainerSpec[];
  edits?: EditSpec[];
  probeHostPorts?: { port: number; proto?: Proto }[];
  expect?: Expectation[];
}

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid scenario ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

/** Flags whose value the lab chooses per run; a scenario setting them would break isolation. */
const LAB_OWNED_FLAGS = new Set([
  '--data-root',
  '--exec-root',
  '--host',
  '--pidfile',
  '--containerd',
  '--storage-driver',
  '--cgroup-parent',
  '--config-file',
  '--exec-opt',
  '--userland-proxy-path',
  '--graph',
]);

export const DEFAULT_NETWORK = 'bridge';
export const EXTERNAL_NAME = 'external';
export const HOST_NAME = 'host';

let validator: ReturnType<Ajv['compile']> | undefined;

function schemaValidator(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validator = ajv.compile(JSON.parse(readFileSync(SCENARIO_SCHEMA_PATH, 'utf8')) as object);
  }
  return validator;
}

const EDIT_ACTIONS = ['iptables', 'ip6tables', 'removeContainer', 'addContainer', 'sysctl'];

function formatAjvErrors(errors: readonly ErrorObject[]): string[] {
  // oneOf branches only say "must have required property"; report the oneOf once, in words.
  const messages = errors
    .filter((e) => !(e.keyword === 'required' && e.schemaPath.includes('/oneOf/')) && !e.schemaPath.includes('/propertyNames/'))
    .map((e) => {
      const at = e.instancePath || '/';
      if (e.keyword === 'oneOf') return `${at}: must contain exactly one action (${EDIT_ACTIONS.join(', ')})`;
      if (e.keyword === 'additionalProperties') {
        return `${at}/${String((e.params as { additionalProperty: string }).additionalProperty)}: unknown field`;
      }
      if (e.keyword === 'required') return `${e.instancePath}/${String((e.params as { missingProperty: string }).missingProperty)}: required field missing`;
      if (e.keyword === 'pattern') return `${at}: ${JSON.stringify(e.data)} does not match ${String((e.params as { pattern: string }).pattern)}`;
      if (e.keyword === 'propertyNames') return `${at}: bad key ${JSON.stringify((e.params as { propertyName: string }).propertyName)}`;
      if (e.keyword === 'not' && /\/name$/.test(at)) return `${at}: "bridge", "host" and "none" are Docker's own networks`;
      return `${at}: ${e.message ?? e.keyword}`;
    });
  return [...new Set(messages)];
}

export interface PublishSpec {
  raw: string;
  hostIp?: string;
  hostPorts: number[];
  containerPorts: number[];
  proto: Proto;
}

export function parsePublishSpec(raw: string): PublishSpec {
  const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+)(?:-(\d+))?:(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(raw);
  if (!match) throw new Error(`bad publish spec ${JSON.stringify(raw)}`);
  const [, hostIp, hostStart, hostEnd, containerStart, containerEnd, proto] = match;
  const range = (start: string, end: string | undefined): number[] => {
    const a = Number(start);
    const b = end === undefined ? a : Number(end);
    return Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
  };
  const spec: PublishSpec = {
    raw,
    hostPorts: range(hostStart as string, hostEnd),
    containerPorts: range(containerStart as string, containerEnd),
    proto: (proto as Proto | undefined) ?? 'tcp',
  };
  if (hostIp !== undefined) spec.hostIp = hostIp.replace(/^\[|\]$/g, '');
  return spec;
}

/** Ports a container must serve: 80/tcp always, every published container port, `listen`. */
export function serverPorts(container: ContainerSpec): { tcp: number[]; udp: number[] } {
  const tcp = new Set<number>([80, ...(container.listen?.tcp ?? [])]);
  const udp = new Set<number>(container.listen?.udp ?? []);
  for (const raw of container.publish ?? []) {
    const spec = parsePublishSpec(raw);
    for (const port of spec.containerPorts) (spec.proto === 'udp' ? udp : tcp).add(port);
  }
  return { tcp: [...tcp].sort((a, b) => a - b), udp: [...udp].sort((a, b) => a - b) };
}

const PLACEHOLDER = /\{([a-zA-Z0-9]+)(?::([a-z0-9-]+)(?:@([a-z0-9-]+))?)?\}/g;
export const PLACEHOLDER_KINDS = ['ip', 'ip6', 'bridge', 'subnet', 'subnet6', 'gateway', 'hostAddress', 'hostAddress6', 'externalAddress', 'externalAddress6'];

export function placeholdersIn(word: string): { kind: string; name?: string; network?: string; text: string }[] {
  return [...word.matchAll(PLACEHOLDER)].map((m) => {
    const found: { kind: string; name?: string; network?: string; text: string } = { kind: m[1] as string, text: m[0] };
    if (m[2] !== undefined) found.name = m[2];
    if (m[3] !== undefined) found.network = m[3];
    return found;
  });
}

function semanticProblems(scenario: Scenario, fileStem: string | undefined): string[] {
  const problems: string[] = [];
  if (fileStem !== undefined && scenario.name !== fileStem) {
    problems.push(`/name: must equal the file name (${JSON.stringify(fileStem)})`);
  }
  (scenario.daemon?.flags ?? []).forEach((flag, i) => {
    const name = flag.split('=')[0] as string;
    if (LAB_OWNED_FLAGS.has(name)) problems.push(`/daemon/flags/${i}: ${name} is set by the lab`);
  });
  const networks = new Set<string>([DEFAULT_NETWORK]);
  (scenario.networks ?? []).forEach((network, i) => {
    if (networks.has(network.name)) problems.push(`/networks/${i}/name: duplicate network ${JSON.stringify(network.name)}`);
    networks.add(network.name);
    if (network.subnetV6 && !network.ipv6) problems.push(`/networks/${i}/subnetV6: needs "ipv6": true`);
    if (network.gateway && !network.subnet) problems.push(`/networks/${i}/gateway: needs "subnet"`);
  });
  const known = new Set<string>();
  const everKnown = new Set<string>();
  const checkContainer = (container: ContainerSpec, at: string): void => {
    if (known.has(container.name) || container.name === EXTERNAL_NAME || container.name === HOST_NAME) {
      problems.push(`${at}/name: duplicate or reserved container name ${JSON.stringify(container.name)}`);
    }
    known.add(container.name);
    everKnown.add(container.name);
    (container.networks ?? []).forEach((network, j) => {
      if (!networks.has(network)) problems.push(`${at}/networks/${j}: unknown network ${JSON.stringify(network)}`);
    });
    (container.publish ?? []).forEach((raw, j) => {
      try {
        const spec = parsePublishSpec(raw);
        if (spec.hostPorts.length !== spec.containerPorts.length) {
          problems.push(`${at}/publish/${j}: host and container port ranges differ in length`);
        }
        if ([...spec.hostPorts, ...spec.containerPorts].some((p) => p < 1 || p > 65535) || spec.hostPorts.length === 0) {
          problems.push(`${at}/publish/${j}: port out of range`);
        }
      } catch (error) {
        problems.push(`${at}/publish/${j}: ${(error as Error).message}`);
      }
    });
  };
  scenario.containers.forEach((container, i) => checkContainer(container, `/containers/${i}`));
  (scenario.edits ?? []).forEach((edit, i) => {
    if ('removeContainer' in edit) {
      if (!known.has(edit.removeContainer)) problems.push(`/edits/${i}/removeContainer: no running container ${JSON.stringify(edit.removeContainer)}`);
      known.delete(edit.removeContainer);
    } else if ('addContainer' in edit) {
      checkContainer(edit.addContainer, `/edits/${i}/addContainer`);
    } else if ('iptables' in edit || 'ip6tables' in edit) {
      const argv = 'iptables' in edit ? edit.iptables : edit.ip6tables;
      const key = 'iptables' in edit ? 'iptables' : 'ip6tables';
      argv.forEach((word, j) => {
        for (const p of placeholdersIn(word)) {
          const at = `/edits/${i}/${key}/${j}`;
          if (!PLACEHOLDER_KINDS.includes(p.kind)) problems.push(`${at}: unknown placeholder ${p.text}`);
          else if (['ip', 'ip6'].includes(p.kind) && (!p.name || !everKnown.has(p.name))) problems.push(`${at}: ${p.text} names no container`);
          else if (['bridge', 'subnet', 'subnet6', 'gateway'].includes(p.kind) && (!p.name || !networks.has(p.name))) {
            problems.push(`${at}: ${p.text} names no network`);
          }
        }
      });
    }
  });
  const endpoints = new Set([...everKnown, EXTERNAL_NAME, HOST_NAME]);
  (scenario.expect ?? []).forEach((expectation, i) => {
    if (!endpoints.has(expectation.from)) problems.push(`/expect/${i}/from: unknown endpoint ${JSON.stringify(expectation.from)}`);
    if (!endpoints.has(expectation.to)) problems.push(`/expect/${i}/to: unknown endpoint ${JSON.stringify(expectation.to)}`);
    for (const key of ['fromNetwork', 'toNetwork'] as const) {
      const network = expectation[key];
      if (network !== undefined && !networks.has(network)) problems.push(`/expect/${i}/${key}: unknown network ${JSON.stringify(network)}`);
    }
    if (expectation.proto === 'icmp' && expectation.port !== undefined) problems.push(`/expect/${i}/port: icmp has no port`);
  });
  return problems;
}

/** Validates parsed JSON; throws a ScenarioError listing every problem with its JSON pointer. */
export function validateScenario(data: unknown, source: string, fileStem?: string): Scenario {
  const validate = schemaValidator();
  if (!validate(data)) throw new ScenarioError(source, formatAjvErrors(validate.errors ?? []));
  const scenario = data as Scenario;
  const problems = semanticProblems(scenario, fileStem);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return scenario;
}

export function loadScenario(path: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(path, [`not readable JSON: ${(error as Error).message}`]);
  }
  return validateScenario(data, path, basename(path, '.json'));
}

export function scenarioFiles(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

export function loadAllScenarios(dir = SCENARIO_DIR): Scenario[] {
  return scenarioFiles(dir).map(loadScenario);
}
