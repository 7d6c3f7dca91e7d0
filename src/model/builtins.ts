/**
 * Built-in tables and chains (iptables-format.md §2.1, nft `xtables_ipv4[]`).
 */
import type { TableName } from './types.js';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** Built-in chains of each table, in hook order. A built-in chain is named after its hook. */
export const BUILTIN_CHAINS: Readonly<Record<string, readonly Hook[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export const STANDARD_VERDICTS: ReadonlySet<string> = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

export function isKnownTable(table: string): boolean {
  return Object.hasOwn(BUILTIN_CHAINS, table);
}

/** Own keys only: a table named `constructor` or `toString` (a syntax error, still modelled) has no built-in chains. */
export function builtinChainsOf(table: TableName): readonly Hook[] {
  return isKnownTable(table) ? (BUILTIN_CHAINS[table] as readonly Hook[]) : [];
}

/** Every name that is a built-in chain of some table: other names (most of a big dump's) are answered at once. */
const ANY_BUILTIN: ReadonlySet<string> = new Set(Object.values(BUILTIN_CHAINS).flat());

export function isBuiltinChain(table: TableName, chain: string): chain is Hook {
  return ANY_BUILTIN.has(chain) && builtinChainsOf(table).includes(chain as Hook);
}

const NO_TABLES: readonly string[] = Object.freeze([]);

/** Tables (other than `table`) that have a built-in chain named `chain`. */
export function tablesWithBuiltin(chain: string, except?: TableName): readonly string[] {
  if (!ANY_BUILTIN.has(chain)) return NO_TABLES;
  return Object.keys(BUILTIN_CHAINS).filter((t) => t !== except && isBuiltinChain(t, chain));
}
