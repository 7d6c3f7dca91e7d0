// Private network namespaces for running iptables-*-restore safely.
// Every namespace is named iptlint-bench-<pid>-<n>; we delete it in a finally
// and, as a safety net, on exit/SIGINT/SIGTERM. Stale namespaces from crashed
// runs (pid no longer alive) are reaped on first use.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const PREFIX = 'iptlint-bench-';
const live = new Set();
let counter = 0;
let hooked = false;

function ip(...args) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

function hook() {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      cleanupAll();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig] ?? 0));
    });
  }
  reapStale();
}

export function cleanupAll() {
  for (const name of live) {
    try {
      ip('netns', 'del', name);
    } catch {
      /* ignore */
    }
    live.delete(name);
  }
}

function reapStale() {
  let names = [];
  try {
    names = fs.readdirSync('/run/netns');
  } catch {
    return;
  }
  for (const n of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(n);
    if (!m || Number(m[1]) === process.pid) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) ip('netns', 'del', n);
  }
}

/** Can we create namespaces at all (root, iproute2 present)? Returns null or a reason. */
export function netnsUnavailableReason() {
  try {
    const name = createNetns();
    deleteNetns(name);
    return null;
  } catch (e) {
    return String(e.message ?? e);
  }
}

export function createNetns() {
  hook();
  const name = `${PREFIX}${process.pid}-${counter++}`;
  const r = ip('netns', 'add', name);
  if (r.status !== 0) throw new Error(`ip netns add ${name} failed: ${r.stderr.trim()}`);
  live.add(name);
  return name;
}

export function deleteNetns(name) {
  const r = ip('netns', 'del', name);
  live.delete(name);
  if (r.status !== 0) throw new Error(`ip netns del ${name} failed: ${r.stderr.trim()}`);
}

/** Run fn(name) with a fresh namespace that is always deleted afterwards. */
export async function withNetns(fn) {
  const name = createNetns();
  try {
    return await fn(name);
  } finally {
    deleteNetns(name);
  }
}
