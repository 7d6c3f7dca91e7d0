import type { MatchSpec, TargetSpec } from '../grammar/ast.js';
import { EXTENSIONS } from '../grammar/extensions-data.js';
import type { LintRule } from '../src/engine/types.js';
import { forEachPart, lineAt } from './lib/commands.js';

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
    const { model } = context;
    const check = (part: MatchSpec | TargetSpec, mandatory: readonly string[], line: number): void => {
      if (!part.known) return;
      for (const option of mandatory) {
        if (hasOption(part, option)) continue;
        const { table, command, chain } = lineAt(model, line);
        // A target that names a chain of the table is a jump, not the extension.
        if (part.kind === 'target' && model.tables.get(table)?.chains.has(part.name.text)) return;
        const written = part.kind === 'match' ? `-m ${part.name.text}` : `-j ${part.name.text}`;
        context.report({
          message: `\`${written}\` in chain ${chain} lacks its mandatory option --${option}; iptables rejects the rule ("option --${option} must be specified")`,
          span: part.name.span,
          fix: `on line ${command.span.line}, add \`--${option} VALUE\` after \`${written}\``,
        });
      }
    };
    for (const [name, mandatory] of MANDATORY_MATCH) forEachPart(model, 'match', [name], (part, line) => check(part, mandatory, line));
    for (const [name, mandatory] of MANDATORY_TARGET) forEachPart(model, 'target', [name], (part, line) => check(part, mandatory, line));
  },
};

function hasOption(part: MatchSpec | TargetSpec, name: string): boolean {
  for (const option of part.options) if (option.name === name) return true;
  return false;
}

export default rule;
