import { tablesWithBuiltin } from '../src/model/builtins.js';
import type { LintRule } from '../src/engine/types.js';
import { declarationLine } from './lib/commands.js';
import { plural } from './lib/text.js';

const rule: LintRule = {
  meta: {
    id: 'undeclared-chain',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'Rules are added (`-A`/`-I`) to a chain that is never declared (`:NAME - [0:0]` or `-N NAME`) in its table.',
      rationale:
        'iptables-restore only knows built-in chains and the chains declared in the block, so `-A NAME` on anything else fails ("No chain/target/match by that name") and the table is not loaded. It often means the declaration line was lost, or the rules belong to another table.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -j SSH\n-A SSH -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:SSH - [0:0]\n-A INPUT -j SSH\n-A SSH -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const [tableName, table] of context.model.tables) {
      for (const chain of table.chains.values()) {
        if (!chain.implicit) continue;
        const elsewhere = tablesWithBuiltin(chain.name, tableName);
        const count = `${plural(chain.rules.length, 'rule')} ${chain.rules.length === 1 ? 'is' : 'are'}`;
        if (elsewhere.length > 0) {
          context.report({
            message: `chain ${chain.name} is not a built-in chain of table ${tableName} and is not declared there, but ${count} added to it; iptables-restore fails on line ${chain.span.line}`,
            span: chain.span,
            fix: `move the ${chain.name} rules into the *${elsewhere[0]} block, where ${chain.name} is a built-in chain`,
          });
          continue;
        }
        context.report({
          message: `chain ${chain.name} is never declared in table ${tableName}, but ${count} added to it; iptables-restore fails on line ${chain.span.line} ("No chain/target/match by that name")`,
          span: chain.span,
          fix: `add \`${declarationLine(chain.name)}\` to the chain declarations of *${tableName} (before line ${chain.span.line})`,
        });
      }
    }
  },
};

export default rule;
