/**
 * Exposure: every container port reachable from outside, directly at the
 * container address or through a published host port (DNAT or
 * docker-proxy), with the DOCKER-USER rules that restrict it — and the
 * DOCKER-USER rules that name the host side of a published port, which
 * FORWARD never sees after the DNAT.
 */
import type { Family } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';
import { formatAddr, type AddrSet } from './address.js';
import { compileRule } from './conditions.js';
import { connect, type ClosedConnection, type Endpoint } from './connection.js';
import { ruleText } from './evaluator.js';
import type { Flow } from './flow.js';
import { containerAt, type HostContainer } from './host.js';
import { IntervalSet, PORTS } from './intervals.js';
import { splitByRule } from './match.js';
import { compactSet, describeNumSet, subtractSet, type Box } from './packet-set.js';
import { describeHostAddresses, describeSources, query, witness, type Analysis } from './reach-context.js';
import { EPHEMERAL_PORTS, reachableTargets, restrictToDestinations, typicalClients, type ReachStatus } from './reach-query.js';
import {
  addressesOf,
  allContainers,
  containerSpace,
  containersOn,
  hasFamily,
  hostSpace,
  outsideSpace,
  portsByProto,
  protoName,
  publishedPorts,
  publishedPortSet,
  queryBox,
  restrictDst,
} from './reach-spaces.js';
import type { DockerUserCheck, Exposure, ReachReport } from './reach-types.js';

export function directExposure(analysis: Analysis, family: Family, report: ReachReport, ifaces: string[]): void {
  const outside = outsideSpace(analysis.host, family);
  const networks = analysis.host.networks.filter((candidate) => hasFamily(candidate, family));
  const everywhere = allContainers(networks, family);
  const results = ifaces.map((iface) => ({ iface, all: query(analysis, family, { kind: 'outside', iface }, queryBox(family, outside, everywhere)) }));
  const witnessed = new Set<string>();
  for (const network of networks) {
    const perContainer = new Map<string, { container: HostContainer; address: bigint; open: Box[]; uncertain: Box[]; ifaces: Set<string>; origin: Endpoint }>();
    for (const { iface, all } of results) {
      const origin: Endpoint = { kind: 'outside', iface };
      const result = restrictToDestinations(all, containerSpace(network, family));
      if (result.open.length === 0 && result.uncertain.length === 0) continue;
      for (const container of containersOn(analysis.host, network.name)) {
        for (const address of addressesOf(container, network.name, family)) {
          const open = restrictDst(result.open, address);
          const uncertain = restrictDst(result.uncertain, address);
          if (open.length === 0 && uncertain.length === 0) continue;
          const key = `${container.name}@${formatAddr(address, family)}`;
          const entry = perContainer.get(key) ?? { container, address, open: [], uncertain: [], ifaces: new Set<string>(), origin };
          entry.open.push(...open);
          entry.uncertain.push(...uncertain);
          entry.ifaces.add(iface);
          perContainer.set(key, entry);
        }
      }
    }
    for (const entry of perContainer.values()) {
      const published = publishedPorts(entry.container);
      const open = reachableTargets(entry.open);
      for (const group of portsByProto(open, family)) {
        const box = open.find((candidate) => candidate.proto.has(group.proto));
        if (!box) continue;
        // Split a port protocol's open ports into the published ones and the rest: they are different findings.
        const publishedSet = group.ports === null ? IntervalSet.empty<number>() : publishedPortSet(published, group.name);
        const parts: { ports: IntervalSet<number> | null; published: boolean }[] =
          group.ports === null
            ? [{ ports: null, published: false }]
            : [
                { ports: group.ports.intersect(publishedSet), published: true },
                { ports: group.ports.subtract(publishedSet), published: false },
              ].filter((part) => !(part.ports as IntervalSet<number>).isEmpty);
        for (const part of parts) {
          const sample: Box = {
            ...box,
            proto: IntervalSet.of(group.proto),
            dst: IntervalSet.of(entry.address),
            sport: box.sport.intersect(EPHEMERAL_PORTS),
            ...(part.ports ? { dport: part.ports } : {}),
          };
          const exposure: Exposure = {
            family,
            via: 'direct',
            container: entry.container.name,
            network: network.name,
            address: formatAddr(entry.address, family),
            proto: group.others ? 'other protocols' : group.name,
            ports: part.ports ? describeNumSet(part.ports, IntervalSet.full(PORTS)) : '',
            sources: describeSources(analysis.host, family, entry.open.filter((candidate) => candidate.proto.has(group.proto))),
            interfaces: [...entry.ifaces],
            published: part.published,
            status: 'open',
            uncertain: entry.uncertain.length > 0,
            restrictedBy: [],
          };
          // Every unpublished exposure gets a witness; published ones one per network (their finding is per network).
          const shown = witness(analysis, family, entry.origin, sample, !part.published || !witnessed.has(network.name));
          if (shown) {
            if (part.published) witnessed.add(network.name);
            exposure.witness = shown;
          }
          report.exposure.push(exposure);
        }
      }
    }
  }
}

export interface PublishedGroup {
  key: string;
  via: 'published' | 'proxy';
  container?: string;
  network?: string;
  target: string;
  proto: number;
  containerPort: number;
  hostPorts: IntervalSet<number>;
  hostAddresses: AddrSet;
  open: Box[];
  closed: ClosedConnection[];
  uncertain: boolean;
  ifaces: Set<string>;
  origin: Endpoint;
  mapping: string;
  dnatRule?: Rule;
  flowsAtForward: Flow[];
}

export function publishedExposure(analysis: Analysis, family: Family, report: ReachReport, ifaces: string[]): void {
  const { host } = analysis;
  const groups = new Map<string, PublishedGroup>();
  const group = (key: string, make: () => PublishedGroup): PublishedGroup => {
    let found = groups.get(key);
    if (!found) {
      found = make();
      groups.set(key, found);
    }
    return found;
  };
  const outside = outsideSpace(host, family);
  const targets = hostSpace(host, family);
  for (const iface of ifaces) {
    const origin: Endpoint = { kind: 'outside', iface };
    analysis.queries++;
    const outcome = connect(host, { family, box: queryBox(family, outside, targets), origin, services: analysis.services });
    const byDnat = (flow: Flow): PublishedGroup | undefined => {
      const binding = flow.dnat;
      if (!binding || binding.addr === null) return undefined;
      const owner = containerAt(host, family, binding.addr);
      const proto = flow.box.proto.single ?? flow.box.proto.first ?? 0;
      const port = binding.port ?? flow.box.dport.first ?? 0;
      const key = `dnat:${binding.rule.id}:${proto}`;
      return group(key, () => {
        const made: PublishedGroup = {
          key,
          via: 'published',
          target: formatAddr(binding.addr as bigint, family),
          proto,
          containerPort: port,
          hostPorts: IntervalSet.empty<number>(),
          hostAddresses: IntervalSet.empty<bigint>(),
          open: [],
          closed: [],
          uncertain: false,
          ifaces: new Set(),
          origin,
          mapping: `DNAT line ${binding.rule.span.line}: ${ruleText(binding.rule)}`,
          dnatRule: binding.rule,
          flowsAtForward: [],
        };
        if (owner) {
          made.container = owner.container.name;
          made.network = owner.endpoint.network;
        }
        return made;
      });
    };
    for (const connection of outcome.open) {
      const request = connection.request;
      let entry: PublishedGroup | undefined;
      if (connection.proxy) {
        const listener = connection.proxy.listener;
        const key = `proxy:${listener.family}:${listener.hostIp}:${listener.hostPort}:${listener.proto}`;
        entry = group(key, () => ({
          key,
          via: 'proxy',
          container: listener.container,
          target: formatAddr(listener.target.addr, listener.target.family),
          proto: listener.proto === 'tcp' ? 6 : listener.proto === 'udp' ? 17 : 132,
          containerPort: listener.target.port,
          hostPorts: IntervalSet.empty<number>(),
          hostAddresses: IntervalSet.empty<bigint>(),
          open: [],
          closed: [],
          uncertain: false,
          ifaces: new Set(),
          origin,
          mapping: `docker-proxy ${listener.hostIp || '*'}:${listener.hostPort}/${listener.proto} → ${formatAddr(listener.target.addr, listener.target.family)}:${listener.target.port}`,
          flowsAtForward: [],
        }));
      } else entry = byDnat(request);
      if (!entry) continue;
      entry.open.push(request.box);
      entry.hostPorts = entry.hostPorts.union(request.box.dport);
      entry.hostAddresses = entry.hostAddresses.union(request.box.dst);
      entry.ifaces.add(iface);
      if (request.hinges.length > 0) entry.uncertain = true;
      if (request.dnat) entry.flowsAtForward.push(atForward(request));
    }
    for (const closed of [...outcome.closed, ...outcome.undecided]) {
      const request = closed.request ?? closed.flow;
      const entry = byDnat(request);
      if (!entry) continue;
      entry.closed.push(closed);
      entry.hostPorts = entry.hostPorts.union(request.box.dport);
      entry.hostAddresses = entry.hostAddresses.union(request.box.dst);
      if (request.hinges.length > 0 || outcome.undecided.includes(closed)) entry.uncertain = true;
      entry.flowsAtForward.push(atForward(request));
    }
  }
  const containerNamed = new Map<string, HostContainer>();
  for (const container of host.containers) if (!containerNamed.has(container.name)) containerNamed.set(container.name, container);
  for (const entry of groups.values()) {
    const owner = entry.container ? containerNamed.get(entry.container) : undefined;
    const name = protoName(entry.proto, family) ?? String(entry.proto);
    const published = publishedPorts(owner).has(`${name}/${entry.containerPort}`);
    const open = compactSet(entry.open);
    const restrictedBy = new Map<Rule, { ruleLine: number; ruleText: string; action: string }>();
    for (const closed of entry.closed) {
      // A reply dropped only for odd client source ports is not a restriction of the port.
      if (closed.stage !== 'request' && closed.flow.box.sport.intersect(EPHEMERAL_PORTS).isEmpty) continue;
      const rule = closed.flow.verdictRule;
      const action = rule?.target?.name.text ?? '';
      if (rule && (action === 'DROP' || action === 'REJECT') && !restrictedBy.has(rule)) restrictedBy.set(rule, { ruleLine: rule.span.line, ruleText: ruleText(rule), action });
    }
    const exposure: Exposure = {
      family,
      via: entry.via,
      address: entry.target,
      proto: name,
      ports: String(entry.containerPort),
      hostAddresses: describeHostAddresses(analysis.host, family, entry.hostAddresses),
      hostPorts: describeNumSet(entry.hostPorts, IntervalSet.full(PORTS)),
      sources: describeSources(analysis.host, family, open),
      interfaces: [...entry.ifaces],
      published,
      status: publishedStatus(entry, open),
      uncertain: entry.uncertain,
      restrictedBy: [...restrictedBy.values()],
      mapping: entry.mapping,
    };
    if (entry.container) exposure.container = entry.container;
    if (entry.network) exposure.network = entry.network;
    if (entry.dnatRule) exposure.dnatRule = entry.dnatRule;
    const sample = open[0] ?? entry.closed[0]?.flow.box;
    const shown = witness(analysis, family, entry.origin, sample && { ...sample, proto: IntervalSet.of(entry.proto) }, !published || family === 'ipv6');
    if (shown) exposure.witness = shown;
    report.exposure.push(exposure);
    dockerUserChecks(analysis, family, entry, exposure, report);
  }
}

export function publishedStatus(entry: PublishedGroup, open: readonly Box[]): ReachStatus {
  if (open.length === 0) return entry.uncertain ? 'depends' : 'closed';
  const attempted = [...entry.open, ...entry.closed.map((closed) => (closed.request ?? closed.flow).box)].map(typicalClients);
  return subtractSet(attempted, open).length === 0 ? 'open' : 'partial';
}

/** The request as FORWARD's first rule sees it: DNAT done, SNAT not yet. */
export function atForward(request: Flow): Flow {
  return { ...request, dir: 'original', state: 'NEW', tcp: 'syn', dstManipDone: true, srcManipDone: false, bridged: false, steps: null };
}

export function suggestFix(rule: Rule): string {
  let text = ruleText(rule);
  text = text.replace(/(?:-m (?:tcp|udp|sctp) )?--dport (\S+)/, '-m conntrack --ctorigdstport $1 --ctdir ORIGINAL');
  text = text.replace(/(!\s)?-d (\S+)/, (_match, bang: string | undefined, address: string) => `-m conntrack ${bang ?? ''}--ctorigdst ${address}`);
  return text;
}

/**
 * A DOCKER-USER rule that matches the packet as the client sent it (host
 * address, host port) but not as FORWARD sees it (container address and port,
 * after the DNAT in PREROUTING) cannot restrict the published port.
 */
export function dockerUserChecks(analysis: Analysis, family: Family, entry: PublishedGroup, exposure: Exposure, report: ReachReport): void {
  if (entry.via !== 'published' || entry.flowsAtForward.length === 0) return;
  const ruleset = analysis.host.rulesets[family];
  const chain = ruleset?.model.tables.get('filter')?.chains.get('DOCKER-USER');
  if (!ruleset || !chain) return;
  for (const rule of chain.rules) {
    if (rule.action.kind === 'verdict' && rule.action.verdict === 'RETURN' && rule.unconditional) continue;
    const compiled = compileRule(rule, ruleset.compileContext);
    if (compiled.conditions.some((condition) => condition.kind === 'unknown')) continue;
    const real = splitByRule(entry.flowsAtForward, compiled).matched;
    if (real.length > 0) continue;
    const asSent = splitByRule(
      entry.flowsAtForward.map((flow) => ({ ...flow, dstManipDone: false })),
      compiled,
    ).matched;
    if (asSent.length === 0) continue;
    let check = report.dockerUser.find((candidate) => candidate.rule === rule);
    if (!check) {
      check = { family, rule, ruleLine: rule.span.line, ruleText: ruleText(rule), missesPorts: [], suggestion: suggestFix(rule) };
      report.dockerUser.push(check);
    }
    const sample = asSent[0] as Flow;
    const miss: DockerUserCheck['missesPorts'][number] = {
      hostPort: exposure.hostPorts ?? '',
      containerPort: exposure.ports,
      proto: exposure.proto,
    };
    if (exposure.container) miss.container = exposure.container;
    const shown = witness(analysis, family, entry.origin, sample.box, true);
    if (shown) miss.witness = shown;
    check.missesPorts.push(miss);
  }
}
