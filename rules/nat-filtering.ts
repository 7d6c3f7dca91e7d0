import type { LintRule } from '../src/engine/types.js';
import { chainDeclarations, commandLinesOf, ruleLinesWith } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'nat-filtering',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: 'The nat table is used for filtering: `-j DROP` or a DROP policy in nat.',
      rationale:
        'iptables refuses `-j DROP` and `-P … DROP` in nat ("The nat table is not intended for filtering"), so the restore fails. nat only sees the first packet of each connection; a DROP policy there (accepted from a `:` line) silently kills every new connection that no rule translates. Filter in the filter table.',
      bad: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -s 198.51.100.0/24 -j DROP\nCOMMIT\n',
      good: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -s 198.51.100.0/24 -j DROP\nCOMMIT\n',
    },
  },
  check(context) {
    const { model } = context;
    for (const { table, command, chain } of ruleLinesWith(model, { target: ['DROP'] })) {
      const target = command.rule.parts.find((p) => p.kind === 'target');
      if (table !== 'nat' || target?.via !== 'jump' || target.name.text !== 'DROP') continue;
      context.report({
        message: `chain ${chain} of table nat drops packets (-j DROP); iptables refuses DROP in nat ("not intended for filtering")`,
        span: target.name.span,
        fix: `move the rule on line ${command.span.line} to the filter table (or raw PREROUTING to drop before connection tracking)`,
      });
    }
    for (const { table, declaration, name, policy } of chainDeclarations(model)) {
      if (table !== 'nat' || policy !== 'DROP') continue;
      context.report({
        message: `built-in chain ${name} of table nat has policy DROP: every new connection that no nat rule handles is dropped, as nat sees only the first packet of each connection`,
        span: declaration.policy.span,
        fix: `change line ${declaration.span.line} to \`:${name} ACCEPT [0:0]\` and do the filtering in the filter table`,
      });
    }
    for (const { table, command } of commandLinesOf(model, ['policy'])) {
      if (table !== 'nat' || command.command !== 'policy' || command.argument?.text !== 'DROP' || !command.chain) continue;
      context.report({
        message: `-P ${command.chain.text} DROP in table nat: iptables refuses a DROP policy in nat ("not intended for filtering")`,
        span: command.argument.span,
        fix: `change line ${command.span.line} to \`-P ${command.chain.text} ACCEPT\` and do the filtering in the filter table`,
      });
    }
  },
};

export default rule;
