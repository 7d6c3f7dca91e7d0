/** What `iptlint diff` reports: a list of semantic changes between two dumps of a host. */
import type { Family } from '../../grammar/ast.js';
import type { InvariantId } from '../docker/types.js';

export type ChangeKind =
  | 'policy-changed'
  | 'chain-added'
  | 'chain-removed'
  | 'rule-added'
  | 'rule-removed'
  | 'rule-moved'
  | 'docker-added'
  | 'docker-removed';

export interface RulePlace {
  file: string;
  line: number;
  /** 1-based position in its chain. */
  position: number;
}

export interface DiffChange {
  kind: ChangeKind;
  family: Family;
  table: string;
  chain: string;
  /** Can it change which packets are accepted, dropped or rewritten towards a container? (README: "iptlint diff") */
  securityRelevant: boolean;
  /** One line for people, e.g. `network appnet: published port 0.0.0.0:8080→web1:80/tcp added`. */
  message: string;
  /** The rule as `-A CHAIN …` (bridge names of the side it comes from), for rule and Docker changes. */
  rule?: string;
  old?: RulePlace;
  new?: RulePlace;
  /** Policy changes. */
  oldPolicy?: string;
  newPolicy?: string;
  /** Docker changes: which of Docker's rule groups, and for which network and container. */
  invariant?: InvariantId;
  network?: string;
  container?: string;
}

export interface DiffReport {
  old: { files: string[] };
  new: { files: string[] };
  /** How networks and containers were matched across the two sides. */
  matchedBy: { networks: 'name' | 'subnet'; containers: 'name' | 'address' };
  changes: DiffChange[];
  securityRelevant: boolean;
}
