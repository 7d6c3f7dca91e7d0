/**
 * Shape of the extension registry: what iptables-restore needs to know to
 * split a rule's argv into matches and targets (option names, arity,
 * whether `!` is allowed). The data lives in `extensions-data.ts`.
 */
import type { Family } from './ast.js';

export interface OptionDef {
  /** Long name without dashes, as iptables-save prints it (`dport`). */
  name: string;
  /** Other accepted long names (`destination-port`). */
  aliases?: readonly string[];
  /** Number of argument tokens: 0 for flags, 2 for `--tcp-flags MASK COMP` and `--match-set NAME FLAGS`. */
  args: 0 | 1 | 2;
  invertible: boolean;
  /** iptables refuses the rule without this option. */
  mandatory?: boolean;
}

export interface ExtensionDef {
  name: string;
  kind: 'match' | 'target';
  /** Families the extension exists for (libxt_ = both, libipt_ = ipv4, libip6t_ = ipv6). */
  families: readonly Family[];
  options: readonly OptionDef[];
  /** Alias printed instead of the real module (`state` → conntrack, `NOTRACK` → CT). */
  realName?: string;
}
