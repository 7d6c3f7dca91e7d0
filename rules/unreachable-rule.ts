import { endsChainUnconditionally } from '../src/model/actions.js';
import { actionIndex } from '../src/model/action-index.js';
import type { Chain, Rule } from '../src/model/types.js';
import type { LintRule } from '../src/engine/types.js';
import { commandText } from './lib/text.js';

const rule: LintRule = {
  meta: {
    id: 'unreachable-rule',
    severity: 'warning',
    category: 'redundancy',
    docs: {
      description: 'A rule comes after an unconditional ACCEPT/DROP/REJECT/RETURN/goto (or another terminating target) in the same chain, so no packet ever reaches it.',
      rationale:
        'Rules are tried in order and an unconditional terminating rule ends the chain for every packet. Whatever follows it is dead: the rule you think protects or opens something does nothing. Jumps to user chains are not counted as terminating, since the called chain may return.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n',
    },
  },
  check(context) {
    for (const [tableName, table] of context.model.tables) {
      // Only a rule that can end its chain can shadow the rest: the first such unconditional one per chain.
      let chain: Chain | undefined;
      for (const shadow of actionIndex(context.model, tableName).terminating) {
        if (chain?.name === shadow.chain || !endsChainUnconditionally(shadow)) continue;
        chain = table.chains.get(shadow.chain) as Chain;
        for (let i = shadow.index + 1; i < chain.rules.length; i++) {
          const r = chain.rules[i] as Rule;
          context.report({
            message: `rule ${r.index + 1} of chain ${chain.name} (table ${tableName}) is never reached: rule ${shadow.index + 1} on line ${shadow.span.line} (\`${commandText(shadow.command)}\`) already ends the chain for every packet`,
            span: r.span,
            fix: `move line ${r.span.line} above line ${shadow.span.line}, or delete it: \`${commandText(r.command)}\``,
            related: [{ message: `this rule ends chain ${chain.name} for every packet`, span: shadow.span }],
          });
        }
      }
    }
  },
};

export default rule;
