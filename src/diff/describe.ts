/** Words for Docker facts: what a reviewer recognises ("network appnet: published port 8080→web1:80/tcp"). */
import { hostOf } from '../docker/address.js';
import type { InvariantId } from '../docker/types.js';
import type { DockerFact } from './docker-facts.js';

/**
 * Groups of Docker's rules whose change alters what may reach a container or
 * cross between networks. Masquerade/SNAT and the NAT return rule only change
 * source addresses and hairpinning (connectivity, not exposure).
 */
const SECURITY_INVARIANTS: ReadonlySet<InvariantId> = new Set(['chain-wiring', 'bridge-forwarding', 'isolation', 'icc', 'internal', 'published-port', 'raw-protection']);
/** Rules inside those groups that only rewrite sources, fix checksums or return at the end of a chain. */
const HOUSEKEEPING_TEMPLATES = new Set(['port-hairpin', 'sctp-checksum', 'docker-user-return', 'nat-wsl-loopback-return']);

export function factIsSecurityRelevant(fact: DockerFact): boolean {
  return SECURITY_INVARIANTS.has(fact.invariant) && !HOUSEKEEPING_TEMPLATES.has(fact.templateId);
}

export interface FactWords {
  message: string;
  network?: string;
  container?: string;
}

export function describeFact(fact: DockerFact, label: (key: string) => string, verb: 'added' | 'removed', ruleText: string): FactWords {
  const v = fact.values;
  const networkKey = v['BR'] ?? v['SUBNET'];
  const network = networkKey === undefined ? undefined : label(networkKey);
  const containerKey = v['CIP'] ?? v['CADDR'];
  const container = containerKey === undefined ? undefined : label(containerKey);
  const on = network === undefined ? '' : `network ${network}: `;
  const port = `${v['CPORT'] ?? ''}/${v['PROTO'] ?? ''}`;
  const words = (message: string): FactWords => ({
    message,
    ...(network === undefined ? {} : { network }),
    ...(container === undefined ? {} : { container }),
  });
  if (fact.invariant === 'published-port') {
    if (fact.templateId.startsWith('dnat')) {
      const host = v['HIP'] === undefined ? '' : `${hostOf(v['HIP'])}:`;
      return words(`${on}published port ${host}${v['HPORT'] ?? ''}→${container ?? '?'}:${port} ${verb}`);
    }
    if (fact.templateId === 'port-accept') return words(`${on}forwarding accept for published ${container ?? '?'}:${port} ${verb}`);
    if (fact.templateId === 'port-hairpin') return words(`${on}hairpin masquerade for ${container ?? '?'}:${port} ${verb}`);
    return words(`${on}link rule for ${container ?? '?'} ${verb}`);
  }
  switch (fact.invariant) {
    case 'isolation':
      if (v['OTHER'] !== undefined) return words(`isolation rule between ${network ?? '?'} and ${label(v['OTHER'])} ${verb}`);
      if (fact.templateId === 'stage2-drop') return words(`isolation drop towards ${network ?? '?'} ${verb}`);
      return words(`isolation rule for ${network ?? '?'} ${verb}`);
    case 'internal':
      return words(`internal-network rule for ${network ?? '?'} ${verb}`);
    case 'icc': {
      const target = fact.rule.target?.name.text ?? '';
      return words(`${on}inter-container ${target} rule ${verb}`);
    }
    case 'masquerade':
      return words(`${on}${v['SNATIP'] === undefined ? 'masquerade' : `source NAT to ${v['SNATIP']}`} of ${fact.templateId.endsWith('-local') ? "the host's own" : 'outgoing'} traffic ${verb}`);
    case 'nat-return':
      return words(`${on}NAT return rule ${verb}`);
    case 'bridge-forwarding':
      return words(`${on}forwarding rule ${verb}: ${ruleText}`);
    case 'raw-protection':
      return words(`raw-table protection for ${container ?? (v['HIP'] === undefined ? '?' : hostOf(v['HIP']))} ${verb}`);
    case 'chain-wiring':
      return words(`Docker chain wiring ${verb}: ${ruleText}`);
  }
}
