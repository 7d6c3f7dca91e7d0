import type { ChainDeclaration, TableBlock } from '../grammar/ast.js';
import { isBuiltinChain } from '../src/model/builtins.js';
import type { LintRule } from '../src/engine/types.js';
import { chainDeclarations } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'duplicate-chain-declaration',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'The same user chain is declared twice (`:NAME - [0:0]`) in one table block.',
      rationale:
        'Legacy iptables-restore creates a chain for every declaration and fails on the second one ("error creating chain"), so the table is not loaded; iptables-nft tolerates it. Two declarations usually mean two rule sets were pasted together and one of them is stale.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:LOGDROP - [0:0]\n:LOGDROP - [0:0]\n-A INPUT -j LOGDROP\n-A LOGDROP -j DROP\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:LOGDROP - [0:0]\n-A INPUT -j LOGDROP\n-A LOGDROP -j DROP\nCOMMIT\n',
    },
  },
  check(context) {
    // The declarations come block by block, in source order: a duplicate is one within the same block.
    let block: TableBlock | undefined;
    const first = new Map<string, ChainDeclaration>();
    for (const entry of chainDeclarations(context.model)) {
      const { declaration, name, policy } = entry;
      if (entry.block !== block) {
        block = entry.block;
        first.clear();
      }
      // Re-declaring a built-in chain only sets its policy again, which both backends accept.
      if (isBuiltinChain(block.name, name)) continue;
      const earlier = first.get(name);
      if (!earlier) {
        first.set(name, declaration);
        continue;
      }
      context.report({
        message: `chain ${name} is declared again in table ${block.name} (first on line ${earlier.span.line}); legacy iptables-restore fails on the second declaration`,
        span: declaration.span,
        fix: `delete line ${declaration.span.line}: \`:${name} ${policy}${declaration.counters ? ` [${declaration.counters.packets}:${declaration.counters.bytes}]` : ''}\``,
        related: [{ message: `${name} first declared here`, span: earlier.span }],
      });
    }
  },
};

export default rule;
