/**
 * What a chain name in a `:NAME` declaration means for its table: a built-in
 * chain of this table, a built-in of another table (a chain in the wrong
 * table), a misspelt built-in, or an ordinary user chain. The rules about
 * declarations each own one of these cases, so a line gets one finding.
 */
import { builtinChainsOf, isBuiltinChain, isKnownTable, tablesWithBuiltin } from '../../src/model/builtins.js';
import { closestName } from './text.js';

export type ChainNameKind =
  | { kind: 'builtin' }
  | { kind: 'builtin-of-other-table'; tables: readonly string[] }
  | { kind: 'misspelt-builtin'; builtin: string }
  | { kind: 'user' };

export function classifyChainName(table: string, name: string, policy: string): ChainNameKind {
  if (isBuiltinChain(table, name)) return { kind: 'builtin' };
  if (!isKnownTable(table)) return { kind: 'user' };
  const tables = tablesWithBuiltin(name, table);
  if (tables.length > 0) return { kind: 'builtin-of-other-table', tables };
  // Only a declaration with a policy claims to be a built-in chain; `:NAME -` is a user chain by intent.
  if (policy !== '-') {
    const builtin = closestName(name, builtinChainsOf(table));
    if (builtin !== undefined) return { kind: 'misspelt-builtin', builtin };
  }
  return { kind: 'user' };
}
