/**
 * Network namespaces for the lab. Everything here acts on namespaces whose
 * name starts with LAB_PREFIX; nothing touches the machine's own namespace.
 */
import { readdir, stat } from 'node:fs/promises';
import { run, runOk, type RunOptions, type RunResult } from './exec.js';

export const LAB_PREFIX = 'iptlint-lab-';
export const NETNS_DIR = '/var/run/netns';

export function netnsPath(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

function assertLabName(name: string): void {
  if (!name.startsWith(LAB_PREFIX) || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`refusing to touch namespace ${JSON.stringify(name)}`);
}

export async function listNetns(): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).sort();
  } catch {
    return [];
  }
}

export async function addNetns(name: string): Promise<void> {
  assertLabName(name);
  await runOk('ip', ['netns', 'add', name]);
}

export async function deleteNetns(name: string): Promise<void> {
  assertLabName(name);
  if ((await listNetns()).includes(name)) await runOk('ip', ['netns', 'delete', name]);
}

/** Inode of a namespace file (/var/run/netns/X or /proc/PID/ns/net): identifies the namespace. */
export async function namespaceInode(path: string): Promise<number> {
  return (await stat(path)).ino;
}

/**
 * Runs a program inside a network namespace. nsenter (unlike `ip netns exec`)
 * leaves the mount namespace alone, so dockerd sees the real cgroup mounts.
 */
export function inNetns(nsPath: string, command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run('nsenter', [`--net=${nsPath}`, command, ...args], options);
}

export function inNetnsOk(nsPath: string, command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return runOk('nsenter', [`--net=${nsPath}`, command, ...args], options);
}

/** `ip` inside a named lab namespace (`ip -n NAME …`). */
export function ipIn(name: string, args: readonly string[]): Promise<RunResult> {
  assertLabName(name);
  return runOk('ip', ['-n', name, ...args]);
}

export function isPerNetnsSysctl(key: string): boolean {
  return /^net\.(ipv4|ipv6|bridge)\.[A-Za-z0-9_.-]+$/.test(key);
}

/** Reads sysctls as seen from inside a namespace; missing keys come back undefined. */
export async function readSysctls(nsPath: string, busybox: string, keys: readonly string[]): Promise<Record<string, string | undefined>> {
  const values = await Promise.all(keys.map((key) => inNetns(nsPath, busybox, ['sysctl', '-n', key], { timeoutMs: 10_000 })));
  return Object.fromEntries(keys.map((key, i) => [key, values[i]?.code === 0 ? values[i]?.stdout.trim() : undefined]));
}

/**
 * Writes sysctls inside a lab namespace. Only per-namespace trees are allowed
 * (net.bridge.* became per-namespace in Linux 5.3; checked by the caller).
 */
export async function writeSysctls(nsName: string, busybox: string, sysctls: Record<string, string>): Promise<void> {
  assertLabName(nsName);
  for (const [key, value] of Object.entries(sysctls)) {
    if (!isPerNetnsSysctl(key)) throw new Error(`sysctl ${key} is not per network namespace`);
    await inNetnsOk(netnsPath(nsName), busybox, ['sysctl', '-w', `${key}=${value}`], { timeoutMs: 10_000 });
  }
}
