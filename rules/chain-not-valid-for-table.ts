import type { Span } from '../grammar/ast.js';
import { builtinChainsOf } from '../src/model/builtins.js';
import type { LintRule } from '../src/engine/types.js';
import { classifyChainName } from './lib/chain-names.js';
import { chainDeclarations, commandLinesOf } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'chain-not-valid-for-table',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'A built-in chain name of another table is declared in this one (`:PREROUTING` in filter, `:FORWARD` in nat).',
      rationale:
        'Each table has its own built-in chains (filter: INPUT FORWARD OUTPUT; nat: PREROUTING INPUT OUTPUT POSTROUTING; raw: PREROUTING OUTPUT). In the wrong table the name is an ordinary user chain that no hook feeds, so its rules never run — and with a policy the restore fails outright. This is almost always a rule block pasted into the wrong `*table`.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.8.0.0/24 -o eth0 -j ACCEPT\nCOMMIT\n',
      good: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.8.0.0/24 -o eth0 -j MASQUERADE\nCOMMIT\n',
    },
  },
  check(context) {
    const report = (table: string, name: string, tables: readonly string[], span: Span): void => {
      context.report({
        message: `table ${table} has no built-in chain ${name} (its built-in chains are ${builtinChainsOf(table).join(', ')}); here ${name} is a user chain that no packet reaches`,
        span,
        fix: `move the declaration on line ${span.line} and the rules of ${name} into the *${tables[0]} block${tables.length > 1 ? ` (or ${tables.slice(1).map((t) => `*${t}`).join(', ')})` : ''}, where ${name} is a built-in chain`,
      });
    };
    for (const { table, declaration, name, policy } of chainDeclarations(context.model)) {
      const kind = classifyChainName(table, name, policy);
      if (kind.kind === 'builtin-of-other-table') report(table, name, kind.tables, declaration.name.span);
    }
    for (const { table, command } of commandLinesOf(context.model, ['new-chain'])) {
      if (command.command !== 'new-chain' || !command.chain) continue;
      const kind = classifyChainName(table, command.chain.text, '-');
      if (kind.kind === 'builtin-of-other-table') report(table, command.chain.text, kind.tables, command.chain.span);
    }
  },
};

export default rule;
