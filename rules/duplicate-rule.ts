import { endsChainUnconditionally } from '../src/model/actions.js';
import { ruleKey } from '../src/model/rule-key.js';
import type { Rule } from '../src/model/types.js';
import type { LintRule } from '../src/engine/types.js';
import { namePatternMatcher } from './lib/name-pattern.js';
import { commandText } from './lib/text.js';

const rule: LintRule = {
  meta: {
    id: 'duplicate-rule',
    severity: 'warning',
    category: 'redundancy',
    docs: {
      description: 'The same rule (same conditions, target and options; comments aside) appears twice in one chain.',
      rationale:
        'The second copy can never change the outcome of a terminating rule and doubles the work (and log lines) of a non-terminating one. Duplicates usually come from a script or a daemon that appends its rules again on every restart instead of checking first (`-C`), and they grow without bound.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\n-A INPUT -p udp -m udp --dport 53 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\n-A INPUT -p udp -m udp --dport 53 -j ACCEPT\nCOMMIT\n',
    },
    options: {
      ignoreComments: {
        schema: { type: 'boolean' },
        default: true,
        description:
          'Whether two rules that differ only in `-m comment --comment` count as duplicates. Set it to `false` when comments name an owner (a ticket, a team, a tool) and two owners may need the same rule.',
      },
      ignoreChains: {
        schema: { type: 'array', items: { type: 'string', minLength: 1, pattern: '^[^\\s]+$' }, uniqueItems: true },
        default: [],
        description:
          'Chains whose duplicates are not reported, by name or with `*` for any characters (e.g. `["KUBE-*"]`): chains another program manages and rewrites on its own.',
      },
    },
  },
  check(context) {
    const { model } = context;
    const keyOptions = { ignoreComments: context.options['ignoreComments'] === true };
    const ignored = namePatternMatcher(context.options['ignoreChains'] as readonly string[]);
    for (const [tableName, table] of model.tables) {
      for (const chain of table.chains.values()) {
        const rules = chain.rules;
        if (ignored(chain.name) || rules.length < 2) continue;
        // Copies share their target: only rules whose target another rule of the chain also has need a full key.
        const counts = rules.length > SHORT_CHAIN ? targetCounts(rules) : undefined;
        let seen: Map<string, Rule> | undefined;
        for (let i = 0; i < rules.length; i++) {
          const r = rules[i] as Rule;
          if (!hasTwin(rules, i, counts)) continue;
          seen ??= new Map();
          const key = ruleKey(r.command.rule, model.family, keyOptions);
          const first = seen.get(key);
          if (!first) {
            seen.set(key, r);
            continue;
          }
          // After an unconditional terminating copy, unreachable-rule already reports this one.
          if (endsChainUnconditionally(first)) continue;
          context.report({
            message: `rule ${r.index + 1} of chain ${chain.name} (table ${tableName}) duplicates rule ${first.index + 1} on line ${first.span.line}`,
            span: r.span,
            fix: `delete line ${r.span.line}: \`${commandText(r.command)}\``,
            related: [{ message: 'first copy of the rule', span: first.span }],
          });
        }
      }
    }
  },
};

function targetOf(r: Rule): string {
  return r.targetName ?? '';
}

/**
 * Whether another rule of the chain has the same target as rule `i`. Big dumps
 * are made of tens of thousands of short chains: those (no `counts`) are
 * compared pairwise, without a map.
 */
function hasTwin(rules: readonly Rule[], i: number, counts: ReadonlyMap<string, number> | undefined): boolean {
  const target = targetOf(rules[i] as Rule);
  if (counts) return counts.get(target) !== 1;
  for (let j = 0; j < rules.length; j++) if (j !== i && targetOf(rules[j] as Rule) === target) return true;
  return false;
}

function targetCounts(rules: readonly Rule[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rules) counts.set(targetOf(r), (counts.get(targetOf(r)) ?? 0) + 1);
  return counts;
}

const SHORT_CHAIN = 8;

export default rule;
