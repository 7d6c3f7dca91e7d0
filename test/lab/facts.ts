/**
 * Run-independent views of a capture: addresses become symbols
 * (container:web1@appnet, gateway:appnet, host-link…), bridge names and
 * counters are normalised. Two captures of the same scenario must agree on
 * these, and a scenario's `expect` list is checked against them.
 */
import { scenarioEngine } from './engines.js';
import type { HostInfo } from './lab.js';
import type { ProbeRecord } from './probe.js';
import type { Expectation, Scenario } from './scenario.js';

export interface NetworkInspect {
  Name: string;
  Id: string;
  Internal?: boolean;
  EnableIPv6?: boolean;
  IPAM: { Config: { Subnet?: string; Gateway?: string }[] | null };
  Options: Record<string, string> | null;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  State: { Pid: number; Running: boolean };
  NetworkSettings: {
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks: Record<string, { IPAddress: string; GlobalIPv6Address: string; Gateway?: string; IPv6Gateway?: string; NetworkID?: string }>;
  };
}

/** A capture as stored under fixtures/docker/<scenario>/ (or fresh from a lab run). */
export interface CaptureData {
  scenario: Scenario;
  iptables: string;
  ip6tables: string;
  networks: NetworkInspect[];
  containers: ContainerInspect[];
  probes: ProbeRecord[];
  host: HostInfo;
}

export function bridgeNameOf(network: NetworkInspect): string {
  const explicit = network.Options?.['com.docker.network.bridge.name'];
  if (explicit) return explicit;
  return network.Name === 'bridge' ? 'docker0' : `br-${network.Id.slice(0, 12)}`;
}

/** address → symbol for every address the capture knows about. */
export function addressBook(capture: CaptureData): Map<string, string> {
  const book = new Map<string, string>();
  const add = (address: string | undefined, symbol: string): void => {
    if (address && !book.has(address.toLowerCase())) book.set(address.toLowerCase(), symbol);
  };
  for (const container of capture.containers) {
    const name = container.Name.replace(/^\//, '');
    for (const [network, settings] of Object.entries(container.NetworkSettings.Networks)) {
      add(settings.IPAddress, `container:${name}@${network}`);
      add(settings.GlobalIPv6Address, `container:${name}@${network}`);
    }
  }
  for (const removed of capture.host.removedContainers ?? []) {
    for (const a of removed.attachments) {
      add(a.ipv4, `removed:${removed.name}@${a.network}`);
      add(a.ipv6, `removed:${removed.name}@${a.network}`);
    }
  }
  // 20.10 leaves IPAM Gateway empty unless --gateway was given; the containers know it.
  for (const container of capture.containers) {
    for (const [network, settings] of Object.entries(container.NetworkSettings.Networks)) {
      add(settings.Gateway, `gateway:${network}`);
      add(settings.IPv6Gateway, `gateway:${network}`);
    }
  }
  for (const network of capture.networks) {
    for (const config of network.IPAM.Config ?? []) add(config.Gateway, `gateway:${network.Name}`);
  }
  add(capture.host.link.host4, 'host-link');
  add(capture.host.link.host6, 'host-link');
  add(capture.host.link.external4, 'external');
  add(capture.host.link.external6, 'external');
  add('127.0.0.1', 'loopback');
  add('::1', 'loopback');
  return book;
}

export function symbolOf(address: string | undefined, book: ReadonlyMap<string, string>): string {
  if (!address) return '';
  return book.get(address.toLowerCase()) ?? `other:${address}`;
}

function endpointKey(endpoint: ProbeRecord['from'], book: ReadonlyMap<string, string>, withAddress: boolean): string {
  const base = `${endpoint.kind}:${endpoint.name}@${endpoint.network ?? ''}`;
  return withAddress ? `${base}=${symbolOf(endpoint.address, book)}` : base;
}

/** key → "result servedBy seenSource", symbolic throughout. */
export function probeFacts(capture: CaptureData): Map<string, string> {
  const book = addressBook(capture);
  const facts = new Map<string, string>();
  for (const p of capture.probes) {
    const key = [p.via, endpointKey(p.from, book, false), endpointKey(p.to, book, true), p.family, `${p.proto}/${p.port ?? ''}`].join(' | ');
    facts.set(key, [p.result, p.servedBy ?? '-', p.seenSource ? symbolOf(p.seenSource, book) : '-'].join(' '));
  }
  return facts;
}

/** Differences between two fact maps, as readable lines (empty when they agree). */
export function diffFacts(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const [key, value] of expected) {
    const other = actual.get(key);
    if (other === undefined) lines.push(`missing: ${key} (${value})`);
    else if (other !== value) lines.push(`changed: ${key}: ${value} → ${other}`);
  }
  for (const [key, value] of actual) if (!expected.has(key)) lines.push(`new: ${key} (${value})`);
  return lines;
}

export interface ExpectationOutcome {
  expectation: Expectation;
  matched: number;
  failures: string[];
}

export function matchingProbes(expectation: Expectation, probes: readonly ProbeRecord[]): ProbeRecord[] {
  return probes.filter(
    (p) =>
      p.from.name === expectation.from &&
      p.to.name === expectation.to &&
      p.proto === expectation.proto &&
      (expectation.fromNetwork === undefined || p.from.network === expectation.fromNetwork) &&
      (expectation.toNetwork === undefined || p.to.network === expectation.toNetwork) &&
      (expectation.port === undefined || p.port === expectation.port) &&
      (expectation.via === undefined || p.via === expectation.via) &&
      (expectation.family === undefined || p.family === expectation.family) &&
      (expectation.toAddress === undefined || p.to.address === expectation.toAddress),
  );
}

export function describeExpectation(e: Expectation): string {
  const to = `${e.to}${e.toNetwork ? `@${e.toNetwork}` : ''}${e.toAddress ? ` (${e.toAddress})` : ''}`;
  const what = `${e.proto}${e.port ? `/${e.port}` : ''}${e.via ? ` ${e.via}` : ''}${e.family ? ` ${e.family}` : ''}`;
  const extra = [e.servedBy ? `served by ${e.servedBy}` : '', e.seenSource ? `source seen as ${e.seenSource}` : ''].filter(Boolean).join(', ');
  return `${e.from}${e.fromNetwork ? `@${e.fromNetwork}` : ''} → ${to} ${what}: ${e.result}${extra ? ` (${extra})` : ''}`;
}

export function checkExpectations(capture: CaptureData): ExpectationOutcome[] {
  const book = addressBook(capture);
  const engine = scenarioEngine(capture.scenario);
  const applicable = (capture.scenario.expect ?? []).filter((e) => !e.engines || e.engines.includes(engine));
  return applicable.map((expectation) => {
    const matches = matchingProbes(expectation, capture.probes);
    const failures: string[] = [];
    if (matches.length === 0) failures.push('no probe matches');
    for (const p of matches) {
      const where = `${p.from.name} → ${p.to.name}${p.to.network ? `@${p.to.network}` : ''} ${p.to.address ?? ''} ${p.proto}/${p.port ?? ''} ${p.family}`;
      if (p.result !== expectation.result) failures.push(`${where}: ${p.result}${p.detail ? ` (${p.detail})` : ''}`);
      if (expectation.servedBy !== undefined && p.servedBy !== expectation.servedBy) failures.push(`${where}: served by ${p.servedBy ?? 'nobody'}`);
      if (expectation.seenSource !== undefined && symbolOf(p.seenSource, book) !== expectation.seenSource) {
        failures.push(`${where}: source seen as ${symbolOf(p.seenSource, book) || 'nothing'}`);
      }
    }
    return { expectation, matched: matches.length, failures };
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * iptables-save text with comments dropped, counters zeroed, bridge names,
 * subnets and addresses replaced by symbols: equal for two runs of a scenario.
 */
export function normalizeRules(text: string, capture: CaptureData): string[] {
  const replacements: [RegExp, string][] = [];
  for (const network of capture.networks) {
    const bridge = bridgeNameOf(network);
    if (network.Name !== 'host' && network.Name !== 'none') replacements.push([new RegExp(`(?<![\\w.-])${escapeRegExp(bridge)}(?![\\w.-])`, 'g'), `<bridge:${network.Name}>`]);
    for (const config of network.IPAM.Config ?? []) {
      if (config.Subnet) replacements.push([new RegExp(`(?<![0-9a-fA-F.:])${escapeRegExp(config.Subnet)}(?![0-9])`, 'gi'), `<subnet:${network.Name}>`]);
    }
  }
  const book = addressBook(capture);
  const addresses = [...book.keys()].sort((a, b) => b.length - a.length);
  for (const address of addresses) {
    replacements.push([new RegExp(`(?<![0-9a-fA-F.:])${escapeRegExp(address)}(?![0-9a-fA-F:]|\\.\\d)`, 'gi'), `<${book.get(address)}>`]);
  }
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      let out = line.replace(/\[\d+:\d+\]/g, '[0:0]');
      for (const [pattern, symbol] of replacements) out = out.replace(pattern, symbol);
      return out;
    });
}
