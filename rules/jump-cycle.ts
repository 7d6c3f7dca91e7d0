import { findCycles } from '../src/model/graph.js';
import type { LintRule } from '../src/engine/types.js';
import { commandText } from './lib/text.js';

const rule: LintRule = {
  meta: {
    id: 'jump-cycle',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'User chains jump or go to each other in a loop.',
      rationale:
        'The kernel refuses a table whose jumps form a loop (ELOOP, "Too many levels of symbolic links"): the restore fails and none of the table is loaded. Even where a loop slipped through, a packet on it would never reach a verdict.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -p tcp -j B\n-A B -p udp -j A\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -p tcp -j B\n-A B -p udp -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const tableName of context.model.tables.keys()) {
      for (const cycle of findCycles(context.model, tableName)) {
        const first = cycle.edges[0];
        const closing = cycle.edges[cycle.edges.length - 1];
        if (!first || !closing) continue;
        const path = [...cycle.chains, cycle.chains[0]].join(' → ');
        const span = first.rule.target?.name.span ?? first.rule.span;
        context.report({
          message: `chains ${path} form a loop in table ${tableName}; the kernel rejects a table with a jump loop, so the restore fails`,
          span,
          fix: `break the loop, e.g. delete or retarget line ${closing.rule.span.line}: \`${commandText(closing.rule.command)}\``,
          related: cycle.edges.map((edge) => ({ message: `${edge.from} ${edge.via === 'goto' ? 'goes' : 'jumps'} to ${edge.to} here`, span: edge.rule.span })),
        });
      }
    }
  },
};

export default rule;
