/**
 * Whether bridged traffic passes through iptables on this host: the
 * `net.bridge.bridge-nf-call-iptables` / `-ip6tables` sysctls of the scan's
 * own network namespace. At 0, frames between two containers of one bridge
 * never meet a rule, so `enable_icc=false` and `--icc=false` protect nothing;
 * the packet model needs to know.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Family } from '../../grammar/ast.js';

export interface BridgeNetfilter {
  /** Families whose sysctl could be read: true when bridged traffic meets iptables. */
  brNetfilter: Partial<Record<Family, boolean>>;
  /** What was read, for --verbose. */
  log: string[];
}

const SYSCTL_OF: Record<Family, string> = { ipv4: 'bridge-nf-call-iptables', ipv6: 'bridge-nf-call-ip6tables' };

/** `procSys`: where the sysctls are mounted (`/proc/sys`). */
export function readBridgeNetfilter(procSys: string): BridgeNetfilter {
  const brNetfilter: Partial<Record<Family, boolean>> = {};
  const log: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const path = join(procSys, 'net/bridge', SYSCTL_OF[family]);
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch {
      // No br_netfilter module: Docker loads it when it creates a bridge, so there is nothing to model yet.
      log.push(`net.bridge.${SYSCTL_OF[family]}: not readable (${path}; br_netfilter not loaded), assumed 1`);
      continue;
    }
    if (text !== '0' && text !== '1') {
      log.push(`net.bridge.${SYSCTL_OF[family]}: unexpected value ${JSON.stringify(text.slice(0, 20))}, assumed 1`);
      continue;
    }
    brNetfilter[family] = text === '1';
    log.push(`net.bridge.${SYSCTL_OF[family]} = ${text}`);
  }
  return { brNetfilter, log };
}
