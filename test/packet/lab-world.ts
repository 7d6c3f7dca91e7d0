/**
 * The packet model of a Real-Docker lab capture (fixtures/docker/<scenario>/):
 * the Host built from the capture's dumps and inspect JSON, the lab's
 * listeners (test/lab: every container serves TCP 80 and its published
 * container ports, the external host serves TCP 80), the external host's
 * routes, and each kernel probe turned into a connection query.
 */
import { relative } from 'node:path';
import { parse } from '../../grammar/index.js';
import { dockerInputsFrom } from '../../src/docker/load-inputs.js';
import { structuredValue } from '../../src/docker/structured-file.js';
import type { Family } from '../../grammar/ast.js';
import { buildModel } from '../../src/model/build.js';
import { parseAddress, parseBlock, blockSet, type AddrSet } from '../../src/packet/address.js';
import { connect, pointBox, type ConnectionOutcome, type Endpoint } from '../../src/packet/connection.js';
import { headerAddr, type Flow } from '../../src/packet/flow.js';
import { buildHost, type Host } from '../../src/packet/host.js';
import { IntervalSet } from '../../src/packet/intervals.js';
import { splitHeaderAddr } from '../../src/packet/match.js';
import { answerBy, type Listener, type Services } from '../../src/packet/services.js';
import { formatAddr } from '../../src/packet/address.js';
import type { Box } from '../../src/packet/packet-set.js';
import { runQuery } from '../../src/packet/reach-query.js';
import { allCaptureDirs, captureDirs, DEFAULT_FIXTURE_DIR, FIXTURES_ROOT, readCapture } from '../lab/fixtures.js';
import type { CaptureData } from '../lab/facts.js';
import type { ProbeRecord } from '../lab/probe.js';
import { serverPorts, type ContainerSpec } from '../lab/scenario.js';

/** The 20.10 captures (or IPTLINT_LAB_FIXTURES): the root of the targeted cross-checks. */
export const LAB_ROOT = process.env['IPTLINT_LAB_FIXTURES'] ?? DEFAULT_FIXTURE_DIR;

/** Every capture of every Docker engine (fixtures/docker, fixtures/docker-<engine>), or those under IPTLINT_LAB_FIXTURES. */
export function labCaptureDirs(): string[] {
  return process.env['IPTLINT_LAB_FIXTURES'] ? captureDirs(LAB_ROOT) : allCaptureDirs().map((capture) => capture.dir);
}

/** `docker-28.5/multi-network`: the capture's engine directory and scenario. */
export function captureLabel(dir: string): string {
  return relative(FIXTURES_ROOT, dir);
}

export interface LabWorld {
  name: string;
  capture: CaptureData;
  host: Host;
  services: Services;
  /** Addresses the external host can send to (its routing table). */
  externalRoutes: Record<Family, AddrSet>;
}

function containerSpecs(capture: CaptureData): ContainerSpec[] {
  return [...capture.scenario.containers, ...(capture.scenario.edits ?? []).flatMap((edit) => ('addContainer' in edit ? [edit.addContainer] : []))];
}

function addressSet(texts: readonly (string | undefined)[]): AddrSet {
  return IntervalSet.fromRanges(
    texts.flatMap((text) => {
      const parsed = text ? parseAddress(text) : null;
      return parsed ? [[parsed.value, parsed.value] as [bigint, bigint]] : [];
    }),
  );
}

/** Deliberately wrong facts, to show the agreement test notices them. */
export interface WorldOverrides {
  brNetfilter?: boolean;
  userlandProxy?: boolean;
}

export function labWorld(dir: string, overrides: WorldOverrides = {}): LabWorld {
  return labWorldOf(readCapture(dir), overrides);
}

/** The world of a capture in memory: a committed one, or a live lab run's. */
export function labWorldOf(capture: CaptureData, overrides: WorldOverrides = {}): LabWorld {
  const name = capture.scenario.name;
  const docker = dockerInputsFrom({
    networks: structuredValue(`${name}/networks.json`, capture.networks),
    containers: structuredValue(`${name}/containers.json`, capture.containers),
  });
  const { link, sysctls, daemon } = capture.host;
  const at = sysctls.atCapture;
  const gateways: Record<string, string[]> = {};
  for (const container of capture.containers) {
    for (const [network, settings] of Object.entries(container.NetworkSettings.Networks)) {
      const list = (gateways[network] ??= []);
      for (const gateway of [settings.Gateway, settings.IPv6Gateway]) if (gateway && !list.includes(gateway)) list.push(gateway);
    }
  }
  const hostAddrs = [`${link.host4}/${link.prefix4}=${link.interfaceName}`];
  if (link.host6) hostAddrs.push(`${link.host6}/${link.prefix6 ?? 64}=${link.interfaceName}`);
  const host = buildHost({
    ipv4: buildModel(parse(capture.iptables, { file: `${name}/iptables.rules`, family: 'ipv4' })),
    ipv6: buildModel(parse(capture.ip6tables, { file: `${name}/ip6tables.rules`, family: 'ipv6' })),
    networks: docker.networks ?? [],
    containers: docker.containers ?? [],
    userlandProxy: overrides.userlandProxy ?? !daemon.flags.includes('--userland-proxy=false'),
    gateways,
    topology: {
      hostAddrs,
      routes: [
        { cidr: '0.0.0.0/0', iface: link.interfaceName },
        { cidr: '::/0', iface: link.interfaceName },
      ],
      brNetfilter: {
        ipv4: overrides.brNetfilter ?? at['net.bridge.bridge-nf-call-iptables'] === '1',
        ipv6: overrides.brNetfilter ?? at['net.bridge.bridge-nf-call-ip6tables'] === '1',
      },
      forwarding: { ipv4: at['net.ipv4.ip_forward'] === '1', ipv6: at['net.ipv6.conf.all.forwarding'] === '1' },
      routeLocalnet: Object.entries(at)
        .filter(([key, value]) => /^net\.ipv4\.conf\.[^.]+\.route_localnet$/.test(key) && !key.includes('.all.') && !key.includes('.default.') && value === '1')
        .map(([key]) => key.split('.')[3] as string),
    },
  });

  // Listeners: every running container serves TCP 80 plus its published container ports (test/lab/scenario.ts serverPorts).
  const specs = new Map(containerSpecs(capture).map((spec) => [spec.name, spec]));
  const listenersByBridge = new Map<string, Listener[]>();
  for (const container of host.containers) {
    const spec = specs.get(container.name);
    if (!spec) continue;
    const ports = serverPorts(spec);
    for (const endpoint of container.endpoints) {
      const list = listenersByBridge.get(endpoint.bridge) ?? [];
      for (const family of ['ipv4', 'ipv6'] as const) {
        const address = family === 'ipv4' ? endpoint.ipv4 : endpoint.ipv6;
        if (address === undefined) continue;
        const addresses = IntervalSet.of(address);
        list.push({ family, addresses, proto: 6, ports: IntervalSet.fromRanges(ports.tcp.map((p) => [p, p] as [number, number])) });
        if (ports.udp.length > 0) list.push({ family, addresses, proto: 17, ports: IntervalSet.fromRanges(ports.udp.map((p) => [p, p] as [number, number])) });
      }
      listenersByBridge.set(endpoint.bridge, list);
    }
  }
  const pingable = new Map<string, AddrSet>();
  for (const container of host.containers) {
    for (const endpoint of container.endpoints) {
      pingable.set(endpoint.bridge, (pingable.get(endpoint.bridge) ?? IntervalSet.empty<bigint>()).union(addressSet([
        endpoint.ipv4 === undefined ? undefined : formatAddr(endpoint.ipv4, 'ipv4'),
        endpoint.ipv6 === undefined ? undefined : formatAddr(endpoint.ipv6, 'ipv6'),
      ])));
    }
  }
  const external = addressSet([link.external4, link.external6]);
  const externalListeners: Listener[] = [
    { family: 'ipv4', addresses: external, proto: 6, ports: IntervalSet.of(80) },
    { family: 'ipv6', addresses: external, proto: 6, ports: IntervalSet.of(80) },
  ];
  // The external host's routes: its link, plus the container subnets when the scenario routes them via the Docker host.
  const linkBlocks = [parseBlock(`${link.external4}/${link.prefix4}`), link.external6 ? parseBlock(`${link.external6}/${link.prefix6 ?? 64}`) : null];
  const externalRoutes: Record<Family, AddrSet> = { ipv4: IntervalSet.empty<bigint>(), ipv6: IntervalSet.empty<bigint>() };
  for (const block of linkBlocks) if (block) externalRoutes[block.family] = externalRoutes[block.family].union(blockSet(block));
  if (capture.host.externalRoutesContainerSubnets) {
    for (const network of host.networks) for (const block of network.subnets) externalRoutes[block.family] = externalRoutes[block.family].union(blockSet(block));
  }

  const onlyExisting = (flows: Flow[], set: AddrSet | undefined): { yes: Flow[]; no: Flow[] } => {
    const yes: Flow[] = [];
    const no: Flow[] = [];
    for (const flow of flows) {
      const split = splitHeaderAddr(flow, 'dst', set ?? IntervalSet.empty<bigint>());
      yes.push(...split.yes);
      no.push(...split.no);
    }
    return { yes, no };
  };
  const services: Services = {
    container(flows, bridge) {
      const present = onlyExisting(flows, pingable.get(bridge));
      const answer = answerBy(present.yes, listenersByBridge.get(bridge) ?? []);
      return { answered: answer.answered, refused: [...answer.refused, ...present.no] };
    },
    host: (flows) => ({ answered: [], refused: flows }),
    outside(flows) {
      const present = onlyExisting(flows, external);
      const answer = answerBy(present.yes, externalListeners);
      return { answered: answer.answered, refused: [...answer.refused, ...present.no] };
    },
    outsideRoutes(flows) {
      const yes: Flow[] = [];
      const no: Flow[] = [];
      for (const flow of flows) {
        const split = splitHeaderAddr(flow, 'dst', externalRoutes[flow.family]);
        yes.push(...split.yes);
        no.push(...split.no);
      }
      return { yes, no };
    },
  };
  return { name, capture, host, services, externalRoutes };
}

export interface ProbeVerdict {
  result: 'open' | 'blocked' | 'depends';
  servedBy?: string;
  seenSource?: string;
  why: string;
  outcome?: ConnectionOutcome;
}

const EPHEMERAL_PORT = 40000;

/** The model's answer for one kernel probe. */
export function modelProbe(world: LabWorld, probe: ProbeRecord, trace = false): ProbeVerdict {
  const family: Family = probe.family;
  const from = probe.from;
  const to = parseAddress(probe.to.address ?? '');
  if (!to) return { result: 'blocked', why: 'probe without a destination address' };
  // The sender's own routing: the lab records the source the kernel picked, none when it had no route.
  const src = from.address ? parseAddress(from.address) : null;
  if (!src) return { result: 'blocked', why: 'the sender has no route to the destination' };
  if (from.kind === 'external' && !world.externalRoutes[family].has(to.value)) return { result: 'blocked', why: 'the external host has no route to the destination' };
  let origin: Endpoint;
  if (from.kind === 'host') origin = { kind: 'host' };
  else if (from.kind === 'external') origin = { kind: 'outside', iface: world.capture.host.link.interfaceName };
  else {
    const network = world.host.networks.find((candidate) => candidate.name === from.network);
    if (!network) return { result: 'blocked', why: `unknown network ${from.network ?? '?'}` };
    origin = { kind: 'container', bridge: network.bridge, container: from.name, network: network.name };
  }
  const proto = probe.proto === 'icmp' ? (family === 'ipv4' ? 1 : 58) : probe.proto === 'tcp' ? 6 : 17;
  const icmp = probe.proto === 'icmp' ? (family === 'ipv4' ? 8 : 128) << 8 : 0;
  const box = pointBox({ src: src.value, dst: to.value, proto, sport: EPHEMERAL_PORT, dport: probe.port ?? 0, icmp });
  const outcome = connect(world.host, { family, box, origin, services: world.services, trace });
  const hinged = [...outcome.open.map((o) => o.request), ...outcome.closed.map((c) => c.flow)].some((flow) => flow.hinges.length > 0);
  if (outcome.undecided.length > 0 || hinged || (outcome.open.length > 0 && outcome.closed.length > 0)) {
    return { result: 'depends', why: [...outcome.undecided, ...outcome.closed].map((c) => `${c.stage}: ${c.why}`).join('; ') || 'hinges on "may match" rules', outcome };
  }
  const open = outcome.open[0];
  if (!open) {
    const closed = outcome.closed[0];
    return { result: 'blocked', why: closed ? `${closed.stage}: ${closed.why}` : 'nothing delivered', outcome };
  }
  const served = open.proxy ? open.proxy.back : open;
  const servedBy = served.endpoint.kind === 'container' ? served.endpoint.container : served.endpoint.kind === 'outside' ? 'external' : 'host';
  const seen = seenSource(served.request);
  const verdict: ProbeVerdict = { result: 'open', why: open.proxy ? `via docker-proxy for ${open.proxy.listener.container}` : 'open', outcome };
  if (servedBy) verdict.servedBy = servedBy;
  if (seen) verdict.seenSource = seen;
  return verdict;
}

function seenSource(request: Flow): string | undefined {
  const ref = headerAddr(request, 'src');
  const value = ref.kind === 'const' ? ref.value : request.box[ref.field as 'src' | 'dst'].single;
  return value === null || value === undefined ? undefined : formatAddr(value, request.family);
}

export function describeProbe(probe: ProbeRecord): string {
  const from = `${probe.from.kind === 'container' ? probe.from.name : probe.from.kind}${probe.from.address ? `(${probe.from.address})` : ''}`;
  const to = `${probe.to.kind === 'container' ? probe.to.name : probe.to.kind}(${probe.to.address ?? ''})`;
  return `${from} → ${to} ${probe.proto}${probe.port !== undefined ? `/${probe.port}` : ''} ${probe.via} ${probe.family}`;
}

/**
 * The same probes answered by ONE symbolic query per sender (every
 * destination address, port and protocol at once): each kernel probe is then
 * a point looked up in the open set. Agreement with the concrete answers
 * checks the header-space engine against the kernel too.
 */
export function symbolicVerdicts(world: LabWorld): Map<ProbeRecord, 'open' | 'blocked' | 'depends'> {
  const verdicts = new Map<ProbeRecord, 'open' | 'blocked' | 'depends'>();
  const groups = new Map<string, ProbeRecord[]>();
  for (const probe of world.capture.probes) {
    const key = `${probe.family}|${probe.from.kind}|${probe.from.name}|${probe.from.network ?? ''}|${probe.from.address ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), probe]);
  }
  for (const probes of groups.values()) {
    const first = probes[0] as ProbeRecord;
    const family = first.family;
    const src = first.from.address ? parseAddress(first.from.address) : null;
    if (!src) {
      for (const probe of probes) verdicts.set(probe, 'blocked');
      continue;
    }
    let origin: Endpoint;
    if (first.from.kind === 'host') origin = { kind: 'host' };
    else if (first.from.kind === 'external') origin = { kind: 'outside', iface: world.capture.host.link.interfaceName };
    else {
      const network = world.host.networks.find((candidate) => candidate.name === first.from.network);
      origin = { kind: 'container', bridge: network?.bridge ?? '', ...(network ? { network: network.name } : {}) };
    }
    const dst = first.from.kind === 'external' ? world.externalRoutes[family] : IntervalSet.full(family === 'ipv4' ? { min: 0n, max: (1n << 32n) - 1n } : { min: 0n, max: (1n << 128n) - 1n });
    const echo = family === 'ipv4' ? 8 : 128;
    const icmpProto = family === 'ipv4' ? 1 : 58;
    const box = {
      src: IntervalSet.of(src.value),
      dst,
      proto: IntervalSet.fromRanges([
        [icmpProto, icmpProto],
        [6, 6],
        [17, 17],
      ]),
      sport: IntervalSet.of(EPHEMERAL_PORT),
      dport: IntervalSet.of(0, 65535),
      icmp: IntervalSet.of(echo << 8),
    };
    const result = runQuery(world.host, family, origin, box, world.services);
    for (const probe of probes) {
      const to = parseAddress(probe.to.address ?? '');
      const proto = probe.proto === 'icmp' ? icmpProto : probe.proto === 'tcp' ? 6 : 17;
      const port = probe.proto === 'icmp' ? 0 : (probe.port ?? 0);
      const inside = (boxes: readonly Box[]): boolean =>
        !!to && boxes.some((candidate) => candidate.dst.has(to.value) && candidate.proto.has(proto) && (probe.proto === 'icmp' || candidate.dport.has(port)));
      verdicts.set(probe, inside(result.uncertain) ? 'depends' : inside(result.open) ? 'open' : 'blocked');
    }
  }
  return verdicts;
}
