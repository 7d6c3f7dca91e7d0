/**
 * A deterministic Docker 20.10-style host of any size, for the performance
 * test: iptables-save text in the bridge driver's layout (FORWARD per bridge,
 * DOCKER-ISOLATION-STAGE-1/2, DOCKER per published port, MASQUERADE and
 * hairpin MASQUERADE, DNAT per host port) plus the matching inventory.
 */
import type { DockerContainerState, DockerNetworkState } from '../../src/docker/types.js';
import { container, network } from './helpers.js';

export interface SyntheticHost {
  rules: string;
  networks: DockerNetworkState[];
  containers: DockerContainerState[];
  publishedPorts: number;
}

export function syntheticDockerHost(networkCount: number, containerCount: number): SyntheticHost {
  const networks: DockerNetworkState[] = [network('bridge', 'docker0', ['172.17.0.0/16'])];
  for (let n = 0; n < networkCount - 1; n++) {
    networks.push(
      network(`net${n}`, `br-${n.toString(16).padStart(12, '0')}`, [`10.${n}.0.0/16`], {
        internal: n % 15 === 14,
        icc: n % 7 !== 6,
        ipMasquerade: n % 11 !== 10,
      }),
    );
  }
  const subnetBase = (index: number): string => (index === 0 ? '172.17' : `10.${index - 1}`);
  const containers: DockerContainerState[] = [];
  const used = new Map<number, number>();
  for (let i = 0; i < containerCount; i++) {
    const index = i % networks.length;
    const host = (used.get(index) ?? 1) + 1;
    used.set(index, host);
    const net = networks[index] as DockerNetworkState;
    const ports: DockerContainerState['ports'] = [];
    if (!net.internal && i % 2 === 0) ports.push({ protocol: 'tcp', containerPort: '80', hostPort: String(10000 + i), hostIp: '0.0.0.0' });
    if (!net.internal && i % 10 === 0) ports.push({ protocol: 'udp', containerPort: '53', hostPort: String(20000 + i), hostIp: '0.0.0.0' });
    containers.push(container(`c${i}`, [{ network: net.name, ipv4: `${subnetBase(index)}.${host >> 8}.${host & 255}` }], ports));
  }
  const filter: string[] = ['-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1'];
  const docker: string[] = [];
  const stage1: string[] = [];
  const stage2: string[] = [];
  const postrouting: string[] = [];
  const hairpin: string[] = [];
  const natDocker: string[] = [];
  const dnat: string[] = [];
  let publishedPorts = 0;
  for (const net of [...networks].reverse()) {
    const b = net.bridge;
    const subnet = net.subnets[0]?.cidr as string;
    if (net.internal) {
      filter.push(`-A FORWARD -i ${b} -o ${b} -j ACCEPT`);
      stage1.push(`-A DOCKER-ISOLATION-STAGE-1 ! -s ${subnet} -o ${b} -j DROP`, `-A DOCKER-ISOLATION-STAGE-1 ! -d ${subnet} -i ${b} -j DROP`);
      continue;
    }
    filter.push(
      `-A FORWARD -o ${b} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${b} -j DOCKER`,
      `-A FORWARD -i ${b} ! -o ${b} -j ACCEPT`,
      `-A FORWARD -i ${b} -o ${b} -j ${net.icc ? 'ACCEPT' : 'DROP'}`,
    );
    stage1.push(`-A DOCKER-ISOLATION-STAGE-1 -i ${b} ! -o ${b} -j DOCKER-ISOLATION-STAGE-2`);
    stage2.push(`-A DOCKER-ISOLATION-STAGE-2 -o ${b} -j DROP`);
    if (net.ipMasquerade) postrouting.push(`-A POSTROUTING -s ${subnet} ! -o ${b} -j MASQUERADE`);
    natDocker.push(`-A DOCKER -i ${b} -j RETURN`);
  }
  for (const c of containers) {
    const endpoint = c.endpoints[0] as { network: string; ipv4: string };
    const b = networks.find((net) => net.name === endpoint.network)?.bridge as string;
    for (const port of c.ports) {
      publishedPorts++;
      const p = port.protocol;
      docker.push(`-A DOCKER -d ${endpoint.ipv4}/32 ! -i ${b} -o ${b} -p ${p} -m ${p} --dport ${port.containerPort} -j ACCEPT`);
      hairpin.push(`-A POSTROUTING -s ${endpoint.ipv4}/32 -d ${endpoint.ipv4}/32 -p ${p} -m ${p} --dport ${port.containerPort} -j MASQUERADE`);
      dnat.push(`-A DOCKER ! -i ${b} -p ${p} -m ${p} --dport ${port.hostPort} -j DNAT --to-destination ${endpoint.ipv4}:${port.containerPort}`);
    }
  }
  const rules = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    ':DOCKER-USER - [0:0]',
    ...filter,
    ...docker,
    ...stage1,
    '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    ...stage2,
    '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
    '-A DOCKER-USER -j RETURN',
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    ...postrouting,
    ...hairpin,
    ...natDocker,
    ...dnat,
    'COMMIT',
    '',
  ].join('\n');
  return { rules, networks, containers, publishedPorts };
}
