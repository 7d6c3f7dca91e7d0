/** The shape of a reach report: what `analyzeReach` returns and the renderers read. */
import type { Family } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';
import type { ReachStatus, Witness } from './reach-query.js';
import type { Services } from './services.js';

export interface ReachOptions {
  /** Who answers (default: any container port and any outside host; no host service but docker-proxy). */
  services?: Services;
  /** Network pairs allowed to reach each other (a policy's `mayTalk`). */
  mayTalk?: readonly (readonly [string, string])[];
  /** Families to analyse (default: those with a dump). */
  families?: readonly Family[];
  /**
   * Which answers get a traced witness packet: `notable` (default) those
   * behind findings — isolation gaps, unpublished or directly reachable
   * ports, IPv6 differences, DOCKER-USER misses; `all`; or `none`.
   */
  witnesses?: 'notable' | 'all' | 'none';
  /** Called after each section of each family with the milliseconds it took (`reach --timing`). */
  timeSection?: (section: ReachSection, milliseconds: number) => void;
}

export type ReachSection = 'matrix' | 'outbound' | 'direct exposure' | 'published exposure';

export interface NetworkSummary {
  name: string;
  bridge: string;
  subnets: string[];
  internal: boolean;
  icc: boolean;
}

export interface MatrixCell {
  family: Family;
  from: string;
  to: string;
  status: ReachStatus;
  /** Part of the answer hinges on rules the model cannot decide. */
  uncertain: boolean;
  /** What opens, e.g. `tcp port 80 → 172.19.0.2 (db)`. */
  open: string[];
  /**
   * Across networks, all that opens are ports the target containers publish
   * (Docker 29 accepts those from every network, by design): not an isolation gap.
   */
  onlyPublished?: boolean;
  witness?: Witness;
  dependsOn?: string[];
}

export interface ContainerPair {
  family: Family;
  from: string;
  to: string;
  open: string[];
}

export interface OutboundEntry {
  family: Family;
  network: string;
  status: ReachStatus;
  uncertain: boolean;
  /** `masqueraded as 192.0.2.1`, `not masqueraded (container addresses leave the host)`, `partly masqueraded`. */
  masquerade: string;
  open: string[];
  witness?: Witness;
}

export type ExposureVia = 'published' | 'proxy' | 'direct';

export interface Exposure {
  family: Family;
  via: ExposureVia;
  container?: string;
  network?: string;
  /** Container address and what is reachable there: `tcp 80`, `udp 53`, `icmp`, `tcp any`. */
  address: string;
  proto: string;
  ports: string;
  /** For published/proxy: host addresses and ports that lead there. */
  hostAddresses?: string;
  hostPorts?: string;
  /** Outside sources that get through (`any`, or the allowed subset). */
  sources: string;
  /** Uplink interfaces it was checked from. */
  interfaces: string[];
  /** The container publishes this port (Docker's inventory). */
  published: boolean;
  status: ReachStatus;
  uncertain: boolean;
  /** DOCKER-USER (or other) rules that drop part of this traffic. */
  restrictedBy: { ruleLine: number; ruleText: string; action: string }[];
  witness?: Witness;
  /** For findings: the DNAT rule, or the proxy listener's description. */
  mapping?: string;
  dnatRule?: Rule;
}

export interface DockerUserCheck {
  family: Family;
  rule: Rule;
  ruleLine: number;
  ruleText: string;
  /** Published ports whose host-side values the rule names but FORWARD never sees. */
  missesPorts: { hostPort: string; container?: string; containerPort: string; proto: string; witness?: Witness }[];
  suggestion?: string;
}

export interface ReachReport {
  families: Family[];
  networks: NetworkSummary[];
  matrix: MatrixCell[];
  containerPairs: ContainerPair[];
  outbound: OutboundEntry[];
  exposure: Exposure[];
  dockerUser: DockerUserCheck[];
  notes: string[];
  stats: { queries: number; milliseconds: number };
}
