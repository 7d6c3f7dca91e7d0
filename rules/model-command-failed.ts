import type { ModelDiagnosticKind } from '../src/model/types.js';
import type { LintRule } from '../src/engine/types.js';

const FIXES: Readonly<Record<Exclude<ModelDiagnosticKind, 'table-reopened'>, (chain: string) => string>> = {
  'chain-not-found': (chain) => `declare ${chain} before this line (\`:${chain} - [0:0]\` or \`-N ${chain}\`), fix the chain name, or delete the line`,
  'chain-exists': () => 'delete this line: the chain already exists',
  'rule-not-found': (chain) => `delete this line, or make its specification identical to the rule of ${chain} it should match (\`iptables -S ${chain}\` shows them)`,
  'rule-number-out-of-range': (chain) => `use a rule number that exists in ${chain} at this point, or delete the line`,
  'builtin-chain': () => 'delete this line: built-in chains cannot be deleted or renamed',
  'chain-in-use': (chain) => `delete or retarget the rules that jump to ${chain} before this line`,
  'chain-not-empty': (chain) => `add \`-F ${chain}\` before this line`,
};

const rule: LintRule = {
  meta: {
    id: 'model-command-failed',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'A command line cannot be applied: `-D`/`-R`/`-I` of a rule that is not there, `-X` of a chain still in use, `-N` of an existing chain, `-E`/`-F`/`-P` of a missing chain…',
      rationale:
        'iptables-restore stops at the first command that fails and loads nothing of the table, so one stale `-D` or `-X` line keeps the whole ruleset from being applied. Such lines usually come from scripts replayed against a state they did not expect.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-D INPUT -p tcp -m tcp --dport 23 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT\n-D INPUT -p tcp -m tcp --dport 23 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const diagnostic of context.model.diagnostics) {
      if (diagnostic.kind === 'table-reopened') continue;
      context.report({
        message: `${diagnostic.message}; iptables-restore fails here and loads nothing of table ${diagnostic.table}`,
        span: diagnostic.span,
        fix: `line ${diagnostic.span.line}: ${FIXES[diagnostic.kind](diagnostic.chain ?? 'the chain')}`,
      });
    }
  },
};

export default rule;
