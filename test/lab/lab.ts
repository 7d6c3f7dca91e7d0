/**
 * Orchestration of one lab run: namespaces, engine, networks, containers,
 * hand edits, capture, probes, and a teardown that runs whatever happened.
 *
 *   external ns (192.0.2.2, 2001:db8:100::2) ──veth eth0── host ns (192.0.2.1, 2001:db8:100::1)
 *                                                          dockerd, containerd, bridges, containers
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { basename, join } from 'node:path';
import { runOk, run, sleep, within } from './exec.js';
import {
  buildImageTarball,
  importImage,
  LAB_IMAGE,
  resolveBinaries,
  startEngine,
  type DockerBinaries,
  type DockerEngine,
  type EngineVersions,
} from './docker.js';
import { engineBinaries, preparedEngine, scenarioEngine, withEngine, type EngineId } from './engines.js';
import { addNetns, deleteNetns, inNetnsOk, ipIn, LAB_PREFIX, listNetns, namespaceInode, netnsPath, readSysctls, writeSysctls } from './netns.js';
import {
  findRunProcesses,
  describeProcess,
  isSameProcessAlive,
  killProcesses,
  processStartTime,
  spawnTracked,
  stopTracked,
  type ProcessIdentity,
  type TrackedProcess,
} from './processes.js';
import {
  planProbes,
  runProbes,
  waitForHttp,
  waitForIpv6Addresses,
  type Attachment,
  type LinkAddresses,
  type PortBinding,
  type ProbeContainer,
  type ProbeRecord,
  type ProbeTools,
} from './probe.js';
import {
  DEFAULT_NETWORK,
  LAB_DIR,
  placeholdersIn,
  serverPorts,
  type BinariesSpec,
  type ContainerSpec,
  type EditSpec,
  type Proto,
  type Scenario,
} from './scenario.js';

export interface LabOptions {
  /** Docker engine; overrides the scenario's `daemon.engine` (default 20.10). Fetched into .lab-cache/ on first use. */
  engine?: EngineId;
  /** Engine binaries; overrides the engine's and the scenario's `daemon.binaries`. */
  binaries?: BinariesSpec;
  busybox?: string;
  probeConcurrency?: number;
  log?: (message: string) => void;
  /** Called once the capture and probes are done, while the host still runs (e.g. to scan it live). */
  whileUp?: (host: LiveLabHost) => Promise<void>;
}

/** A running lab host, as `whileUp` sees it. */
export interface LiveLabHost {
  hostNsPath: string;
  /** The lab dockerd's API socket. */
  dockerSocket: string;
}

export interface RemovedContainer {
  name: string;
  attachments: Attachment[];
}

export interface ExecutedEdit {
  action: 'iptables' | 'ip6tables' | 'removeContainer' | 'addContainer' | 'sysctl';
  note?: string;
  /** iptables/ip6tables argv after placeholder substitution. */
  argv?: string[];
  container?: string;
  sysctl?: Record<string, string>;
}

export interface HostInfo {
  scenario: string;
  capturedAt: string;
  versions: {
    docker: EngineVersions;
    iptables: string;
    ip6tables: string;
    kernel: string;
    busybox: string;
    iproute2: string;
    node: string;
  };
  daemon: {
    flags: string[];
    binaries: DockerBinaries;
    /** The engine run, and for the fetched ones the Debian packages it came from (absent in captures made before engines existed). */
    engine?: { id: EngineId; suite?: string; packages?: { name: string; version: string; sha256: string }[] };
  };
  link: LinkAddresses;
  externalRoutesContainerSubnets: boolean;
  /** Values in the Docker host's namespace. */
  sysctls: { beforeDaemon: Record<string, string | undefined>; atCapture: Record<string, string | undefined> };
  bridgeNetfilter: { perNetns: boolean; basis: string };
  edits: ExecutedEdit[];
  removedContainers: RemovedContainer[];
  interfaces: unknown;
  routes: { ipv4: unknown; ipv6: unknown };
  timingsMs: Record<string, number>;
}

export interface LabCapture {
  scenario: Scenario;
  iptables: string;
  ip6tables: string;
  /** Raw `docker network inspect` output of every network. */
  networksJson: string;
  /** Raw `docker inspect` output of every container. */
  containersJson: string;
  probes: ProbeRecord[];
  host: HostInfo;
  trace: RunTrace;
}

/** What a run created, kept so that its cleanup can be verified afterwards. */
export interface RunTrace {
  runId: string;
  runDir: string;
  namespaces: string[];
  cgroupName: string;
  /** Inodes of the host and external namespaces (meaningful only while those exist: the kernel reuses inode numbers). */
  netInodes: number[];
  processes: ProcessIdentity[];
  /** Files the run created outside its directory (containerd shim sockets). */
  outsideFiles: string[];
  /** Problems found after teardown (empty when everything is gone). */
  leftovers: string[];
}

export class LabRunError extends Error {
  constructor(
    message: string,
    readonly trace: RunTrace,
    readonly causeError?: unknown,
  ) {
    super(message);
    this.name = 'LabRunError';
  }
}

export const DEFAULT_LINK: LinkAddresses = {
  interfaceName: 'eth0',
  prefix4: 24,
  host4: '192.0.2.1',
  external4: '192.0.2.2',
  prefix6: 64,
  host6: '2001:db8:100::1',
  external6: '2001:db8:100::2',
};

export const UDP_HELPER = join(LAB_DIR, 'udp-helper.mjs');

const CAPTURED_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.ipv6.conf.all.forwarding',
  'net.ipv6.conf.default.forwarding',
  'net.ipv6.conf.all.disable_ipv6',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.bridge.bridge-nf-call-arptables',
  'net.ipv4.conf.all.route_localnet',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.default.rp_filter',
];

interface DockerNetworkInspect {
  Name: string;
  Id: string;
  Internal: boolean;
  EnableIPv6: boolean;
  IPAM: { Config: { Subnet?: string; Gateway?: string }[] | null };
  Options: Record<string, string> | null;
}

interface DockerContainerInspect {
  Id: string;
  Name: string;
  State: { Pid: number; Running: boolean };
  NetworkSettings: {
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks: Record<string, { IPAddress: string; GlobalIPv6Address: string }>;
  };
}

function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = release().split(/[.-]/).map(Number);
  return a > major || (a === major && b >= minor);
}

function bridgeName(network: DockerNetworkInspect): string {
  if (network.Name === DEFAULT_NETWORK) return network.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  return network.Options?.['com.docker.network.bridge.name'] ?? `br-${network.Id.slice(0, 12)}`;
}

function subnetsOf(network: DockerNetworkInspect): { v4?: string; v6?: string; gateway4?: string; gateway6?: string } {
  const out: { v4?: string; v6?: string; gateway4?: string; gateway6?: string } = {};
  for (const config of network.IPAM.Config ?? []) {
    if (!config.Subnet) continue;
    if (config.Subnet.includes(':')) {
      out.v6 ??= config.Subnet;
      if (config.Gateway) out.gateway6 ??= config.Gateway;
    } else {
      out.v4 ??= config.Subnet;
      if (config.Gateway) out.gateway4 ??= config.Gateway;
    }
  }
  return out;
}

/** Processes and state of a run in progress; teardown() works from whatever is filled in. */
class LabRun {
  readonly runId: string;
  readonly hostNs: string;
  readonly externalNs: string;
  readonly cgroupName: string;
  readonly namespaces: string[] = [];
  readonly netInodes = new Set<number>();
  readonly tracked: TrackedProcess[] = [];
  readonly seen = new Map<string, ProcessIdentity>();
  readonly udpServers = new Map<string, TrackedProcess[]>();
  /** Sockets the run's containerd shims create outside the run directory. */
  readonly shimSockets = new Set<string>();
  readonly containers: ProbeContainer[] = [];
  readonly removed: RemovedContainer[] = [];
  readonly edits: ExecutedEdit[] = [];
  networks: DockerNetworkInspect[] = [];
  engine?: DockerEngine;
  readonly tools: ProbeTools;
  readonly link: LinkAddresses;

  constructor(
    readonly scenario: Scenario,
    readonly runDir: string,
    readonly binaries: DockerBinaries,
    readonly options: LabOptions,
  ) {
    this.runId = basename(runDir).slice(LAB_PREFIX.length);
    this.hostNs = `${LAB_PREFIX}${this.runId}-host`;
    this.externalNs = `${LAB_PREFIX}${this.runId}-ext`;
    this.cgroupName = `${LAB_PREFIX}${this.runId}`;
    this.tools = { busybox: options.busybox ?? '/usr/bin/busybox', node: process.execPath, udpHelper: UDP_HELPER };
    const link = { ...DEFAULT_LINK };
    if (scenario.link?.ipv6 === false) {
      delete link.prefix6;
      delete link.host6;
      delete link.external6;
    }
    this.link = link;
  }

  get hostNsPath(): string {
    return netnsPath(this.hostNs);
  }

  get externalNsPath(): string {
    return netnsPath(this.externalNs);
  }

  log(message: string): void {
    this.options.log?.(`[${this.scenario.name} ${this.runId}] ${message}`);
  }

  remember(process: TrackedProcess): void {
    this.tracked.push(process);
    this.seen.set(`${process.pid}/${process.startTime}`, { pid: process.pid, startTime: process.startTime, label: process.name });
  }

  get engineOrThrow(): DockerEngine {
    if (!this.engine) throw new Error('engine not started');
    return this.engine;
  }

  trace(leftovers: string[] = []): RunTrace {
    return {
      runId: this.runId,
      runDir: this.runDir,
      namespaces: [...this.namespaces],
      cgroupName: this.cgroupName,
      netInodes: [...this.netInodes],
      processes: [...this.seen.values()],
      outsideFiles: [...this.shimSockets],
      leftovers,
    };
  }

  async setUpNamespaces(): Promise<void> {
    for (const name of [this.hostNs, this.externalNs]) {
      await addNetns(name);
      this.namespaces.push(name);
      this.netInodes.add(await namespaceInode(netnsPath(name)));
      await ipIn(name, ['link', 'set', 'lo', 'up']);
      // No duplicate address detection on the lab's own links: addresses are usable at once.
      await writeSysctls(name, this.tools.busybox, { 'net.ipv6.conf.all.accept_dad': '0', 'net.ipv6.conf.default.accept_dad': '0' });
    }
    const { link } = this;
    // Created inside the host namespace and moved straight into the external one: never in the machine's namespace.
    await ipIn(this.hostNs, ['link', 'add', link.interfaceName, 'type', 'veth', 'peer', 'name', link.interfaceName, 'netns', this.externalNs]);
    const sides: [string, string, string | undefined][] = [
      [this.hostNs, link.host4, link.host6],
      [this.externalNs, link.external4, link.external6],
    ];
    for (const [ns, v4, v6] of sides) {
      await ipIn(ns, ['addr', 'add', `${v4}/${link.prefix4}`, 'dev', link.interfaceName]);
      if (v6) await ipIn(ns, ['-6', 'addr', 'add', `${v6}/${link.prefix6}`, 'dev', link.interfaceName]);
      await ipIn(ns, ['link', 'set', link.interfaceName, 'up']);
    }
    // The external host doubles as the Docker host's upstream router.
    await ipIn(this.hostNs, ['route', 'add', 'default', 'via', link.external4]);
    if (link.external6) await ipIn(this.hostNs, ['-6', 'route', 'add', 'default', 'via', link.external6]);
  }

  async startExternalServer(): Promise<void> {
    const www = join(this.runDir, 'external-www');
    await mkdir(join(www, 'cgi-bin'), { recursive: true });
    await writeFile(join(www, 'cgi-bin', 'who'), '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "external $REMOTE_ADDR"\n', { mode: 0o755 });
    const server = await spawnTracked('external-httpd', 'nsenter', [`--net=${this.externalNsPath}`, this.tools.busybox, 'httpd', '-f', '-p', '80', '-h', www], {
      logFile: join(this.runDir, 'external-httpd.log'),
    });
    this.remember(server);
  }

  async createNetworks(): Promise<void> {
    const engine = this.engineOrThrow;
    for (const network of this.scenario.networks ?? []) {
      const args = ['network', 'create', '--driver', 'bridge'];
      if (network.subnet) args.push('--subnet', network.subnet);
      if (network.gateway) args.push('--gateway', network.gateway);
      if (network.ipv6) args.push('--ipv6');
      if (network.subnetV6) args.push('--subnet', network.subnetV6);
      if (network.internal) args.push('--internal');
      for (const [key, value] of Object.entries(network.options ?? {})) args.push('-o', `${key}=${value}`);
      args.push(network.name);
      await engine.cli(args);
    }
    await this.refreshNetworks();
  }

  async refreshNetworks(): Promise<void> {
    const names = [DEFAULT_NETWORK, ...(this.scenario.networks ?? []).map((n) => n.name)];
    const result = await this.engineOrThrow.cli(['network', 'inspect', ...names]);
    this.networks = JSON.parse(result.stdout) as DockerNetworkInspect[];
  }

  async routeContainerSubnets(): Promise<void> {
    if (this.scenario.external?.routeContainerSubnets === false) return;
    for (const network of this.networks) {
      const { v4, v6 } = subnetsOf(network);
      if (v4) await ipIn(this.externalNs, ['route', 'replace', v4, 'via', this.link.host4]);
      if (v6 && this.link.host6) await ipIn(this.externalNs, ['-6', 'route', 'replace', v6, 'via', this.link.host6]);
    }
  }

  async inspectContainer(name: string): Promise<DockerContainerInspect> {
    const result = await this.engineOrThrow.cli(['inspect', '--type', 'container', name]);
    const [inspect] = JSON.parse(result.stdout) as DockerContainerInspect[];
    if (!inspect) throw new Error(`docker inspect ${name}: empty answer`);
    return inspect;
  }

  async startContainer(spec: ContainerSpec): Promise<void> {
    const engine = this.engineOrThrow;
    const networks = spec.networks ?? [DEFAULT_NETWORK];
    const ports = serverPorts(spec);
    const extraTcp = ports.tcp.filter((p) => p !== 80);
    const args = ['create', '--name', spec.name, '--hostname', spec.name, '-e', `LAB_NAME=${spec.name}`, '-e', `LAB_TCP_PORTS=${extraTcp.join(' ')}`];
    args.push('--network', networks[0] as string);
    for (const publish of spec.publish ?? []) args.push('-p', publish);
    args.push(LAB_IMAGE);
    this.log(`container ${spec.name}`);
    await engine.cli(args);
    for (const network of networks.slice(1)) await engine.cli(['network', 'connect', network, spec.name]);
    await engine.cli(['start', spec.name]);

    const inspect = await this.inspectContainer(spec.name);
    if (!inspect.State.Running || !inspect.State.Pid) throw new Error(`container ${spec.name} is not running`);
    // Not added to netInodes: once the container is gone its namespace inode may be
    // reused by another lab's new container. Its processes are found by cgroup instead.
    const nsPath = `/proc/${inspect.State.Pid}/ns/net`;
    const attachments: Attachment[] = networks.map((network) => {
      const settings = inspect.NetworkSettings.Networks[network];
      const attachment: Attachment = { network };
      if (settings?.IPAddress) attachment.ipv4 = settings.IPAddress;
      if (settings?.GlobalIPv6Address) attachment.ipv6 = settings.GlobalIPv6Address;
      return attachment;
    });
    const bindings: PortBinding[] = [];
    for (const [key, hostBindings] of Object.entries(inspect.NetworkSettings.Ports ?? {})) {
      const [port, proto] = key.split('/');
      for (const binding of hostBindings ?? []) {
        bindings.push({ containerPort: Number(port), proto: proto as Proto, hostIp: binding.HostIp, hostPort: Number(binding.HostPort) });
      }
    }
    const servers: TrackedProcess[] = [];
    for (const port of ports.udp) {
      let ready: () => void = () => undefined;
      const readyPromise = new Promise<void>((resolve) => (ready = resolve));
      const server = await spawnTracked(
        `udp-server ${spec.name}:${port}`,
        'nsenter',
        [`--net=${nsPath}`, this.tools.node, this.tools.udpHelper, 'server', String(port), spec.name],
        { onStdoutLine: (line) => line === 'ready' && ready() },
      );
      this.remember(server);
      servers.push(server);
      const started = await within(Promise.race([readyPromise.then(() => true), server.exited.then(() => false)]), 10_000, false);
      if (!started) throw new Error(`UDP server ${spec.name}:${port} did not start`);
    }
    this.udpServers.set(spec.name, servers);
    this.containers.push({ name: spec.name, nsPath, attachments, tcpPorts: ports.tcp, udpPorts: ports.udp, bindings });
  }

  async removeContainer(name: string): Promise<void> {
    const index = this.containers.findIndex((c) => c.name === name);
    const container = this.containers[index];
    if (!container) throw new Error(`no container ${name}`);
    for (const server of this.udpServers.get(name) ?? []) await stopTracked(server, 2_000);
    await this.engineOrThrow.cli(['rm', '-f', name]);
    this.containers.splice(index, 1);
    this.removed.push({ name, attachments: container.attachments });
  }

  resolvePlaceholders(word: string): string {
    let out = word;
    for (const p of placeholdersIn(word)) {
      out = out.replace(p.text, this.placeholderValue(p.kind, p.name, p.network, p.text));
    }
    return out;
  }

  placeholderValue(kind: string, name: string | undefined, network: string | undefined, text: string): string {
    const fail = (why: string): never => {
      throw new Error(`cannot substitute ${text}: ${why}`);
    };
    const link = this.link;
    switch (kind) {
      case 'hostAddress':
        return link.host4;
      case 'externalAddress':
        return link.external4;
      case 'hostAddress6':
        return link.host6 ?? fail('the link has no IPv6');
      case 'externalAddress6':
        return link.external6 ?? fail('the link has no IPv6');
      case 'ip':
      case 'ip6': {
        const attachments = [...this.containers, ...this.removed].find((c) => c.name === name)?.attachments ?? fail('unknown container');
        const attachment = network ? attachments.find((a) => a.network === network) : attachments[0];
        const address = kind === 'ip' ? attachment?.ipv4 : attachment?.ipv6;
        return address ?? fail('no such address');
      }
      default: {
        const inspect = this.networks.find((n) => n.Name === name) ?? fail('unknown network');
        const subnets = subnetsOf(inspect);
        if (kind === 'bridge') return bridgeName(inspect);
        if (kind === 'subnet') return subnets.v4 ?? fail('no IPv4 subnet');
        if (kind === 'subnet6') return subnets.v6 ?? fail('no IPv6 subnet');
        if (kind === 'gateway') return subnets.gateway4 ?? fail('no gateway');
        return fail('unknown placeholder');
      }
    }
  }

  async applyEdit(edit: EditSpec): Promise<void> {
    const note = edit.note === undefined ? {} : { note: edit.note };
    if ('iptables' in edit || 'ip6tables' in edit) {
      const command = 'iptables' in edit ? 'iptables' : 'ip6tables';
      const argv = ('iptables' in edit ? edit.iptables : edit.ip6tables).map((word) => this.resolvePlaceholders(word));
      this.log(`edit: ${command} ${argv.join(' ')}`);
      await inNetnsOk(this.hostNsPath, command, argv, { timeoutMs: 30_000 });
      this.edits.push({ action: command, ...note, argv });
    } else if ('removeContainer' in edit) {
      await this.removeContainer(edit.removeContainer);
      this.edits.push({ action: 'removeContainer', ...note, container: edit.removeContainer });
    } else if ('addContainer' in edit) {
      await this.startContainer(edit.addContainer);
      this.edits.push({ action: 'addContainer', ...note, container: edit.addContainer.name });
    } else {
      this.checkBridgeSysctls(edit.sysctl);
      await writeSysctls(this.hostNs, this.tools.busybox, edit.sysctl);
      this.edits.push({ action: 'sysctl', ...note, sysctl: edit.sysctl });
    }
  }

  checkBridgeSysctls(sysctls: Record<string, string>): void {
    if (Object.keys(sysctls).some((k) => k.startsWith('net.bridge.')) && !kernelAtLeast(5, 3)) {
      throw new Error('net.bridge.* sysctls are global before Linux 5.3; refusing to write them');
    }
  }

  async interfaceSysctlKeys(): Promise<string[]> {
    const result = await inNetnsOk(this.hostNsPath, 'ip', ['-j', 'link', 'show']);
    const names = (JSON.parse(result.stdout) as { ifname: string }[]).map((l) => l.ifname).filter((n) => !n.startsWith('veth'));
    return names.flatMap((n) => [`net.ipv4.conf.${n}.route_localnet`, `net.ipv4.conf.${n}.forwarding`]);
  }
}

function defaultLog(): (message: string) => void {
  return () => undefined;
}

async function teardown(lab: LabRun): Promise<string[]> {
  const problems: string[] = [];
  const step = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  const footprint = { netInodes: lab.netInodes, cgroupName: lab.cgroupName, runDir: lab.runDir };
  const shimSockets = lab.shimSockets;
  const noteSeen = async (): Promise<void> => {
    for (const p of await findRunProcesses(footprint)) {
      lab.seen.set(`${p.pid}/${p.startTime}`, { pid: p.pid, startTime: p.startTime, label: p.cmdline.slice(0, 120) });
      const socket = shimSocketPath(p.cmdline, join(lab.runDir, 'containerd.sock'));
      if (socket) shimSockets.add(socket);
    }
  };
  await step('list processes', noteSeen);
  const engine = lab.engine;
  if (engine && engine.dockerd.child.exitCode === null) {
    await step('remove containers', async () => {
      const ids = (await engine.cli(['ps', '-aq'], { timeoutMs: 30_000 })).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await engine.cli(['rm', '-f', ...ids], { timeoutMs: 60_000 });
    });
  }
  if (engine) await step('stop engine', () => engine.stop());
  await step('stop helpers', async () => {
    for (const process of lab.tracked) await stopTracked(process, 2_000);
  });
  await step('kill leftovers', async () => {
    await noteSeen();
    for (const pid of await thawAndListCgroupPids(lab.cgroupName)) {
      const startTime = await processStartTime(pid);
      if (startTime !== undefined && !lab.seen.has(`${pid}/${startTime}`)) lab.seen.set(`${pid}/${startTime}`, { pid, startTime, label: `pid ${pid} in cgroup ${lab.cgroupName}` });
    }
    const seen = [...lab.seen.values()];
    const stillAlive = await Promise.all(seen.map((p) => isSameProcessAlive(p)));
    const alive = await killProcesses(seen.filter((_, i) => stillAlive[i]), 20_000);
    if (alive.length > 0) throw new Error(`still alive: ${(await Promise.all(alive.map(describeProcess))).join('; ')}`);
  });
  const keepLogs = process.env.IPTLINT_LAB_KEEP_LOGS;
  if (keepLogs) {
    await step('keep logs', async () => {
      const target = join(keepLogs, `${lab.scenario.name}-${lab.runId}`);
      await mkdir(target, { recursive: true });
      for (const log of ['dockerd.log', 'containerd.log', 'external-httpd.log']) {
        if (existsSync(join(lab.runDir, log))) await copyFile(join(lab.runDir, log), join(target, log));
      }
    });
  }
  await step('remove shim sockets', () => removeFiles(shimSockets));
  await step('unmount', () => unmountUnder(lab.runDir));
  for (const ns of [lab.hostNs, lab.externalNs]) await step(`delete namespace ${ns}`, () => deleteNetns(ns));
  await step('remove cgroups', () => removeCgroups(lab.cgroupName));
  await step('remove run directory', () => rm(lab.runDir, { recursive: true, force: true }));
  return [...problems, ...(await verifyCleanup(lab.trace()))];
}

/**
 * containerd shims listen on /run/containerd/s/sha256(ADDRESS/NAMESPACE/ID)
 * whatever containerd's state dir; a killed shim leaves its socket behind.
 */
export function shimSocketPath(cmdline: string, containerdAddress: string): string | undefined {
  const words = cmdline.split(' ');
  if (!words[0]?.includes('containerd-shim')) return undefined;
  const arg = (flag: string): string | undefined => {
    const i = words.indexOf(flag);
    return i >= 0 ? words[i + 1] : undefined;
  };
  const [namespace, id, address] = [arg('-namespace'), arg('-id'), arg('-address')];
  if (!namespace || !id || address !== containerdAddress) return undefined;
  return `/run/containerd/s/${createHash('sha256').update(`${address}/${namespace}/${id}`).digest('hex')}`;
}

async function removeFiles(paths: Iterable<string>): Promise<void> {
  for (const path of paths) await rm(path, { force: true });
}

async function mountPointsUnder(dir: string): Promise<string[]> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => !!point && (point === dir || point.startsWith(`${dir}/`)));
}

async function unmountUnder(dir: string): Promise<void> {
  const points = (await mountPointsUnder(dir)).sort((a, b) => b.length - a.length);
  for (const point of points) {
    const result = await run('umount', [point]);
    if (result.code !== 0) await runOk('umount', ['-l', point]);
  }
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Directories named `name` directly under a cgroup hierarchy (v1 controllers or the v2 root). */
async function cgroupDirs(name: string): Promise<string[]> {
  const found: string[] = [];
  if (existsSync(join(CGROUP_ROOT, name))) found.push(join(CGROUP_ROOT, name));
  for (const entry of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
    const candidate = join(CGROUP_ROOT, entry, name);
    if (existsSync(candidate)) found.push(candidate);
  }
  return found;
}

async function removeCgroupTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeCgroupTree(join(dir, entry.name));
  }
  await rmdir(dir);
}

async function cgroupTree(dir: string): Promise<string[]> {
  const dirs = [dir];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) dirs.push(...(await cgroupTree(join(dir, entry.name))));
  }
  return dirs;
}

/**
 * Thaws the run's cgroups (a frozen process ignores SIGKILL until thawed: runc
 * freezes containers while it works on them) and lists the pids they hold.
 */
async function thawAndListCgroupPids(name: string): Promise<number[]> {
  const pids = new Set<number>();
  for (const top of await cgroupDirs(name)) {
    for (const dir of await cgroupTree(top)) {
      await writeFile(join(dir, 'freezer.state'), 'THAWED').catch(() => undefined);
      await writeFile(join(dir, 'cgroup.freeze'), '0').catch(() => undefined);
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of procs.split('\n').filter(Boolean)) pids.add(Number(pid));
    }
  }
  return [...pids];
}

async function removeCgroups(name: string): Promise<void> {
  for (const dir of await cgroupDirs(name)) await removeCgroupTree(dir);
}

/** Everything a run created must be gone: returns what is not. */
export async function verifyCleanup(trace: RunTrace): Promise<string[]> {
  const problems: string[] = [];
  const namespaces = await listNetns();
  for (const ns of namespaces) if (ns.startsWith(`${LAB_PREFIX}${trace.runId}-`)) problems.push(`namespace ${ns} still exists`);
  // A killed process may take a moment to finish exiting on a loaded machine.
  const deadline = Date.now() + 5_000;
  let alive: ProcessIdentity[] = [...trace.processes];
  do {
    const checks = await Promise.all(alive.map((p) => isSameProcessAlive(p)));
    alive = alive.filter((_, i) => checks[i]);
    if (alive.length > 0) await sleep(100);
  } while (alive.length > 0 && Date.now() < deadline);
  for (const p of alive) problems.push(`process ${await describeProcess(p)} still runs`);
  // The namespaces are deleted by now, so their inode numbers may already name someone else's.
  const footprint = { netInodes: new Set<number>(), cgroupName: trace.cgroupName, runDir: trace.runDir };
  for (const p of await findRunProcesses(footprint)) problems.push(`process ${p.pid} (${p.cmdline.slice(0, 100)}) still runs`);
  for (const point of await mountPointsUnder(trace.runDir)) problems.push(`mount ${point} still present`);
  for (const dir of await cgroupDirs(trace.cgroupName)) problems.push(`cgroup ${dir} still present`);
  if (existsSync(trace.runDir)) problems.push(`directory ${trace.runDir} still present`);
  for (const file of trace.outsideFiles) if (existsSync(file)) problems.push(`file ${file} still present`);
  return problems;
}

/** Shared directories dockerd/containerd shims create on first use; removed at the end if we created them. */
const SHARED_RUN_DIRS = ['/run/containerd/s', '/run/containerd', '/run/docker/plugins', '/run/docker'];
const sharedDirsBefore = new Map(SHARED_RUN_DIRS.map((dir) => [dir, existsSync(dir)]));

/**
 * Removes those directories again when empty and no lab runs any more. Only
 * the ones absent before this process's first run, unless `afterSweep`: an
 * abandoned run may have created them before this process started.
 */
export async function cleanUpSharedRunDirs(afterSweep = false): Promise<void> {
  if ((await listNetns()).some((ns) => ns.startsWith(LAB_PREFIX))) return; // another lab is still running
  for (const dir of SHARED_RUN_DIRS) {
    if ((afterSweep || sharedDirsBefore.get(dir) === false) && existsSync(dir)) await rmdir(dir).catch(() => undefined);
  }
}

const OWNER_FILE = 'owner.json';
const RUN_DIR_PATTERN = new RegExp(`^${LAB_PREFIX}([A-Za-z0-9]{6})$`);

/**
 * Cleans up after lab runs whose process died without tearing down (killed
 * test runner, power cut…): only runs whose owner process is gone, found by
 * their run directory or their namespaces. Returns what was swept.
 */
export async function sweepStaleRuns(): Promise<string[]> {
  const swept: string[] = [];
  const ids = new Set<string>();
  for (const entry of await readdir('/tmp').catch(() => [] as string[])) {
    const id = RUN_DIR_PATTERN.exec(entry)?.[1];
    if (id) ids.add(id);
  }
  for (const ns of await listNetns()) {
    const id = new RegExp(`^${LAB_PREFIX}([A-Za-z0-9]{6})-(host|ext)$`).exec(ns)?.[1];
    if (id) ids.add(id);
  }
  for (const id of ids) {
    const runDir = `/tmp/${LAB_PREFIX}${id}`;
    if ([...activeRuns].some((lab) => lab.runId === id)) continue;
    let stale: boolean;
    try {
      const owner = JSON.parse(await readFile(join(runDir, OWNER_FILE), 'utf8')) as { pid: number; startTime: string };
      stale = !(await isSameProcessAlive(owner));
    } catch {
      // No owner file: either the directory is gone (then the run was past its teardown's
      // namespace step and died) or it is being created right now.
      const ageMs = await stat(runDir).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      stale = ageMs > 60_000;
    }
    if (!stale) continue;
    const namespaces = [`${LAB_PREFIX}${id}-host`, `${LAB_PREFIX}${id}-ext`];
    const existing = (await listNetns()).filter((ns) => namespaces.includes(ns));
    const netInodes = new Set<number>();
    for (const ns of existing) netInodes.add(await namespaceInode(netnsPath(ns)).catch(() => -1));
    const cgroupName = `${LAB_PREFIX}${id}`;
    const victims = new Map<string, ProcessIdentity>();
    const shimSockets = new Set<string>();
    for (const p of await findRunProcesses({ netInodes, cgroupName, runDir })) {
      victims.set(`${p.pid}/${p.startTime}`, { pid: p.pid, startTime: p.startTime, label: p.cmdline });
      const socket = shimSocketPath(p.cmdline, join(runDir, 'containerd.sock'));
      if (socket) shimSockets.add(socket);
    }
    for (const pid of await thawAndListCgroupPids(cgroupName)) {
      const startTime = await processStartTime(pid);
      if (startTime !== undefined) victims.set(`${pid}/${startTime}`, { pid, startTime, label: `pid ${pid}` });
    }
    await killProcesses([...victims.values()]);
    await removeFiles(shimSockets);
    await unmountUnder(runDir);
    for (const ns of existing) await deleteNetns(ns);
    await removeCgroups(cgroupName);
    await rm(runDir, { recursive: true, force: true });
    swept.push(`${LAB_PREFIX}${id} (${victims.size} processes, ${existing.length} namespaces)`);
  }
  if (swept.length > 0) await cleanUpSharedRunDirs(true);
  return swept;
}

const activeRuns = new Set<LabRun>();

/** For CLIs: on SIGINT/SIGTERM tear every active run down before exiting. */
export function installSignalCleanup(): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: tearing down ${activeRuns.size} lab run(s)…\n`);
    void Promise.allSettled([...activeRuns].map((lab) => teardown(lab))).then(async () => {
      await cleanUpSharedRunDirs();
      process.exit(130);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function probeSummary(probes: readonly ProbeRecord[]): string {
  const groups = new Map<string, { open: number; blocked: number }>();
  for (const p of probes) {
    const key = p.via === 'published' ? `${p.from.kind}→published` : `${p.from.kind}→${p.to.kind}`;
    const group = groups.get(key) ?? { open: 0, blocked: 0 };
    group[p.result]++;
    groups.set(key, group);
  }
  return [...groups].map(([key, g]) => `${key} ${g.open} open/${g.blocked} blocked`).join('; ');
}

function engineRecord(engine: EngineId): NonNullable<HostInfo['daemon']['engine']> {
  const prepared = preparedEngine(engine);
  if (!prepared) return { id: engine };
  return { id: engine, suite: prepared.suite, packages: prepared.packages.map(({ name, version, sha256 }) => ({ name, version, sha256 })) };
}

/** A capture filed under one engine must come from that engine, whatever PATH or --dockerd said. */
function checkEngineVersion(engine: EngineId, server: string, dockerd: string): void {
  if (!server.startsWith(`${engine}.`)) {
    throw new Error(`engine ${engine} asked for, but ${dockerd} is Docker ${server} (pick the engine with --engine, or a matching --dockerd/--bin-dir)`);
  }
}

/** Runs one scenario end to end. Always tears down; throws LabRunError on failure or leftovers. */
export async function runLab(scenarioFile: Scenario, options: LabOptions = {}): Promise<LabCapture> {
  const engineId = options.engine ?? scenarioEngine(scenarioFile);
  const scenario = withEngine(scenarioFile, engineId);
  const binaries = resolveBinaries({ ...(await engineBinaries(engineId, options.log ?? defaultLog())), ...scenario.daemon?.binaries, ...options.binaries });
  const runDir = await mkdtemp(`/tmp/${LAB_PREFIX}`);
  // Lets a later sweepStaleRuns() tell an abandoned run (owner gone) from a live one.
  await writeFile(join(runDir, OWNER_FILE), `${JSON.stringify({ pid: process.pid, startTime: await processStartTime(process.pid) })}\n`);
  const lab = new LabRun(scenario, runDir, binaries, { ...options, log: options.log ?? defaultLog() });
  activeRuns.add(lab);
  const started = Date.now();
  const timings: Record<string, number> = {};
  const mark = (phase: string, since: number): number => {
    timings[phase] = Date.now() - since;
    return Date.now();
  };
  let capture: Omit<LabCapture, 'trace'> | undefined;
  let failure: unknown;
  try {
    let t = Date.now();
    await lab.setUpNamespaces();
    const beforeSysctls = scenario.host?.sysctlsBeforeDaemon ?? {};
    lab.checkBridgeSysctls(beforeSysctls);
    await writeSysctls(lab.hostNs, lab.tools.busybox, beforeSysctls);
    const sysctlsBefore = await readSysctls(lab.hostNsPath, lab.tools.busybox, CAPTURED_SYSCTLS);
    await lab.startExternalServer();
    t = mark('namespacesMs', t);

    lab.log('starting containerd and dockerd');
    lab.engine = await startEngine({
      runDir,
      hostNsPath: lab.hostNsPath,
      cgroupName: lab.cgroupName,
      binaries,
      flags: scenario.daemon?.flags ?? [],
      onProcess: (p) => lab.remember(p),
    });
    checkEngineVersion(engineId, lab.engine.versions.server, binaries.dockerd);
    await importImage(lab.engine, await buildImageTarball(runDir, lab.tools.busybox));
    t = mark('engineMs', t);

    await lab.createNetworks();
    for (const container of scenario.containers) await lab.startContainer(container);
    await lab.routeContainerSubnets();
    t = mark('containersMs', t);

    for (const edit of scenario.edits ?? []) await lab.applyEdit(edit);
    await lab.refreshNetworks();
    t = mark('editsMs', t);

    // Servers verified up before any probe, so that a slow start never reads as "blocked".
    await Promise.all([
      ...lab.containers.flatMap((c) => c.tcpPorts.map((port) => waitForHttp(lab.tools, c.nsPath, '127.0.0.1', port))),
      waitForHttp(lab.tools, lab.externalNsPath, '127.0.0.1', 80),
      ...[lab.hostNsPath, lab.externalNsPath, ...lab.containers.map((c) => c.nsPath)].map((ns) => waitForIpv6Addresses(ns)),
    ]);
    t = mark('readinessMs', t);

    const engine = lab.engineOrThrow;
    const save = async (command: string): Promise<string> => (await inNetnsOk(lab.hostNsPath, command, [], { timeoutMs: 30_000 })).stdout;
    const [iptables, ip6tables] = [await save('iptables-save'), await save('ip6tables-save')];
    const containerNames = (await engine.cli(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
    const orderedNames = [
      ...lab.containers.map((c) => c.name).filter((n) => containerNames.includes(n)),
      ...containerNames.filter((n) => !lab.containers.some((c) => c.name === n)).sort(),
    ];
    const networkIds = (await engine.cli(['network', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    const networksInspected = JSON.parse((await engine.cli(['network', 'inspect', ...networkIds])).stdout) as DockerNetworkInspect[];
    const networkOrder = ['bridge', 'host', 'none', ...(scenario.networks ?? []).map((n) => n.name)];
    networksInspected.sort((a, b) => networkOrder.indexOf(a.Name) - networkOrder.indexOf(b.Name));
    const networksJson = `${JSON.stringify(networksInspected, null, 4)}\n`;
    const containersJson = orderedNames.length > 0 ? `${JSON.stringify(JSON.parse((await engine.cli(['inspect', '--type', 'container', ...orderedNames])).stdout), null, 4)}\n` : '[]\n';
    const sysctlsAtCapture = await readSysctls(lab.hostNsPath, lab.tools.busybox, [...CAPTURED_SYSCTLS, ...(await lab.interfaceSysctlKeys())]);
    const [addrs, routes4, routes6] = await Promise.all([
      inNetnsOk(lab.hostNsPath, 'ip', ['-j', 'addr', 'show']),
      inNetnsOk(lab.hostNsPath, 'ip', ['-j', '-4', 'route', 'show', 'table', 'all']),
      inNetnsOk(lab.hostNsPath, 'ip', ['-j', '-6', 'route', 'show', 'table', 'all']),
    ]);
    const versionOf = async (command: string, args: string[]): Promise<string> => {
      const result = await run(command, args);
      return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? '';
    };
    const versions = {
      docker: engine.versions,
      iptables: await versionOf('iptables', ['--version']),
      ip6tables: await versionOf('ip6tables', ['--version']),
      kernel: release(),
      busybox: (await versionOf(lab.tools.busybox, ['--help'])).replace(/ multi-call binary\.?$/, ''),
      iproute2: await versionOf('ip', ['-V']),
      node: process.version,
    };
    t = mark('captureMs', t);

    lab.log(`probing (${planProbes(probeWorld(lab)).length} probes)`);
    const probes = await runProbes(probeWorld(lab));
    t = mark('probesMs', t);
    if (options.whileUp) await options.whileUp({ hostNsPath: lab.hostNsPath, dockerSocket: engine.socket });

    capture = {
      scenario,
      iptables,
      ip6tables,
      networksJson,
      containersJson,
      probes,
      host: {
        scenario: scenario.name,
        capturedAt: new Date().toISOString(),
        versions,
        daemon: { flags: scenario.daemon?.flags ?? [], binaries, engine: engineRecord(engineId) },
        link: lab.link,
        externalRoutesContainerSubnets: scenario.external?.routeContainerSubnets !== false,
        sysctls: { beforeDaemon: sysctlsBefore, atCapture: sysctlsAtCapture },
        bridgeNetfilter: {
          perNetns: kernelAtLeast(5, 3),
          basis: `kernel ${release()}: net.bridge.bridge-nf-call-* are per network namespace since Linux 5.3`,
        },
        edits: lab.edits,
        removedContainers: lab.removed,
        interfaces: JSON.parse(addrs.stdout) as unknown,
        routes: { ipv4: JSON.parse(routes4.stdout) as unknown, ipv6: JSON.parse(routes6.stdout) as unknown },
        timingsMs: timings,
      },
    };
  } catch (error) {
    failure = error;
  }
  const teardownStarted = Date.now();
  let leftovers: string[];
  try {
    leftovers = await teardown(lab);
  } finally {
    activeRuns.delete(lab);
  }
  await cleanUpSharedRunDirs();
  timings.teardownMs = Date.now() - teardownStarted;
  timings.totalMs = Date.now() - started;
  const trace = lab.trace(leftovers);
  if (failure !== undefined || leftovers.length > 0) {
    const parts = [];
    if (failure !== undefined) parts.push(`lab run for ${scenario.name} failed: ${(failure as Error).message ?? String(failure)}`);
    if (leftovers.length > 0) parts.push(`cleanup left: ${leftovers.join('; ')}`);
    throw new LabRunError(parts.join('\n'), trace, failure);
  }
  if (!capture) throw new LabRunError(`lab run for ${scenario.name} produced nothing`, trace);
  return { ...capture, trace };
}

function probeWorld(lab: LabRun) {
  return {
    containers: lab.containers,
    hostNsPath: lab.hostNsPath,
    externalNsPath: lab.externalNsPath,
    link: lab.link,
    tools: lab.tools,
    extraHostPorts: (lab.scenario.probeHostPorts ?? []).map((p) => ({ port: p.port, proto: p.proto ?? ('tcp' as const) })),
    ...(lab.options.probeConcurrency !== undefined ? { concurrency: lab.options.probeConcurrency } : {}),
  };
}

