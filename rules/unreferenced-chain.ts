import { builtinChainsOf, tablesWithBuiltin } from '../src/model/builtins.js';
import { incomingEdges } from '../src/model/graph.js';
import type { JumpEdge } from '../src/model/types.js';
import type { LintRule } from '../src/engine/types.js';
import { namePatternMatcher } from './lib/name-pattern.js';
import { plural } from './lib/text.js';

const rule: LintRule = {
  meta: {
    id: 'unreferenced-chain',
    severity: 'info',
    category: 'redundancy',
    docs: {
      description: 'A user chain with rules that no rule of another chain jumps or goes to.',
      rationale:
        'Packets only enter a user chain through `-j`/`-g`. A chain nothing jumps to never sees a packet: its rules look active in the dump but do nothing, which usually means a forgotten hook rule or a leftover from an uninstalled tool.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:SSH - [0:0]\n-A SSH -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:SSH - [0:0]\n-A INPUT -j SSH\n-A SSH -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    },
    options: {
      ignoreChains: {
        schema: { type: 'array', items: { type: 'string', minLength: 1, pattern: '^[^\\s]+$' }, uniqueItems: true },
        default: [],
        description:
          'Chains that are meant to be unreferenced in the dump, by name or with `*` for any characters (e.g. `["f2b-*"]`): chains a daemon such as fail2ban or CrowdSec fills ahead of time and hooks in only while it runs.',
      },
    },
  },
  check(context) {
    const { model } = context;
    const ignored = namePatternMatcher(context.options['ignoreChains'] as readonly string[]);
    for (const [tableName, table] of model.tables) {
      for (const chain of table.chains.values()) {
        // Empty chains do nothing either way (kube-proxy keeps empty canary chains on purpose);
        // chains named like another table's built-in are chain-not-valid-for-table's to report.
        if (chain.builtin || chain.implicit || chain.rules.length === 0 || tablesWithBuiltin(chain.name, tableName).length > 0 || ignored(chain.name)) continue;
        if (jumpedToFromElsewhere(incomingEdges(model, tableName, chain.name), chain.name)) continue;
        const where = chain.declarations[0]?.span ?? chain.createdBy?.span ?? chain.span;
        const rules = chain.rules.length;
        context.report({
          message: `chain ${chain.name} in table ${tableName} is never jumped to, so no packet ever reaches its ${plural(rules, 'rule')}`,
          span: where,
          fix: `add a rule that jumps to it (e.g. \`-A ${builtinChainsOf(tableName)[0] ?? 'INPUT'} -j ${chain.name}\`) where it should apply, or delete the chain (line ${where.line}) and its ${plural(rules, 'rule')}`,
        });
      }
    }
  },
};

function jumpedToFromElsewhere(edges: readonly JumpEdge[], chain: string): boolean {
  for (const edge of edges) if (edge.from !== chain) return true;
  return false;
}

export default rule;
