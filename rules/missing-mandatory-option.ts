import type { Word } from '../grammar/ast.js';
import { EXTENSIONS } from '../grammar/extensions-data.js';
import type { LintRule } from '../src/engine/types.js';
import { ruleLines } from './lib/commands.js';

/** `match:comment` → [`comment`]: only extensions that have mandatory options. */
const MANDATORY = new Map<string, string[]>(
  EXTENSIONS.map((e): [string, string[]] => [`${e.kind}:${e.name}`, e.options.filter((o) => o.mandatory).map((o) => o.name)]).filter(([, options]) => options.length > 0),
);

const rule: LintRule = {
  meta: {
    id: 'missing-mandatory-option',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: 'A match or target lacks an option iptables requires (`-m comment` without `--comment`, `-j DNAT` without `--to-destination`, `-m state` without `--state`…).',
      rationale:
        'iptables refuses such a rule ("option --X must be specified"), so iptables-restore fails and the table is not loaded. In a hand-written file this usually means the option was misspelt or lost when a line was split.',
      bad: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT\nCOMMIT\n',
      good: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.168.1.10:80\nCOMMIT\n',
    },
  },
  check(context) {
    const chains = (table: string): ReadonlyMap<string, unknown> | undefined => context.model.tables.get(table)?.chains;
    for (const { table, command, chain } of ruleLines(context.model)) {
      for (const part of command.rule.parts) {
        if (part.kind === 'base') continue;
        // A target that names a chain of the table is a jump, not the extension.
        if (part.kind === 'target' && chains(table)?.has(part.name.text)) continue;
        const mandatory = MANDATORY.get(`${part.kind}:${part.name.text}`);
        if (!mandatory || !part.known) continue;
        for (const option of mandatory) {
          if (part.options.some((o) => o.name === option)) continue;
          report(part.name, part.kind === 'match' ? `-m ${part.name.text}` : `-j ${part.name.text}`, option);
        }
      }

      function report(name: Word, written: string, option: string): void {
        context.report({
          message: `\`${written}\` in chain ${chain} lacks its mandatory option --${option}; iptables rejects the rule ("option --${option} must be specified")`,
          span: name.span,
          fix: `on line ${command.span.line}, add \`--${option} VALUE\` after \`${written}\``,
        });
      }
    }
  },
};

export default rule;
