/**
 * Private network namespaces for loading rulesets into the real kernel without
 * touching the host firewall. Every namespace this code creates or deletes is
 * named `iptlint-kfx-…`; commands run through `ip netns exec` with argument
 * arrays (no shell).
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Family } from '../../grammar/ast.js';
import { BACKENDS, type Backend } from './manifest.js';

export const NETNS_PREFIX = 'iptlint-kfx-';

export interface RunResult {
  /** Exit status, or null when the command was killed by a signal. */
  status: number | null;
  stdout: string;
  stderr: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes tool output, refusing invalid UTF-8 so that writing it back is byte-exact. */
function decode(chunks: Buffer[]): string {
  return utf8.decode(Buffer.concat(chunks));
}

function run(command: string, args: readonly string[], input = ''): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (status) => resolve({ status, stdout: decode(stdout), stderr: decode(stderr) }));
    // A tool that fails before reading all its input closes the pipe (EPIPE); its exit status tells why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export function describeFailure(what: string, result: RunResult): string {
  return `${what} failed (exit ${result.status ?? 'by signal'}): ${result.stderr.trim() || result.stdout.trim()}`;
}

async function runChecked(what: string, command: string, args: readonly string[], input?: string): Promise<RunResult> {
  const result = await run(command, args, input);
  if (result.status !== 0) throw new Error(describeFailure(what, result));
  return result;
}

function assertOwnName(name: string): void {
  if (!name.startsWith(NETNS_PREFIX)) throw new Error(`refusing to touch namespace ${name}: not ${NETNS_PREFIX}*`);
}

/** Namespaces created by this process and not deleted yet. */
const live = new Set<string>();
let stopSignal: NodeJS.Signals | undefined;

/**
 * After SIGINT/SIGTERM/SIGHUP no further command runs inside a namespace (it
 * throws instead), so callers unwind through their `finally` blocks and delete
 * their namespaces. Returns the signal that stopped the run, if any.
 */
export function stopOnSignals(): () => NodeJS.Signals | undefined {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopSignal = signal;
    });
  }
  return () => stopSignal;
}

async function createNetns(name: string): Promise<void> {
  assertOwnName(name);
  await runChecked(`ip netns add ${name}`, 'ip', ['netns', 'add', name]);
  live.add(name);
}

export async function listNetns(): Promise<string[]> {
  const { stdout } = await runChecked('ip netns list', 'ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

async function deleteNetns(name: string): Promise<void> {
  assertOwnName(name);
  live.delete(name);
  if ((await listNetns()).includes(name)) await runChecked(`ip netns del ${name}`, 'ip', ['netns', 'del', name]);
}

/** Deletes every namespace this process created and has not deleted yet. */
export async function deleteLiveNetns(): Promise<void> {
  for (const name of [...live]) await deleteNetns(name);
}

/** Creates `name`, runs `body` with it, and deletes it again whatever happens. */
export async function withNetns<T>(name: string, body: (ns: string) => Promise<T>): Promise<T> {
  await createNetns(name);
  try {
    return await body(name);
  } finally {
    await deleteNetns(name);
  }
}

function netnsExec(ns: string, command: string, args: readonly string[]): string[] {
  if (stopSignal) throw new Error(`stopped by ${stopSignal}`);
  return ['netns', 'exec', ns, command, ...args];
}

export async function runIn(ns: string, command: string, args: readonly string[], input?: string): Promise<RunResult> {
  return run('ip', netnsExec(ns, command, args), input);
}

export async function runInChecked(ns: string, command: string, args: readonly string[], input?: string): Promise<RunResult> {
  return runChecked(`${command} ${args.join(' ')} in ${ns}`, 'ip', netnsExec(ns, command, args), input);
}

/** Runs a command with stdout and stderr on one file, so their interleaving is what a `2>&1` capture shows. */
export async function runInMerged(ns: string, command: string, args: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), NETNS_PREFIX));
  const file = join(dir, 'out');
  const fd = openSync(file, 'w');
  try {
    const stdio: StdioOptions = ['ignore', fd, fd];
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('ip', netnsExec(ns, command, args), { stdio });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (status !== 0) throw new Error(`${command} ${args.join(' ')} in ${ns} failed (exit ${status ?? 'by signal'})`);
    return decode([readFileSync(file)]);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export type ToolKind = 'restore' | 'save' | 'cli';

/** `iptables-nft-restore`, `ip6tables-legacy-save`, `iptables-nft` … */
export function toolName(family: Family, backend: Backend, kind: ToolKind): string {
  const program = family === 'ipv6' ? 'ip6tables' : 'iptables';
  return kind === 'cli' ? `${program}-${backend}` : `${program}-${backend}-${kind}`;
}

/** Every binary the kernel fixtures need. */
function requiredTools(): string[] {
  const tools = ['ip', 'ipset'];
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const backend of BACKENDS) {
      for (const kind of ['restore', 'save', 'cli'] as const) tools.push(toolName(family, backend, kind));
    }
  }
  return tools;
}

async function isOnPath(tool: string): Promise<boolean> {
  try {
    await run(tool, ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why rulesets cannot be loaded into the kernel here, or undefined when they
 * can: Linux, root, the tools on PATH, and `ip netns add` working.
 */
export async function liveKernelUnavailableReason(probeName: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  const uid = process.getuid?.();
  if (uid !== 0) return `not running as root (uid ${uid ?? 'unknown'})`;
  const found = await Promise.all(requiredTools().map(isOnPath));
  const missing = requiredTools().filter((_, index) => !found[index]);
  if (missing.length > 0) return `not on PATH: ${missing.join(', ')}`;
  try {
    await withNetns(probeName, async () => undefined);
  } catch (error) {
    return `cannot create a network namespace: ${(error as Error).message}`;
  }
  return undefined;
}
