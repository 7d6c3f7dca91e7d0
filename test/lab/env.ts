/**
 * Can this machine run the lab? Root, network namespaces, the engine
 * binaries, iptables, busybox and bridge netfilter.
 */
import { existsSync } from 'node:fs';
import { resolveBinaries, whichSync } from './docker.js';
import type { BinariesSpec } from './scenario.js';

export interface LabAvailability {
  ok: boolean;
  problems: string[];
}

export async function checkLabAvailability(binaries: BinariesSpec = {}, busybox = '/usr/bin/busybox'): Promise<LabAvailability> {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push(`not Linux (${process.platform})`);
  if (process.getuid?.() !== 0) problems.push('not running as root');
  if (!existsSync('/proc/self/ns/net')) problems.push('no network namespaces (/proc/self/ns/net missing)');
  for (const tool of ['ip', 'nsenter', 'iptables', 'iptables-save', 'ip6tables', 'ip6tables-save', 'tar', 'umount']) {
    if (!whichSync(tool)) problems.push(`${tool} not found on PATH`);
  }
  const resolved = resolveBinaries(binaries);
  for (const [what, path] of [
    ['dockerd', resolved.dockerd],
    ['containerd', resolved.containerd],
    ['docker client', resolved.client],
  ] as const) {
    if (!path.startsWith('/') || !existsSync(path)) problems.push(`${what} not found (${path})`);
  }
  const runtimePath = [resolved.dir, process.env.PATH].filter(Boolean).join(':');
  for (const tool of ['runc', 'containerd-shim-runc-v2']) {
    if (!whichSync(tool, runtimePath)) problems.push(`${tool} not found`);
  }
  if (!existsSync(busybox)) problems.push(`static busybox not found at ${busybox} (apt-get install busybox-static)`);
  if (!existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) {
    problems.push('bridge netfilter missing (modprobe br_netfilter): icc=false could not be observed');
  }
  if (!existsSync('/sys/fs/cgroup')) problems.push('no cgroup filesystem at /sys/fs/cgroup');
  return { ok: problems.length === 0, problems };
}
