/** Fix hints as the exact iptables/ip6tables command to run. */
import type { Family } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';
import { ruleSpecText } from './model-access.js';

export function iptablesCommand(family: Family): string {
  return family === 'ipv6' ? 'ip6tables' : 'iptables';
}

/** Port ranges are kept as `80-90` internally; `--dport` wants `80:90`. */
function displayPorts(text: string): string {
  return text.replace(/(--[ds]port) (\d+)-(\d+)/g, '$1 $2:$3');
}

/** `-A CHAIN spec` → `iptables -t T -A CHAIN spec`; `insertAt` turns it into `-I CHAIN N spec`. */
export function addRuleCommand(family: Family, table: string, ruleText: string, insertAt?: number): string {
  const text = displayPorts(ruleText.trim());
  if (insertAt === undefined) return `${iptablesCommand(family)} -t ${table} ${text}`;
  const [, chain = '', ...rest] = text.split(/\s+/);
  return `${iptablesCommand(family)} -t ${table} -I ${chain} ${insertAt} ${rest.join(' ')}`.trimEnd();
}

export function deleteRuleCommand(family: Family, rule: Rule): string {
  return `${iptablesCommand(family)} -t ${rule.table} -D ${rule.chain} ${ruleSpecText(rule)}`.trimEnd();
}

export function newChainCommand(family: Family, table: string, chain: string): string {
  return `${iptablesCommand(family)} -t ${table} -N ${chain}`;
}

export function policyCommand(family: Family, chain: string, policy: string): string {
  return `${iptablesCommand(family)} -t filter -P ${chain} ${policy}`;
}
