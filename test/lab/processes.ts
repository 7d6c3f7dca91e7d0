/**
 * Processes the lab starts, and the sweep that finds the ones they started in
 * turn (containerd shims, docker-proxy, container processes). Every kill is
 * by pid, after checking the pid still names the same process (start time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { sleep, within } from './exec.js';

export interface TrackedProcess {
  name: string;
  pid: number;
  startTime: string;
  child: ChildProcess;
  /** Resolves when the process has exited (and been reaped). */
  exited: Promise<void>;
  logFile?: string;
}

export interface ProcessIdentity {
  pid: number;
  startTime: string;
  label: string;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot): tells a pid's reuse apart. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export async function isSameProcessAlive(identity: { pid: number; startTime: string }): Promise<boolean> {
  const startTime = await processStartTime(identity.pid);
  if (startTime !== identity.startTime) return false;
  try {
    const stat = await readFile(`/proc/${identity.pid}/stat`, 'utf8');
    // A zombie (Z) or dying (X) process has exited; only its parent's wait() is missing.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** "PID (label) state S wchan W" for error messages about processes that will not die. */
export async function describeProcess(p: ProcessIdentity): Promise<string> {
  const stat = await readFile(`/proc/${p.pid}/stat`, 'utf8').catch(() => '');
  const state = stat ? stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) : '?';
  const wchan = await readFile(`/proc/${p.pid}/wchan`, 'utf8').catch(() => '?');
  return `${p.pid} (${p.label}) state ${state} wchan ${wchan || '-'}`;
}

/** Starts a long-running process; stdout/stderr go to `logFile` (or are dropped). */
export async function spawnTracked(
  name: string,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; logFile?: string; onStdoutLine?: (line: string) => void } = {},
): Promise<TrackedProcess> {
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const stdout = options.onStdoutLine ? 'pipe' : (logFd ?? 'ignore');
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', stdout, logFd ?? 'ignore'],
  });
  if (logFd !== undefined) closeSync(logFd);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  if (options.onStdoutLine && child.stdout) {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        options.onStdoutLine?.(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
  const tracked: TrackedProcess = { name, pid, startTime: (await processStartTime(pid)) ?? '?', child, exited };
  if (options.logFile) tracked.logFile = options.logFile;
  return tracked;
}

function hasExited(process: TrackedProcess): boolean {
  return process.child.exitCode !== null || process.child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopTracked(process: TrackedProcess, graceMs: number): Promise<void> {
  if (hasExited(process)) return;
  process.child.kill('SIGTERM');
  const stopped = await within(process.exited.then(() => true), graceMs, false);
  if (!stopped && !hasExited(process)) {
    process.child.kill('SIGKILL');
    await within(process.exited, 5_000, undefined);
  }
}

export interface ProcessInfo {
  pid: number;
  startTime: string;
  netInode?: number;
  cgroup: string;
  cmdline: string;
}

async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const [startTime, cgroup, cmdline, netLink] = await Promise.all([
      processStartTime(pid),
      readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => ''),
      readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
      readlink(`/proc/${pid}/ns/net`).catch(() => ''),
    ]);
    if (startTime === undefined) return undefined;
    const info: ProcessInfo = { pid, startTime, cgroup, cmdline: cmdline.replace(/\0/g, ' ').trim() };
    const inode = /^net:\[(\d+)\]$/.exec(netLink)?.[1];
    if (inode !== undefined) info.netInode = Number(inode);
    return info;
  } catch {
    return undefined;
  }
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const infos = await Promise.all(pids.filter((pid) => pid !== process.pid).map(readProcess));
  return infos.filter((info): info is ProcessInfo => info !== undefined);
}

export interface RunFootprint {
  /**
   * Inodes of namespaces only this run uses and that still exist (the host and
   * external ones, pinned by /var/run/netns): a freed namespace's inode number
   * is soon reused by a new namespace — another lab's container, say.
   */
  netInodes: ReadonlySet<number>;
  /** The run's private cgroup-parent name (a path component). */
  cgroupName: string;
  /** The run's private temp directory. */
  runDir: string;
}

/** Processes that can only have been started (directly or not) by this run. */
export async function findRunProcesses(footprint: RunFootprint): Promise<ProcessInfo[]> {
  const all = await listProcesses();
  const mentionsRunDir = new RegExp(`${footprint.runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`);
  return all.filter(
    (p) =>
      (p.netInode !== undefined && footprint.netInodes.has(p.netInode)) ||
      p.cgroup.split('\n').some((line) => line.split('/').includes(footprint.cgroupName)) ||
      mentionsRunDir.test(p.cmdline),
  );
}

/** SIGKILLs the given processes (re-checking each pid's identity) and waits for them to go. */
export async function killProcesses(processes: readonly ProcessIdentity[], waitMs = 10_000): Promise<ProcessIdentity[]> {
  for (const p of processes) {
    if (await isSameProcessAlive(p)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const deadline = Date.now() + waitMs;
  let alive = [...processes];
  while (alive.length > 0 && Date.now() < deadline) {
    const checks = await Promise.all(alive.map((p) => isSameProcessAlive(p)));
    alive = alive.filter((_, i) => checks[i]);
    if (alive.length > 0) await sleep(100);
  }
  return alive;
}
