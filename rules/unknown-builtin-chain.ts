import type { LintRule } from '../src/engine/types.js';
import { classifyChainName } from './lib/chain-names.js';
import { chainDeclarations } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'unknown-builtin-chain',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'A chain declared with a policy is not a built-in chain but is spelt like one (`:FORWRD DROP`, `:input ACCEPT`).',
      rationale:
        'A policy claims the chain is built in, but the name matches none of the table\'s built-in chains, so iptables-restore fails ("Can\'t set policy") and the table is not loaded. Chain names are case-sensitive. Even where it loads, the intended built-in chain keeps its old policy.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWRD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const { table, declaration, name, policy } of chainDeclarations(context.model)) {
      const kind = classifyChainName(table, name, policy);
      if (kind.kind !== 'misspelt-builtin') continue;
      context.report({
        message: `chain ${name} in table ${table} has policy ${policy} but is not a built-in chain (did you mean ${kind.builtin}?); iptables-restore fails on this line`,
        span: declaration.name.span,
        fix: `rename it on line ${declaration.span.line} (and in its rules) to ${kind.builtin}: \`:${kind.builtin} ${policy} [0:0]\``,
      });
    }
  },
};

export default rule;
