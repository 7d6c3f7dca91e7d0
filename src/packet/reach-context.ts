/** What every reach analysis shares: the host, who answers, witness policy, and how answers are put in words. */
import type { Family } from '../../grammar/ast.js';
import { addressDomain, type AddrSet } from './address.js';
import type { Endpoint } from './connection.js';
import { ruleText } from './evaluator.js';
import type { Host } from './host.js';
import { IntervalSet, PORTS } from './intervals.js';
import { compactSet, describeAddrSet, subtractSet, type Box } from './packet-set.js';
import { describeBoxes, reachableTargets, runQuery, witnessOf, type QueryResult, type Witness } from './reach-query.js';
import { hostSpace, outsideSpace } from './reach-spaces.js';
import { openWorld, type Services } from './services.js';
import { PLACEHOLDER_ADDRESSES } from './topology.js';

/** Open world, except that only docker-proxy answers on the host: other host services are not container exposure. */
export const reachServices: Services = { ...openWorld, host: (flows) => ({ answered: [], refused: flows }) };

export interface Analysis {
  host: Host;
  services: Services;
  witnesses: 'notable' | 'all' | 'none';
  queries: number;
}

export function query(analysis: Analysis, family: Family, origin: Endpoint, box: Box): QueryResult {
  analysis.queries++;
  return runQuery(analysis.host, family, origin, box, analysis.services);
}

export function witness(analysis: Analysis, family: Family, origin: Endpoint, box: Box | undefined, notable: boolean): Witness | undefined {
  if (!box || analysis.witnesses === 'none' || (analysis.witnesses === 'notable' && !notable)) return undefined;
  return witnessOf(analysis.host, family, origin, box, analysis.services);
}

/** What opens, in words: the open targets, or "everything except …" when that is shorter. */
export function describeOpen(host: Host, family: Family, result: QueryResult, label?: (set: AddrSet) => string | undefined): string[] {
  const project = (box: Box): Box => ({ ...box, src: IntervalSet.full(addressDomain(family)), sport: IntervalSet.full(PORTS) });
  const targets = compactSet(reachableTargets(result.open).map(project));
  if (result.status !== 'partial') return result.status === 'open' ? ['everything'] : describeBoxes(host, family, targets, label);
  const blocked = compactSet(subtractSet([project(result.box)], targets));
  if (blocked.length > 0 && blocked.length < targets.length) return [`everything except ${describeBoxes(host, family, blocked, label).join(', ')}`];
  return describeBoxes(host, family, targets, label);
}

/** `any` when every outside address gets through, else the allowed blocks. */
export function describeSources(host: Host, family: Family, boxes: readonly Box[]): string {
  if (boxes.length === 0) return 'none';
  const sources = boxes.reduce((set, box) => set.union(box.src), IntervalSet.empty<bigint>());
  return sources.covers(outsideSpace(host, family)) ? 'any' : describeAddrSet(sources, family);
}

export function describeHostAddresses(host: Host, family: Family, set: AddrSet): string {
  if (set.equals(hostSpace(host, family))) return 'any host address';
  const placeholder = PLACEHOLDER_ADDRESSES[family];
  const named = set.subtract(IntervalSet.of(placeholder));
  const parts = named.isEmpty ? [] : [describeAddrSet(named, family)];
  if (set.has(placeholder)) parts.push(`the ${host.topology.uplinks[0] ?? 'uplink'} address`);
  return parts.join(', ');
}

export function hingeTexts(result: QueryResult): string[] {
  return result.hinges.map((hinge) => `line ${hinge.rule.span.line}: ${ruleText(hinge.rule)} (${hinge.why})`);
}
