/**
 * Tables and hooks the kernel allows each target in: the `.table` and `.hooks`
 * fields of its `struct xt_target` (net/netfilter/xt_*.c, net/ipv4/netfilter/ipt_*.c,
 * net/ipv6/netfilter/ip6t_*.c) and table checks done in `checkentry`
 * (SECMARK, CONNSECMARK). A target absent here may be used anywhere.
 */
import type { Hook } from '../../src/model/builtins.js';

export interface TargetRestriction {
  tables?: readonly string[];
  hooks?: readonly Hook[];
}

export const TARGET_RESTRICTIONS: Readonly<Record<string, TargetRestriction>> = {
  MASQUERADE: { tables: ['nat'], hooks: ['POSTROUTING'] },
  SNAT: { tables: ['nat'], hooks: ['POSTROUTING', 'INPUT'] },
  DNAT: { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] },
  REDIRECT: { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] },
  NETMAP: { tables: ['nat'] },
  REJECT: { tables: ['filter'], hooks: ['INPUT', 'FORWARD', 'OUTPUT'] },
  TPROXY: { tables: ['mangle'], hooks: ['PREROUTING'] },
  CT: { tables: ['raw'] },
  NOTRACK: { tables: ['raw'] },
  TRACE: { tables: ['raw'] },
  CHECKSUM: { tables: ['mangle'] },
  DSCP: { tables: ['mangle'] },
  TOS: { tables: ['mangle'] },
  TTL: { tables: ['mangle'] },
  HL: { tables: ['mangle'] },
  ECN: { tables: ['mangle'] },
  TCPOPTSTRIP: { tables: ['mangle'] },
  DNPT: { tables: ['mangle'], hooks: ['PREROUTING', 'OUTPUT'] },
  SNPT: { tables: ['mangle'], hooks: ['INPUT', 'POSTROUTING'] },
  SECMARK: { tables: ['mangle', 'security'] },
  CONNSECMARK: { tables: ['mangle', 'security'] },
  CLASSIFY: { hooks: ['OUTPUT', 'FORWARD', 'POSTROUTING'] },
  SYNPROXY: { hooks: ['INPUT', 'FORWARD'] },
};

/** Where a target may go, as a phrase: `table nat, chains POSTROUTING`. */
export function describeRestriction(restriction: TargetRestriction): string {
  const parts: string[] = [];
  if (restriction.tables) parts.push(`table ${restriction.tables.join(' or ')}`);
  if (restriction.hooks) parts.push(`${restriction.hooks.join('/')} (and user chains reached only from ${restriction.hooks.length === 1 ? 'it' : 'them'})`);
  return parts.join(', ');
}
