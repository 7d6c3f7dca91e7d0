import { EXTENSIONS } from '../grammar/extensions-data.js';
import { actionIndex } from '../src/model/action-index.js';
import { STANDARD_VERDICTS } from '../src/model/builtins.js';
import type { LintRule } from '../src/engine/types.js';
import { declarationLine } from './lib/commands.js';
import { closestName, commandText } from './lib/text.js';

const TARGET_NAMES = EXTENSIONS.filter((e) => e.kind === 'target').map((e) => e.name);

const rule: LintRule = {
  meta: {
    id: 'undefined-jump-target',
    severity: 'error',
    category: 'structure',
    docs: {
      description: 'A rule jumps (`-j`) or goes (`-g`) to a chain that does not exist in its table.',
      rationale:
        'iptables-restore refuses the line ("Couldn\'t load target"), so the whole table fails to load and the host keeps whatever ruleset it had before. Chains are per table: a DOCKER chain in nat does not exist for filter rules.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USR\n-A DOCKER-USER -j RETURN\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n',
    },
  },
  check(context) {
    const { model } = context;
    for (const [tableName, table] of model.tables) {
      for (const r of actionIndex(model, tableName).unresolved) {
        const action = r.action;
        if ((action.kind !== 'jump' && action.kind !== 'goto') || !r.target) continue;
        const name = action.chain;
        const flag = action.kind === 'goto' ? '-g' : '-j';
        const candidates = action.kind === 'goto' ? table.chains.keys() : [...table.chains.keys(), ...STANDARD_VERDICTS, ...TARGET_NAMES];
        const suggestion = closestName(name, candidates);
        const elsewhere = [...model.tables.values()].filter((t) => t.name !== tableName && t.chains.has(name)).map((t) => t.name);
        let why = `table ${tableName} has no chain or target named ${name}`;
        if (elsewhere.length > 0) why += ` (a chain ${name} exists in table ${elsewhere.join(', ')}, but chains are per table)`;
        const fix =
          suggestion !== undefined
            ? `change \`${flag} ${name}\` to \`${flag} ${suggestion}\` on line ${r.span.line}`
            : `add \`${declarationLine(name)}\` to the chain declarations of *${tableName}, or change the target of line ${r.span.line}: \`${commandText(r.command)}\``;
        context.report({
          message: `rule ${r.index + 1} of chain ${r.chain} ${action.kind === 'goto' ? 'goes' : 'jumps'} to ${name}, but ${why}; iptables-restore rejects the line and the table is not loaded${suggestion !== undefined ? ` (did you mean ${suggestion}?)` : ''}`,
          span: r.target.name.span,
          fix,
        });
      }
    }
  },
};

export default rule;
