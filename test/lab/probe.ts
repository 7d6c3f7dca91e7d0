/**
 * Kernel probes: real packets between the lab's namespaces, recorded as
 * open/blocked. Clients run under `nsenter --net=<origin namespace>`, so the
 * packets leave from exactly where a container's own process would send them.
 */
import { inNetns } from './netns.js';
import { mapLimit, sleep } from './exec.js';
import type { Family, ProbeProto, Proto } from './scenario.js';

export type EndpointKind = 'container' | 'external' | 'host';

export interface Endpoint {
  kind: EndpointKind;
  name: string;
  network?: string;
  address?: string;
}

export interface PublishedInfo {
  container: string;
  containerPort: number;
  /** HostIp values Docker reports for this host port (0.0.0.0, ::, 127.0.0.1…). */
  hostIps: string[];
}

export type ProbeResult = 'open' | 'blocked';

export interface ProbeRecord {
  from: Endpoint;
  to: Endpoint;
  proto: ProbeProto;
  port?: number;
  via: 'direct' | 'published';
  family: Family;
  result: ProbeResult;
  /** Why a probe is blocked: timeout, refused, no-response, host-unreachable… */
  detail?: string;
  /** Name the answering server reported (containers answer with their own name, the external host with "external"). */
  servedBy?: string;
  /** Client address as the answering server saw it (after any NAT). */
  seenSource?: string;
  published?: PublishedInfo;
  attempts: number;
}

export interface Attachment {
  network: string;
  ipv4?: string;
  ipv6?: string;
}

export interface PortBinding {
  containerPort: number;
  proto: Proto;
  hostIp: string;
  hostPort: number;
}

export interface ProbeContainer {
  name: string;
  /** Namespace file of the container, /proc/PID/ns/net. */
  nsPath: string;
  attachments: Attachment[];
  tcpPorts: number[];
  udpPorts: number[];
  bindings: PortBinding[];
}

export interface LinkAddresses {
  interfaceName: string;
  prefix4: number;
  host4: string;
  external4: string;
  prefix6?: number;
  host6?: string;
  external6?: string;
}

export interface ProbeTools {
  busybox: string;
  node: string;
  udpHelper: string;
}

export interface ProbeWorld {
  containers: ProbeContainer[];
  hostNsPath: string;
  externalNsPath: string;
  link: LinkAddresses;
  tools: ProbeTools;
  /** Host ports to probe although no container publishes them. */
  extraHostPorts?: { port: number; proto: Proto }[];
  /** Attempts for a probe that comes out blocked (open is final); default 2. */
  attempts?: number;
  /** Probes in flight at once (default 64: a blocked probe mostly sleeps in its 1 s timeout). */
  concurrency?: number;
}

export interface Origin {
  kind: EndpointKind;
  name: string;
  nsPath: string;
  attachments: Attachment[];
}

export interface ProbeTask {
  origin: Origin;
  to: Endpoint & { address: string };
  proto: ProbeProto;
  port?: number;
  via: 'direct' | 'published';
  published?: PublishedInfo;
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/** busybox httpd reports "[::ffff:1.2.3.4]"; node reports "::ffff:1.2.3.4". */
export function normalizeAddress(address: string): string {
  return address.replace(/^\[|\]$/g, '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

function addressesOf(attachment: Attachment): string[] {
  return [attachment.ipv4, attachment.ipv6].filter((a): a is string => !!a);
}

function bindingGroups(container: ProbeContainer): { proto: Proto; hostPort: number; containerPort: number; hostIps: string[] }[] {
  const groups = new Map<string, { proto: Proto; hostPort: number; containerPort: number; hostIps: string[] }>();
  for (const b of container.bindings) {
    const key = `${b.proto}/${b.hostPort}/${b.containerPort}`;
    const group = groups.get(key) ?? { proto: b.proto, hostPort: b.hostPort, containerPort: b.containerPort, hostIps: [] };
    if (!group.hostIps.includes(b.hostIp)) group.hostIps.push(b.hostIp);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.proto.localeCompare(b.proto) || a.hostPort - b.hostPort);
}

export function planProbes(world: ProbeWorld): ProbeTask[] {
  const tasks: ProbeTask[] = [];
  const { link } = world;
  const external: Origin = { kind: 'external', name: 'external', nsPath: world.externalNsPath, attachments: [] };
  const host: Origin = { kind: 'host', name: 'host', nsPath: world.hostNsPath, attachments: [] };
  const originOf = (c: ProbeContainer): Origin => ({ kind: 'container', name: c.name, nsPath: c.nsPath, attachments: c.attachments });

  // Container to every address of every other container: ICMP and TCP 80.
  for (const source of world.containers) {
    for (const target of world.containers) {
      if (target === source) continue;
      for (const attachment of target.attachments) {
        for (const address of addressesOf(attachment)) {
          const to = { kind: 'container' as const, name: target.name, network: attachment.network, address };
          tasks.push({ origin: originOf(source), to, proto: 'icmp', via: 'direct' });
          tasks.push({ origin: originOf(source), to, proto: 'tcp', port: 80, via: 'direct' });
        }
      }
    }
  }
  // External host straight at container addresses: ICMP, TCP 80 and every published container port.
  for (const target of world.containers) {
    const ports = new Map<string, { proto: Proto; port: number }>([['tcp/80', { proto: 'tcp', port: 80 }]]);
    for (const b of target.bindings) ports.set(`${b.proto}/${b.containerPort}`, { proto: b.proto, port: b.containerPort });
    for (const attachment of target.attachments) {
      for (const address of addressesOf(attachment)) {
        if (familyOf(address) === 'ipv6' && !link.external6) continue;
        tasks.push({ origin: external, to: { kind: 'container', name: target.name, network: attachment.network, address }, proto: 'icmp', via: 'direct' });
        for (const { proto, port } of ports.values()) {
          tasks.push({ origin: external, to: { kind: 'container', name: target.name, network: attachment.network, address }, proto, port, via: 'direct' });
        }
      }
    }
  }
  // Every container to the external host's server.
  for (const source of world.containers) {
    tasks.push({ origin: originOf(source), to: { kind: 'external', name: 'external', address: link.external4 }, proto: 'tcp', port: 80, via: 'direct' });
    if (link.external6 && source.attachments.some((a) => a.ipv6)) {
      tasks.push({ origin: originOf(source), to: { kind: 'external', name: 'external', address: link.external6 }, proto: 'tcp', port: 80, via: 'direct' });
    }
  }
  // Host ports: from outside, from the host itself, and hairpin from every container.
  const hostPortTasks = (proto: Proto, port: number, published?: PublishedInfo): void => {
    const at = (address: string): Endpoint & { address: string } => ({ kind: 'host', name: 'host', address });
    const common = { proto, port, via: 'published' as const, ...(published ? { published } : {}) };
    tasks.push({ origin: external, to: at(link.host4), ...common });
    if (link.host6) tasks.push({ origin: external, to: at(link.host6), ...common });
    tasks.push({ origin: host, to: at('127.0.0.1'), ...common });
    tasks.push({ origin: host, to: at(link.host4), ...common });
    for (const source of world.containers) tasks.push({ origin: originOf(source), to: at(link.host4), ...common });
  };
  for (const target of world.containers) {
    for (const group of bindingGroups(target)) {
      hostPortTasks(group.proto, group.hostPort, { container: target.name, containerPort: group.containerPort, hostIps: group.hostIps });
    }
  }
  for (const extra of world.extraHostPorts ?? []) hostPortTasks(extra.proto, extra.port);
  return tasks;
}

interface Attempt {
  open: boolean;
  detail?: string;
  servedBy?: string;
  seenSource?: string;
}

function classifyError(text: string): string {
  if (/refused/i.test(text)) return 'refused';
  if (/timed out|timeout/i.test(text)) return 'timeout';
  if (/no route to host|host is unreachable|EHOSTUNREACH/i.test(text)) return 'host-unreachable';
  if (/network is unreachable|ENETUNREACH/i.test(text)) return 'network-unreachable';
  if (/not permitted|permission denied|EPERM|EACCES/i.test(text)) return 'prohibited';
  const first = text.trim().split('\n')[0] ?? '';
  return first ? `error: ${first}` : 'error';
}

function parseAnswer(text: string): { servedBy?: string; seenSource?: string } {
  const line = text.trim().split('\n').pop()?.trim() ?? '';
  const [name, address] = line.split(/\s+/);
  const answer: { servedBy?: string; seenSource?: string } = {};
  if (name) answer.servedBy = name;
  if (address) answer.seenSource = normalizeAddress(address);
  return answer;
}

const HTTP_REQUEST = 'GET /cgi-bin/who HTTP/1.0\r\n\r\n';

async function tcpAttempt(tools: ProbeTools, nsPath: string, address: string, port: number): Promise<Attempt> {
  const result = await inNetns(nsPath, tools.busybox, ['nc', '-w', '1', address, String(port)], { input: HTTP_REQUEST, timeoutMs: 4_000 });
  if (result.timedOut) return { open: false, detail: 'stalled' };
  if (result.code === 0 && /^HTTP\/1\.\d 200/m.test(result.stdout)) {
    const body = result.stdout.split(/\r?\n\r?\n/).slice(1).join('\n');
    return { open: true, ...parseAnswer(body) };
  }
  if (result.code === 0) return { open: false, detail: 'no-response' };
  return { open: false, detail: classifyError(result.stderr) };
}

async function udpAttempt(tools: ProbeTools, nsPath: string, address: string, port: number): Promise<Attempt> {
  const result = await inNetns(nsPath, tools.node, [tools.udpHelper, 'client', address, String(port), '1000'], { timeoutMs: 8_000 });
  if (result.code === 0) return { open: true, ...parseAnswer(result.stdout) };
  if (result.timedOut) return { open: false, detail: 'stalled' };
  return { open: false, detail: classifyError(result.stderr) };
}

async function icmpAttempt(tools: ProbeTools, nsPath: string, address: string): Promise<Attempt> {
  const ping = familyOf(address) === 'ipv6' ? 'ping6' : 'ping';
  const result = await inNetns(nsPath, tools.busybox, [ping, '-c', '1', '-W', '1', address], { timeoutMs: 4_000 });
  if (result.code === 0) return { open: true };
  return { open: false, detail: result.stderr.trim() ? classifyError(result.stderr) : 'no-reply' };
}

function attempt(tools: ProbeTools, task: ProbeTask): Promise<Attempt> {
  const { nsPath } = task.origin;
  if (task.proto === 'icmp') return icmpAttempt(tools, nsPath, task.to.address);
  if (task.proto === 'udp') return udpAttempt(tools, nsPath, task.to.address, task.port as number);
  return tcpAttempt(tools, nsPath, task.to.address, task.port as number);
}

/**
 * Source address the kernel picks from `nsPath` towards each destination
 * (`ip route get`), or nothing when there is no route.
 */
async function sourceAddresses(nsPath: string, destinations: readonly string[]): Promise<Map<string, string>> {
  const input = destinations.map((d) => `route get ${d}\n`).join('');
  const result = await inNetns(nsPath, 'ip', ['-force', '-o', '-batch', '-'], { input, timeoutMs: 20_000 });
  const sources = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const match = /^(?:local |broadcast |unicast |anycast |multicast )?(\S+)\s.*?\bsrc (\S+)/.exec(line);
    if (match) sources.set(match[1] as string, match[2] as string);
  }
  return sources;
}

export async function runProbes(world: ProbeWorld, tasks: readonly ProbeTask[] = planProbes(world)): Promise<ProbeRecord[]> {
  const maxAttempts = world.attempts ?? 2;
  const byOrigin = new Map<string, Set<string>>();
  for (const task of tasks) {
    const set = byOrigin.get(task.origin.nsPath) ?? new Set<string>();
    set.add(task.to.address);
    byOrigin.set(task.origin.nsPath, set);
  }
  const sources = new Map<string, Map<string, string>>();
  await Promise.all([...byOrigin].map(async ([nsPath, addresses]) => sources.set(nsPath, await sourceAddresses(nsPath, [...addresses]))));

  return mapLimit(tasks, world.concurrency ?? 64, async (task) => {
    let outcome: Attempt = { open: false };
    let attempts = 0;
    while (attempts < maxAttempts) {
      attempts++;
      outcome = await attempt(world.tools, task);
      if (outcome.open) break;
      if (attempts < maxAttempts) await sleep(200);
    }
    const from: Endpoint = { kind: task.origin.kind, name: task.origin.name };
    const source = sources.get(task.origin.nsPath)?.get(task.to.address);
    const network = task.origin.attachments.find((a) => a.ipv4 === source || a.ipv6 === source)?.network;
    if (network) from.network = network;
    if (source) from.address = source;
    const record: ProbeRecord = {
      from,
      to: task.to,
      proto: task.proto,
      ...(task.port !== undefined ? { port: task.port } : {}),
      via: task.via,
      family: familyOf(task.to.address),
      result: outcome.open ? 'open' : 'blocked',
      ...(outcome.detail && !outcome.open ? { detail: outcome.detail } : {}),
      ...(outcome.servedBy ? { servedBy: outcome.servedBy } : {}),
      ...(outcome.seenSource ? { seenSource: outcome.seenSource } : {}),
      ...(task.published ? { published: task.published } : {}),
      attempts,
    };
    return record;
  });
}

/** Polls until an HTTP server answers at address:port from inside nsPath. */
export async function waitForHttp(tools: ProbeTools, nsPath: string, address: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await tcpAttempt(tools, nsPath, address, port);
    if (outcome.open) return;
    if (Date.now() > deadline) throw new Error(`no HTTP server at ${address}:${port} in ${nsPath} (${outcome.detail ?? '?'})`);
    await sleep(100);
  }
}

/** Waits until no IPv6 address in the namespace is still doing duplicate address detection. */
export async function waitForIpv6Addresses(nsPath: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await inNetns(nsPath, 'ip', ['-6', '-o', 'addr', 'show', 'tentative'], { timeoutMs: 10_000 });
    if (result.code !== 0 || result.stdout.trim() === '') return;
    if (Date.now() > deadline) throw new Error(`IPv6 addresses still tentative in ${nsPath}: ${result.stdout.trim()}`);
    await sleep(100);
  }
}

/** One JSON object per line: diffs of regenerated captures stay readable. */
export function formatProbeFile(records: readonly ProbeRecord[]): string {
  return records.length === 0 ? '[]\n' : `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`;
}
