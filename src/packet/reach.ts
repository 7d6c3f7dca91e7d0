/**
 * `iptlint reach`: what can talk to what on a Docker host, proven over whole
 * packet spaces rather than sampled.
 *
 * - isolation matrix: every ordered pair of networks (and the containers of
 *   a pair where the answer is "some ports");
 * - outbound: each network to the outside world, and whether it is masqueraded;
 * - exposure: every container port reachable from outside, through a
 *   published host port (DNAT or docker-proxy) or directly at the container
 *   address, with the DOCKER-USER rules that restrict it;
 * - DOCKER-USER rules that name the host side of a published port, which
 *   FORWARD never sees after the DNAT.
 */
import type { Family } from '../../grammar/ast.js';
import { formatAddr } from './address.js';
import type { Endpoint, OpenConnection } from './connection.js';
import type { HostNetwork, Host } from './host.js';
import { compactSet, subtractSet } from './packet-set.js';
import { describeOpen, hingeTexts, query, reachServices, witness, type Analysis } from './reach-context.js';
import { directExposure, publishedExposure } from './reach-exposure.js';
import { describeBoxes, restrictToDestinations, type QueryResult } from './reach-query.js';
import { addressesOf, allContainers, containerSpace, hasFamily, outsideInterfaces, outsideSpace, publishedBoxes, queryBox, restrictDst, restrictSrc } from './reach-spaces.js';
import type { MatrixCell, NetworkSummary, OutboundEntry, ReachOptions, ReachReport, ReachSection } from './reach-types.js';

export type * from './reach-types.js';
export { containerSpace, outsideInterfaces, outsideSpace } from './reach-spaces.js';
export { reachServices } from './reach-context.js';
export type { QueryResult, ReachStatus, Witness } from './reach-query.js';

function networkSummary(network: HostNetwork): NetworkSummary {
  return {
    name: network.name,
    bridge: network.bridge,
    subnets: network.subnets.map((block) => `${formatAddr(block.network, block.family)}/${block.bits}`),
    internal: network.internal,
    icc: network.icc,
  };
}

function matrix(analysis: Analysis, family: Family, report: ReachReport): void {
  const networks = analysis.host.networks.filter((network) => hasFamily(network, family));
  const everywhere = allContainers(networks, family);
  for (const from of networks) {
    const origin: Endpoint = { kind: 'container', bridge: from.bridge, network: from.name };
    const sources = containerSpace(from, family);
    // One query per source network: routing splits it by destination bridge.
    const all = query(analysis, family, origin, queryBox(family, sources, everywhere));
    for (const to of networks) {
      const space = containerSpace(to, family);
      const result = restrictToDestinations(all, space);
      const cell: MatrixCell = {
        family,
        from: from.name,
        to: to.name,
        status: result.status,
        uncertain: result.uncertain.length > 0,
        open: describeOpen(analysis.host, family, result, (set) => (set.equals(space) ? `any address in ${to.name}` : undefined)),
      };
      if (result.hinges.length > 0) cell.dependsOn = hingeTexts(result);
      // Across networks, what matters is what opens beyond the target containers' published ports.
      const beyond = from === to || result.open.length === 0 ? result.open : subtractSet(result.open, publishedBoxes(analysis.host, to, family));
      if (from !== to && result.open.length > 0 && beyond.length === 0) cell.onlyPublished = true;
      const gap = result.status !== 'closed' && (from !== to ? beyond.length > 0 || result.uncertain.length > 0 : !from.icc);
      const shown = witness(analysis, family, origin, beyond[0] ?? result.open[0] ?? result.uncertain[0], gap);
      if (shown) cell.witness = shown;
      report.matrix.push(cell);
      if (result.status === 'partial') containerPairs(analysis, family, from, to, result, report);
    }
  }
}

function containerPairs(analysis: Analysis, family: Family, from: HostNetwork, to: HostNetwork, result: QueryResult, report: ReachReport): void {
  for (const client of analysis.host.containers) {
    for (const source of addressesOf(client, from.name, family)) {
      const fromSource = restrictSrc(result.open, source);
      if (fromSource.length === 0) continue;
      for (const server of analysis.host.containers) {
        if (server === client) continue;
        for (const target of addressesOf(server, to.name, family)) {
          const open = restrictDst(fromSource, target);
          if (open.length > 0) report.containerPairs.push({ family, from: client.name, to: server.name, open: describeBoxes(analysis.host, family, compactSet(open)) });
        }
      }
    }
  }
}

function masqueradeOf(connections: readonly OpenConnection[], family: Family): string {
  const sources = new Set<string>();
  let plain = 0;
  for (const connection of connections) {
    const snat = connection.request.snat;
    if (!snat) plain++;
    else sources.add(snat.addr === null ? `the address of ${connection.request.out}` : formatAddr(snat.addr, family));
  }
  if (connections.length === 0) return '';
  if (plain === 0) return `masqueraded as ${[...sources].join(', ')}`;
  if (sources.size === 0) return 'not masqueraded: packets leave with container addresses (replies need a route back)';
  return `partly masqueraded (as ${[...sources].join(', ')})`;
}

function outbound(analysis: Analysis, family: Family, report: ReachReport): void {
  const outside = outsideSpace(analysis.host, family);
  for (const network of analysis.host.networks.filter((candidate) => hasFamily(candidate, family))) {
    const origin: Endpoint = { kind: 'container', bridge: network.bridge, network: network.name };
    const result = query(analysis, family, origin, queryBox(family, containerSpace(network, family), outside));
    const entry: OutboundEntry = {
      family,
      network: network.name,
      status: result.status,
      uncertain: result.uncertain.length > 0,
      masquerade: masqueradeOf(result.connections, family),
      open: result.status === 'open' ? [] : describeOpen(analysis.host, family, result, (set) => (set.equals(outside) ? 'anywhere outside' : undefined)),
    };
    const shown = witness(analysis, family, origin, result.open[0] ?? result.uncertain[0] ?? result.box, false);
    if (shown) entry.witness = shown;
    report.outbound.push(entry);
  }
}

/** Runs every reachability analysis the host's dumps allow. */
export function analyzeReach(host: Host, options: ReachOptions = {}): ReachReport {
  const started = Date.now();
  const families = (options.families ?? (['ipv4', 'ipv6'] as const)).filter((family) => host.rulesets[family] !== undefined);
  const analysis: Analysis = { host, services: options.services ?? reachServices, witnesses: options.witnesses ?? 'notable', queries: 0 };
  const report: ReachReport = {
    families: [...families],
    networks: host.networks.map(networkSummary),
    matrix: [],
    containerPairs: [],
    outbound: [],
    exposure: [],
    dockerUser: [],
    notes: [...host.notes],
    stats: { queries: 0, milliseconds: 0 },
  };
  const ifaces = outsideInterfaces(host);
  if (host.topology.uplinksAssumed) report.notes.push(`traffic from outside was followed on ${ifaces.join(', ')} (no uplink given)`);
  report.notes.push('direct access to container addresses assumes a client that routes the container subnets via this host (a neighbour on the same LAN, or the upstream router)');
  for (const family of families) {
    const tables = host.rulesets[family]?.model.tables;
    // Docker 28+ (DOCKER-FORWARD) drops direct access in the raw table: a dump without it cannot show that.
    const modern = host.generation === 'G3' || host.generation === 'G4' || !!tables?.get('filter')?.chains.has('DOCKER-FORWARD');
    if (tables && !tables.has('raw') && modern) {
      report.notes.push(`the ${family === 'ipv4' ? 'iptables' : 'ip6tables'} dump has no raw table, where Docker 28 and later drop direct access to container addresses: include it (iptables-save, or iptables -S -t raw) for a complete answer`);
    }
  }
  const section = (name: ReachSection, run: () => void): void => {
    const started = options.timeSection ? performance.now() : 0;
    run();
    options.timeSection?.(name, performance.now() - started);
  };
  for (const family of families) {
    section('matrix', () => matrix(analysis, family, report));
    section('outbound', () => outbound(analysis, family, report));
    section('direct exposure', () => directExposure(analysis, family, report, ifaces));
    section('published exposure', () => publishedExposure(analysis, family, report, ifaces));
  }
  report.stats = { queries: analysis.queries, milliseconds: Date.now() - started };
  return report;
}

