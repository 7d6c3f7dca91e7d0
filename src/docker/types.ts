/**
 * Types of the generation-aware Docker audit: the expected Docker state (from
 * inspect JSON, a policy file or inferred from the dump), the detected rule
 * generation, and the analysis the `rules/docker-*.ts` modules share.
 */
import type { Family, Span } from '../../grammar/ast.js';
import type { Model, Rule } from '../model/types.js';
import type { RuleShape } from './rule-shape.js';

/**
 * The shapes Docker's bridge driver has given its iptables rules
 * (see reference/docker-rules.md §0.1):
 * G1a 1.10–17.05, G1b 17.06–18.04, G2 18.03.1/18.05–27.x, G3 28.x, G4 29.x,
 * G4-nft 29.x with `--firewall-backend=nftables` (almost nothing in iptables).
 */
export type DockerGeneration = 'G1a' | 'G1b' | 'G2' | 'G3' | 'G4' | 'G4-nft';

/** The 28.x sub-variants that change rule shapes. */
export type G3Variant = '28.0.0' | '28.0.1-28.1' | '28.2+';

/** How Docker blocks direct access to container addresses in the raw table. */
export type RawProtectionStyle = 'none' | 'per-port' | 'per-endpoint' | 'either';

export interface GenerationEvidence {
  /** What was seen (or not seen), in words. */
  fact: string;
  /** Where, when it is a rule or chain of the dump. */
  span?: Span;
}

export interface GenerationDetection {
  /** Null: the dump is not (or no longer) a Docker host's. */
  generation: DockerGeneration | null;
  /** Human-readable version range, e.g. `18.03.1, 18.05–27.x`. */
  versions: string;
  variant?: G3Variant;
  /** The facts that decided it, strongest first. */
  evidence: GenerationEvidence[];
  /** `dump`: from chains/rules; `version`: from the given Docker version string. */
  decidedBy: 'dump' | 'version' | 'none';
  /** The generation the dump alone shows, when a version string overrode it. */
  dumpGeneration?: DockerGeneration | null;
  /** Set when the version string and the dump disagree. */
  conflict?: string;
}

export type GatewayMode = 'nat' | 'nat-unprotected' | 'routed' | 'isolated';

export interface Subnet {
  family: Family;
  /** Canonical CIDR text, e.g. `172.17.0.0/16`, `2001:db8::/64`. */
  cidr: string;
}

/** Where a piece of expected state came from. */
export type StateSource = 'inspect' | 'policy' | 'inferred';

export interface DockerNetworkState {
  /** Docker's network name (`bridge` for docker0); the bridge name when inferred. */
  name: string;
  id?: string;
  /** Linux bridge interface: `docker0`, `br-<id12>` or `com.docker.network.bridge.name`. */
  bridge: string;
  subnets: Subnet[];
  internal: boolean;
  icc: boolean;
  ipMasquerade: boolean;
  gatewayModeV4: GatewayMode;
  gatewayModeV6: GatewayMode;
  /** `com.docker.network.host_ipv4` / `host_ipv6`: SNAT instead of MASQUERADE. */
  snatV4?: string;
  snatV6?: string;
  enableIpv6: boolean;
  /** `com.docker.network.bridge.trusted_host_interfaces` (28.2+). */
  trustedHostInterfaces: string[];
  /** Default host address for `-p` without an address (`host_binding_ipv4`). */
  hostBindingIpv4?: string;
  /**
   * The bridge has no subnet of the dump's family but Docker still programs its
   * isolation rules there (≤27.x and 28.0.0 ip6tables).
   */
  isolationOnly?: boolean;
  source: StateSource;
  /** Inferred networks: options that could not be seen in the dump and were defaulted. */
  assumed: string[];
}

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortBinding {
  protocol: PortProtocol;
  /** Container port or range `80` / `80-90`. */
  containerPort: string;
  /** Host port or range; empty when no NAT mapping exists (routed mode, HostPort 0). */
  hostPort: string;
  /** As Docker reports it: `0.0.0.0`, `::`, `127.0.0.1`, or empty (= all). */
  hostIp: string;
}

export interface DockerEndpoint {
  /** Network name (key into `networks`). */
  network: string;
  ipv4?: string;
  ipv6?: string;
}

export interface DockerContainerState {
  /** Name without the leading `/`; the address when inferred. */
  name: string;
  id?: string;
  endpoints: DockerEndpoint[];
  ports: PortBinding[];
  source: StateSource;
}

export interface PolicyPublishedPort {
  port: string;
  protocol: PortProtocol | 'any';
  /** Host addresses the port may be published on; absent = any. */
  hostIps?: string[];
  /** Limit to containers with these names. */
  containers?: string[];
}

export interface DockerPolicy {
  file: string;
  networks: DockerNetworkState[];
  /** Unordered pairs of network names that may reach each other. */
  mayTalk: [string, string][];
  publishedPorts?: {
    allowed: PolicyPublishedPort[];
  };
  dockerUser?: {
    /** DOCKER-USER must restrict traffic arriving on external interfaces. */
    restrictExternal: boolean;
    externalInterfaces: string[];
  };
  /** Policy text positions of each network entry, for findings about the policy itself. */
  locations: Map<string, { line: number; column: number }>;
}

/** Daemon settings seen in the dump or given by the user. */
export interface DaemonSettings {
  userlandProxy: boolean;
  /** Where the userland-proxy setting was read from. */
  userlandProxyEvidence: string;
  /** Whether the raw table is in the dump at all (a partial dump cannot show raw protection). */
  rawTablePresent: boolean;
  rawProtection: RawProtectionStyle;
}

/**
 * What `loadDockerInputs` returns and `context.inputs.docker` carries.
 * Every field is optional: with nothing, the audit infers state from the dump.
 */
export interface DockerInputs {
  kind: 'docker-inputs';
  networks?: DockerNetworkState[];
  containers?: DockerContainerState[];
  /** Container addresses listed by `docker network inspect` (used when no container inspect is given). */
  networkEndpoints?: { network: string; containerName: string; ipv4?: string; ipv6?: string }[];
  /** Containers that exist but are not running: rules for them are stale. */
  stoppedContainers?: string[];
  policy?: DockerPolicy;
  /** Docker version string (`20.10.24`, `Docker version 28.3.1, build …`). */
  dockerVersion?: string;
  /** The other family's dump of the same host (ip6tables for an iptables run and vice versa). */
  companionModel?: Model;
  /** Files the inputs came from, for messages. */
  files: { networks?: string; containers?: string; policy?: string };
}

/** A concrete rule that the expected state says should exist (or is one of several accepted shapes). */
export interface ExpectedRule {
  invariant: InvariantId;
  table: string;
  chain: string;
  /** Accepted shapes, canonical first: `-A CHAIN …` texts, for messages and fix commands. */
  shapes: string[];
  /** The same shapes, filled in from the templates' shapes (never read back from the texts above). */
  ruleShapes: RuleShape[];
  family: Family;
  network?: string;
  container?: string;
  binding?: PortBinding;
  /** Extra words for the message (`for the published port 8080/tcp`). */
  purpose: string;
  /** Subnet not known: the shape has a `<subnet>` placeholder and cannot be matched. */
  incomplete?: boolean;
  /**
   * 1-based position to insert at when the rule must precede others (a RETURN
   * that ends the chain, the bridge's DROP, the user's rules); absent: append.
   */
  insertAt?: number;
}

/** Groups of Docker rules, one rule module each. */
export type InvariantId =
  | 'chain-wiring'
  | 'bridge-forwarding'
  | 'masquerade'
  | 'isolation'
  | 'nat-return'
  | 'icc'
  | 'internal'
  | 'published-port'
  | 'raw-protection';

/** A rule of the dump recognised as one of Docker's shapes. */
export interface ClassifiedRule {
  rule: Rule;
  templateId: string;
  invariant: InvariantId;
  captures: Record<string, string>;
  /** The network the rule belongs to, when known. */
  network?: string;
  container?: string;
}

export interface MissingRule {
  expected: ExpectedRule;
  /** Where the rule should go: the chain's declaration, or the table. */
  span: Span;
}

export interface UnexpectedRule {
  classified: ClassifiedRule;
  /** Why the expected state does not want it. */
  reason: string;
  /** `stale`: its bridge/subnet/container/port is unknown to the expected state. */
  stale: boolean;
  /** It is a wrong version of a missing rule (see `DockerAnalysis.disagreements`). */
  paired?: boolean;
}

/**
 * A published-port rule that exists but disagrees with what is expected
 * (other container address or port): reported once, as a disagreement.
 */
export interface PortDisagreement {
  missing: MissingRule;
  actual: ClassifiedRule;
  /** A second missing rule explained by the same disagreement (inferred state). */
  alsoExplains?: MissingRule;
}

export interface NetworkInventory {
  state: DockerNetworkState;
  rules: ClassifiedRule[];
}

export interface ContainerInventory {
  state: DockerContainerState;
  rules: ClassifiedRule[];
}

/** What Docker's state is (networks, containers, daemon settings), without checking its rules. */
export type DockerInventory = Pick<DockerAnalysis, 'family' | 'detection' | 'daemon' | 'notes'> & {
  networks: { state: DockerNetworkState }[];
  containers: { state: DockerContainerState }[];
};

export interface DockerAnalysis {
  family: Family;
  detection: GenerationDetection;
  daemon: DaemonSettings;
  /** Whether the expected state came from inspect JSON, a policy, or the dump itself. */
  stateSource: StateSource;
  networks: NetworkInventory[];
  containers: ContainerInventory[];
  classified: ClassifiedRule[];
  expected: ExpectedRule[];
  missing: MissingRule[];
  unexpected: UnexpectedRule[];
  disagreements: PortDisagreement[];
  /** Docker rules present more than once (Docker re-added them without removing the old copy). */
  duplicates: { rules: Rule[]; network?: string }[];
  /** Inferred state: bridges named only in chains Docker never flushes (their network is gone). */
  leftoverBridges: string[];
  /** Things the audit could not check, and why (partial dump, unknown subnet…). */
  notes: string[];
  /** Looks up a network by name or bridge. */
  networkNamed(nameOrBridge: string): DockerNetworkState | undefined;
}
