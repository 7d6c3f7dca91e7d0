import { isBuiltinChain } from '../src/model/builtins.js';
import type { LintRule } from '../src/engine/types.js';
import { chainDeclarations, commandLinesOf } from './lib/commands.js';

const VALID = new Set(['ACCEPT', 'DROP']);

const rule: LintRule = {
  meta: {
    id: 'invalid-policy',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'A built-in chain has a policy other than ACCEPT or DROP (`:INPUT REJECT`, `-P INPUT accept`).',
      rationale:
        'Only ACCEPT and DROP (upper case) can be policies; `-` in a declaration leaves the policy unchanged. Anything else makes iptables-restore fail with "Can\'t set policy", so the table is not loaded. REJECT or LOG are targets: they belong in a last rule of the chain, not in its policy.',
      bad: '*filter\n:INPUT REJECT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n',
    },
  },
  check(context) {
    const report = (table: string, chain: string, policy: string, span: Parameters<typeof context.report>[0]['span'], line: number, isDeclaration: boolean): void => {
      const upper = policy.toUpperCase();
      let fix: string;
      if (VALID.has(upper)) fix = `write the policy in capitals: ${upper}`;
      else if (upper === 'REJECT' || upper === 'LOG') fix = `set the policy to DROP and add \`-A ${chain} -j ${upper}\` as the last rule of ${chain}`;
      else fix = `set the policy of ${chain} on line ${line} to ACCEPT or DROP${isDeclaration ? ' (or `-` to leave it unchanged)' : ''}`;
      context.report({
        message: `policy "${policy}" of built-in chain ${chain} in table ${table} is invalid: only ACCEPT and DROP are policies, so iptables-restore fails on this line`,
        span,
        fix,
      });
    };
    for (const { table, declaration, name, policy } of chainDeclarations(context.model)) {
      if (isBuiltinChain(table, name) && policy !== '-' && !VALID.has(policy)) {
        report(table, name, policy, declaration.policy.span, declaration.span.line, true);
      }
    }
    for (const { table, command } of commandLinesOf(context.model, ['policy'])) {
      if (command.command !== 'policy' || !command.chain || !command.argument) continue;
      const policy = command.argument.text;
      if (isBuiltinChain(table, command.chain.text) && !VALID.has(policy)) {
        report(table, command.chain.text, policy, command.argument.span, command.span.line, false);
      }
    }
  },
};

export default rule;
