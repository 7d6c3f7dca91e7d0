/**
 * `docker network inspect` / `docker inspect` JSON in the shape dockerd
 * prints, for the iptablesdoc scenario (docker0 172.17.0.0/16, bridge1
 * 192.0.2.0/24, container c1 = 192.0.2.2 publishing 8080→80/tcp), written to
 * a temporary directory so that `loadDockerInputs` reads real files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDockerInputs, type DockerInputPaths } from '../../src/docker/load-inputs.js';
import type { DockerInputs } from '../../src/docker/types.js';
import { scratchDir } from '../scratch.js';

const C1_ID = '7f3c9a1be2d45c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f';

export interface NetworkSpec {
  name: string;
  bridge?: string;
  id?: string;
  subnet: string;
  internal?: boolean;
  options?: Record<string, string>;
  containers?: Record<string, { Name: string; IPv4Address: string; IPv6Address: string }>;
}

export function networkJson(spec: NetworkSpec): Record<string, unknown> {
  const id = spec.id ?? `${Buffer.from(spec.name).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  return {
    Name: spec.name,
    Id: id,
    Created: '2025-01-01T00:00:00.000000000Z',
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: spec.subnet, Gateway: spec.subnet.replace(/\d+\/\d+$/, '1') }] },
    Internal: spec.internal ?? false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: spec.containers ?? {},
    Options: { ...(spec.bridge ? { 'com.docker.network.bridge.name': spec.bridge } : {}), ...spec.options },
    Labels: {},
  };
}

export const DEFAULT_BRIDGE = networkJson({
  name: 'bridge',
  subnet: '172.17.0.0/16',
  bridge: 'docker0',
  options: {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.driver.mtu': '1500',
  },
});

export function bridge1(options: Record<string, string> = {}, withContainer = true): Record<string, unknown> {
  return networkJson({
    name: 'bridge1',
    bridge: 'bridge1',
    subnet: '192.0.2.0/24',
    options,
    ...(withContainer ? { containers: { [C1_ID]: { Name: 'c1', IPv4Address: '192.0.2.2/24', IPv6Address: '' } } } : {}),
  });
}

export function containerJson(name: string, network: string, address: string, ports: Record<string, { HostIp: string; HostPort: string }[] | null>, running = true): Record<string, unknown> {
  return {
    Id: name === 'c1' ? C1_ID : Buffer.from(name).toString('hex').padEnd(64, '0'),
    Name: `/${name}`,
    State: { Status: running ? 'running' : 'exited', Running: running },
    HostConfig: { NetworkMode: network },
    NetworkSettings: {
      Ports: ports,
      Networks: { [network]: { IPAddress: address, IPPrefixLen: 24, GlobalIPv6Address: '', NetworkID: '' } },
    },
  };
}

export const C1 = containerJson('c1', 'bridge1', '192.0.2.2', { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });

export interface InputFiles {
  networks?: unknown;
  containers?: unknown;
  /** Text (YAML or JSON) of the policy file. */
  policy?: string;
  dockerVersion?: string;
  companionModel?: DockerInputPaths['companionModel'];
}

/** Writes the given documents to files and loads them the way the CLI will. */
export function writeAndLoad(files: InputFiles): DockerInputs {
  const dir = scratchDir('iptlint-docker-');
  const paths: DockerInputPaths = {};
  if (files.networks !== undefined) {
    paths.networksPath = join(dir, 'networks.json');
    writeFileSync(paths.networksPath, JSON.stringify(files.networks, null, 2));
  }
  if (files.containers !== undefined) {
    paths.containersPath = join(dir, 'containers.json');
    writeFileSync(paths.containersPath, JSON.stringify(files.containers, null, 2));
  }
  if (files.policy !== undefined) {
    paths.policyPath = join(dir, 'policy.yaml');
    writeFileSync(paths.policyPath, files.policy);
  }
  if (files.dockerVersion !== undefined) paths.dockerVersion = files.dockerVersion;
  if (files.companionModel) paths.companionModel = files.companionModel;
  return loadDockerInputs(paths);
}

export function tempFile(name: string, text: string): string {
  const dir = scratchDir('iptlint-docker-');
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
