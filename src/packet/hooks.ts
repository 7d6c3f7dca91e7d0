/**
 * The netfilter hooks and the tables registered at each, in priority order
 * (include/uapi/linux/netfilter_ipv4.h: raw -300, conntrack -200, mangle -150,
 * nat DNAT -100, filter 0, security 50, nat SNAT 100).
 */
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export const HOOK_TABLES: Readonly<Record<Hook, readonly string[]>> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

/** Hooks where NAT rewrites the destination (and undoes a reply's SNAT). */
export function isDstManipHook(hook: Hook): boolean {
  return hook === 'PREROUTING' || hook === 'OUTPUT';
}

/** Hooks where NAT rewrites the source (and undoes a reply's DNAT). */
export function isSrcManipHook(hook: Hook): boolean {
  return hook === 'POSTROUTING' || hook === 'INPUT';
}
