/** Small builders for packet-model tests: a host from dump text, a packet trace in one call. */
import { parse } from '../../grammar/index.js';
import type { Family } from '../../grammar/ast.js';
import type { DockerContainerState, DockerNetworkState } from '../../src/docker/types.js';
import { buildModel } from '../../src/model/build.js';
import type { Model } from '../../src/model/types.js';
import { buildHost, type Host } from '../../src/packet/host.js';
import type { TopologyOptions } from '../../src/packet/topology.js';
import { tracePacket, type TraceRequest, type TraceResult } from '../../src/packet/trace.js';

export function model(text: string, family: Family = 'ipv4', file = 'test.rules'): Model {
  return buildModel(parse(text, { file, family }));
}

export function network(name: string, bridge: string, subnets: string[], extra: Partial<DockerNetworkState> = {}): DockerNetworkState {
  return {
    name,
    bridge,
    subnets: subnets.map((cidr) => ({ family: cidr.includes(':') ? 'ipv6' : 'ipv4', cidr })),
    internal: false,
    icc: true,
    ipMasquerade: true,
    gatewayModeV4: 'nat',
    gatewayModeV6: 'nat',
    enableIpv6: subnets.some((cidr) => cidr.includes(':')),
    trustedHostInterfaces: [],
    source: 'inspect',
    assumed: [],
    ...extra,
  };
}

export function container(name: string, endpoints: { network: string; ipv4?: string; ipv6?: string }[], ports: DockerContainerState['ports'] = []): DockerContainerState {
  return { name, endpoints, ports, source: 'inspect' };
}

export interface HostSpec {
  ipv4?: string;
  ipv6?: string;
  networks?: DockerNetworkState[];
  containers?: DockerContainerState[];
  userlandProxy?: boolean;
  topology?: TopologyOptions;
}

export const UPLINK: TopologyOptions = {
  hostAddrs: ['192.0.2.1/24=eth0', '2001:db8:100::1/64=eth0'],
  routes: [
    { cidr: '0.0.0.0/0', iface: 'eth0' },
    { cidr: '::/0', iface: 'eth0' },
  ],
};

export function host(spec: HostSpec): Host {
  return buildHost({
    ...(spec.ipv4 !== undefined ? { ipv4: model(spec.ipv4, 'ipv4', 'v4.rules') } : {}),
    ...(spec.ipv6 !== undefined ? { ipv6: model(spec.ipv6, 'ipv6', 'v6.rules') } : {}),
    networks: spec.networks ?? [],
    containers: spec.containers ?? [],
    userlandProxy: spec.userlandProxy ?? true,
    topology: spec.topology ?? UPLINK,
  });
}

export function trace(h: Host, request: TraceRequest): TraceResult {
  return tracePacket(h, request);
}

/** `table chain action` of each rule step (routing/bridge steps kept as `routing`/`bridge`). */
export function steps(result: { path: { table: string; chain: string; action: string; ruleLine?: number }[] }): string[] {
  return result.path.map((hop) => (hop.table === 'routing' || hop.table === 'bridge' ? `${hop.table}: ${hop.action}` : `${hop.table} ${hop.chain} ${hop.action}`));
}

/** A save-format dump of the given tables (`:CHAIN POLICY` lines are added for built-ins). */
export function dump(tables: Record<string, { policies?: Record<string, string>; chains?: string[]; rules: string[] }>): string {
  const builtins: Record<string, string[]> = {
    raw: ['PREROUTING', 'OUTPUT'],
    mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  };
  const lines: string[] = [];
  for (const [name, table] of Object.entries(tables)) {
    lines.push(`*${name}`);
    for (const chain of builtins[name] ?? []) lines.push(`:${chain} ${table.policies?.[chain] ?? 'ACCEPT'} [0:0]`);
    for (const chain of table.chains ?? []) lines.push(`:${chain} - [0:0]`);
    lines.push(...table.rules, 'COMMIT');
  }
  return `${lines.join('\n')}\n`;
}
