import type { RuleSpec } from '../grammar/ast.js';
import { EXTENSIONS } from '../grammar/extensions-data.js';
import type { LintRule } from '../src/engine/types.js';
import { ruleLinesWith, type RuleLine } from './lib/commands.js';

/** `comment` → [`comment`]: only extensions that have mandatory options, by kind. */
function mandatoryOptions(kind: string): Map<string, string[]> {
  return new Map<string, string[]>(
    EXTENSIONS.filter((e) => e.kind === kind)
      .map((e): [string, string[]] => [e.name, e.options.filter((o) => o.mandatory).map((o) => o.name)])
      .filter(([, options]) => options.length > 0),
  );
}
const MANDATORY_MATCH = mandatoryOptions('match');
const MANDATORY_TARGET = mandatoryOptions('target');

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
    const { tables } = context.model;
    const lines = ruleLinesWith(context.model, { match: MANDATORY_MATCH.keys(), target: MANDATORY_TARGET.keys() });
    for (let l = 0; l < lines.length; l++) {
      const { table, command, chain } = lines[l] as RuleLine;
      const parts = command.rule.parts;
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p] as RuleSpec['parts'][number];
        if (part.kind === 'base') continue;
        const mandatory = (part.kind === 'match' ? MANDATORY_MATCH : MANDATORY_TARGET).get(part.name.text);
        if (!mandatory) continue;
        // A target that names a chain of the table is a jump, not the extension.
        if (part.kind === 'target' && tables.get(table)?.chains.has(part.name.text)) continue;
        if (!part.known) continue;
        for (const option of mandatory) {
          if (part.options.some((o) => o.name === option)) continue;
          const written = part.kind === 'match' ? `-m ${part.name.text}` : `-j ${part.name.text}`;
          context.report({
            message: `\`${written}\` in chain ${chain} lacks its mandatory option --${option}; iptables rejects the rule ("option --${option} must be specified")`,
            span: part.name.span,
            fix: `on line ${command.span.line}, add \`--${option} VALUE\` after \`${written}\``,
          });
        }
      }
    }
  },
};

export default rule;
