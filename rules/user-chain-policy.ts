import type { LintRule } from '../src/engine/types.js';
import { isBuiltinChain } from '../src/model/builtins.js';
import { classifyChainName } from './lib/chain-names.js';
import { chainDeclarations, commandLinesOf } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'user-chain-policy',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'A user-defined chain is given a policy (`:MYCHAIN ACCEPT`, `-P MYCHAIN DROP`).',
      rationale:
        'Only built-in chains have policies. Legacy iptables-restore fails on `:MYCHAIN ACCEPT` ("Can\'t set policy on a user chain") and `-P` on a user chain fails on every backend, so the table is not loaded. A packet that reaches the end of a user chain returns to the calling chain; to make it stop there, end the chain with an explicit rule.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:BLOCKLIST DROP [0:0]\n-A INPUT -j BLOCKLIST\n-A BLOCKLIST -s 203.0.113.0/24 -j DROP\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:BLOCKLIST - [0:0]\n-A INPUT -j BLOCKLIST\n-A BLOCKLIST -s 203.0.113.0/24 -j DROP\nCOMMIT\n',
    },
  },
  check(context) {
    for (const { table, declaration, name, policy } of chainDeclarations(context.model)) {
      if (policy === '-' || classifyChainName(table, name, policy).kind !== 'user') continue;
      context.report({
        message: `user chain ${name} in table ${table} is declared with policy ${policy}, but only built-in chains have policies; legacy iptables-restore fails on this line`,
        span: declaration.policy.span,
        fix: `change line ${declaration.span.line} to \`:${name} - [0:0]\`${policy === 'DROP' || policy === 'ACCEPT' ? ` and, if packets should stop there, end the chain with \`-A ${name} -j ${policy}\`` : ''}`,
      });
    }
    for (const { table, command } of commandLinesOf(context.model, ['policy'])) {
      if (command.command !== 'policy' || !command.chain) continue;
      const name = command.chain.text;
      if (isBuiltinChain(table, name) || !context.model.tables.get(table)?.chains.has(name)) continue;
      context.report({
        message: `-P sets a policy on user chain ${name} in table ${table}, but only built-in chains have policies; iptables rejects this line`,
        span: command.chain.span,
        fix: `delete line ${command.span.line}${command.argument ? ` and end ${name} with \`-A ${name} -j ${command.argument.text}\` if packets should stop there` : ''}`,
      });
    }
  },
};

export default rule;
