/**
 * Who a Docker rule is about, in terms that survive a restart of Docker or a
 * rebuild of the host: a network is its name when both sides come with
 * `docker network inspect`, otherwise its subnet (bridge ids change, subnets
 * usually do not); a container is its name when both sides come with
 * `docker inspect`, otherwise its address. Entities still unmatched after
 * that (a network whose subnet no rule shows, a container that got a new
 * address) are paired later by the shape of their rules (see pairing.ts).
 */
import type { DockerAnalysis, DockerInputs, DockerNetworkState } from '../docker/types.js';
import { hostOf } from '../docker/address.js';

export interface SideState {
  analysis: DockerAnalysis;
  /** `--old/new-docker-networks` was given for this side. */
  networksGiven: boolean;
  containersGiven: boolean;
}

export interface MatchMode {
  networks: 'name' | 'subnet';
  containers: 'name' | 'address';
}

/** Names only identify what both sides name: the inspect JSON of one side alone cannot match anything. */
export function matchMode(old: DockerInputs | undefined, now: DockerInputs | undefined): MatchMode {
  return {
    networks: old?.networks !== undefined && now?.networks !== undefined ? 'name' : 'subnet',
    containers: old?.containers !== undefined && now?.containers !== undefined ? 'name' : 'address',
  };
}

/** Entity keys of one side, and the labels people read. */
export class SideEntities {
  private readonly networkKeys = new Map<string, string>();
  private readonly addressKeys = new Map<string, string>();
  readonly labels = new Map<string, string>();

  constructor(
    private readonly side: SideState,
    private readonly mode: MatchMode,
  ) {
    for (const { state } of side.analysis.networks) {
      const key = this.keyOfNetwork(state);
      this.networkKeys.set(state.bridge, key);
      this.labels.set(key, side.networksGiven || state.source !== 'inferred' ? state.name : (firstSubnet(state) ?? state.bridge));
    }
    for (const { state } of side.analysis.containers) {
      for (const endpoint of state.endpoints) {
        for (const address of [endpoint.ipv4, endpoint.ipv6]) {
          if (address === undefined) continue;
          const key = mode.containers === 'name' ? `container:${state.name}` : `address:${hostOf(address)}`;
          this.addressKeys.set(hostOf(address), key);
          this.labels.set(key, side.containersGiven || state.source !== 'inferred' ? state.name : hostOf(address));
        }
      }
    }
  }

  private keyOfNetwork(state: DockerNetworkState): string {
    if (this.mode.networks === 'name') return `network:${state.name}`;
    const subnet = firstSubnet(state);
    return subnet === undefined ? `bridge:${state.bridge}` : `subnet:${subnet}`;
  }

  bridgeKey(bridge: string): string {
    return this.networkKeys.get(bridge) ?? `bridge:${bridge}`;
  }

  isBridge(word: string): boolean {
    return this.networkKeys.has(word);
  }

  subnetKey(subnet: string): string {
    const network = this.side.analysis.networks.find(({ state }) => state.subnets.some((entry) => entry.cidr === subnet));
    return network ? this.bridgeKey(network.state.bridge) : `subnet:${subnet}`;
  }

  addressKey(address: string): string {
    const host = hostOf(address);
    const known = this.addressKeys.get(host);
    if (known) return known;
    if (!this.labels.has(`address:${host}`)) this.labels.set(`address:${host}`, host);
    return `address:${host}`;
  }
}

function firstSubnet(state: DockerNetworkState): string | undefined {
  return state.subnets[0]?.cidr;
}
