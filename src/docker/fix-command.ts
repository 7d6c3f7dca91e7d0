/**
 * Fix hints as the exact iptables/ip6tables command to run. Users paste them
 * into a shell, and their words come from untrusted dumps and state files
 * (a comment `$(reboot)`, a bridge named `a;b`), so every word is quoted for
 * the shell unless it is plainly inert.
 */
import type { Family } from '../../grammar/ast.js';
import type { Rule } from '../model/types.js';
import { ruleSpecWords } from './model-access.js';

const INERT_WORD = /^[A-Za-z0-9_@%+=:,.\/-]+$/;
/** `<subnet>`: a value iptlint cannot know, left for the user to replace before running the command. */
const FILL_IN = /^<[a-z][a-z0-9-]*>$/;

/** One argv word as a POSIX shell reads it back unchanged: bare when inert, else in single quotes. */
export function shellWord(word: string): string {
  if (word === '!' || INERT_WORD.test(word) || FILL_IN.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function shellWords(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}

export function iptablesCommand(family: Family): string {
  return family === 'ipv6' ? 'ip6tables' : 'iptables';
}

/** Port ranges are kept as `80-90` internally; `--dport` wants `80:90`. */
function displayPorts(text: string): string {
  return text.replace(/(--[ds]port) (\d+)-(\d+)/g, '$1 $2:$3');
}

/**
 * `-A CHAIN spec` → `iptables -t T -A CHAIN spec`; `insertAt` turns it into `-I CHAIN N spec`.
 * The rule is a Docker template's text (no quoting, split on blanks) or a dump rule's words.
 */
export function addRuleCommand(family: Family, table: string, rule: string | readonly string[], insertAt?: number): string {
  const words = typeof rule === 'string' ? displayPorts(rule.trim()).split(/\s+/) : rule;
  if (insertAt === undefined) return `${iptablesCommand(family)} -t ${table} ${shellWords(words)}`;
  const [, chain = '', ...rest] = words;
  return `${iptablesCommand(family)} -t ${table} -I ${shellWord(chain)} ${insertAt} ${shellWords(rest)}`.trimEnd();
}

export function deleteRuleCommand(family: Family, rule: Rule): string {
  return `${iptablesCommand(family)} -t ${shellWord(rule.table)} -D ${shellWord(rule.chain)} ${shellWords(ruleSpecWords(rule))}`.trimEnd();
}

/** `iptables -t T -R CHAIN N spec`: replace rule N of CHAIN with `specWords`. */
export function replaceRuleCommand(family: Family, table: string, chain: string, number: number, specWords: readonly string[]): string {
  return `${iptablesCommand(family)} -t ${shellWord(table)} -R ${shellWord(chain)} ${number} ${shellWords(specWords)}`.trimEnd();
}

export function newChainCommand(family: Family, table: string, chain: string): string {
  return `${iptablesCommand(family)} -t ${table} -N ${shellWord(chain)}`;
}

export function policyCommand(family: Family, chain: string, policy: string): string {
  return `${iptablesCommand(family)} -t filter -P ${shellWord(chain)} ${shellWord(policy)}`;
}
