import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { placeForRule } from '../src/docker/model-access.js';
import { dockerAnalysis, dockerInputsOf } from '../src/docker/rule-context.js';
import type { DockerContainerState, DockerInputs } from '../src/docker/types.js';

const NON_BRIDGE_NETWORKS = new Set(['host', 'none']);

/** Containers with an address of the family on a bridge network, from container or network inspect. */
function bridgedContainers(inputs: DockerInputs, family: 'ipv4' | 'ipv6'): string[] {
  const bridgeNetworks = inputs.networks ? new Set(inputs.networks.map((network) => network.name)) : undefined;
  const onBridge = (network: string): boolean => (bridgeNetworks ? bridgeNetworks.has(network) : !NON_BRIDGE_NETWORKS.has(network));
  const addressed = (endpoint: { ipv4?: string; ipv6?: string }): boolean => (family === 'ipv6' ? endpoint.ipv6 : endpoint.ipv4) !== undefined;
  const fromContainers = (inputs.containers ?? []).filter((container: DockerContainerState) => container.endpoints.some((endpoint) => onBridge(endpoint.network) && addressed(endpoint)));
  if (fromContainers.length > 0) return fromContainers.map((container) => container.name);
  return [...new Set((inputs.networkEndpoints ?? []).filter((endpoint) => onBridge(endpoint.network) && addressed(endpoint)).map((endpoint) => endpoint.containerName))];
}

const rule: LintRule = {
  meta: {
    id: 'docker-iptables-disabled',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Containers run on bridge networks (per the Docker inspect input) but the dump has none of Docker's rules: the daemon runs with `--iptables=false` (or `--ip6tables=false` for an ip6tables dump), or 29.x uses its nftables backend.",
      rationale:
        'With --iptables=false Docker writes no NAT, no published-port DNAT, no isolation between networks and no protection of unpublished ports: published ports work only through docker-proxy, containers cannot reach the outside without hand-written MASQUERADE rules, and whatever the administrator wrote by hand is all that filters container traffic. The setting is often made to stop Docker "messing with the firewall" and then forgotten.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
      good: g2Example(),
    },
  },
  check(context) {
    const inputs = dockerInputsOf(context);
    if (!inputs) return;
    const analysis = dockerAnalysis(context);
    const generation = analysis.detection.generation;
    if (generation !== null && generation !== 'G4-nft') return;
    const family = context.model.family;
    const containers = bridgedContainers(inputs, family);
    if (containers.length === 0) return;
    const span = placeForRule(context.model, 'filter', 'FORWARD');
    const list = containers.slice(0, 5).join(', ') + (containers.length > 5 ? ` and ${containers.length - 5} more` : '');
    if (generation === 'G4-nft') {
      context.report({
        message: `Docker ${analysis.detection.versions} writes its rules with nftables (table ${family === 'ipv6' ? 'ip6' : 'ip'} docker-bridges), so this dump cannot show how containers ${list} are filtered`,
        span,
        fix: 'audit `nft list table ip docker-bridges` (and ip6) instead, or run dockerd with --firewall-backend=iptables',
        severity: 'info',
      });
      return;
    }
    const flag = family === 'ipv6' ? '--ip6tables' : '--iptables';
    context.report({
      message: `${containers.length} container(s) on bridge networks (${list}) have ${family === 'ipv6' ? 'IPv6 ' : ''}addresses, but the dump has none of Docker's rules: dockerd runs with ${flag}=false, so there is no NAT, no isolation between networks and no protection of unpublished ports${family === 'ipv6' ? ' for IPv6' : ''}`,
      span,
      fix: `remove ${flag}=false from the dockerd flags or /etc/docker/daemon.json and restart dockerd, or write and maintain the equivalent rules by hand`,
      ...(family === 'ipv6' ? { severity: 'warning' as const } : {}),
    });
  },
};

export default rule;
