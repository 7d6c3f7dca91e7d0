import type { LintRule } from '../src/engine/types.js';
import { ruleLinesWith } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'deprecated-state-match',
    severity: 'warning',
    category: 'deprecation',
    docs: {
      description: '`-m state --state` is used instead of `-m conntrack --ctstate`.',
      rationale:
        'The state match is an obsolete alias kept for compatibility: since iptables 1.4.16 it is implemented by conntrack, and the standalone xt_state module is deprecated. conntrack says the same thing, is what current tools and documentation use, and offers more (--ctstatus, --ctorigdst…). Migrating keeps the ruleset working when the alias goes.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const { command, chain } of ruleLinesWith(context.model, { match: ['state'] })) {
      for (const part of command.rule.parts) {
        if (part.kind !== 'match' || part.name.text !== 'state') continue;
        const options = part.options.map((o) => `${o.negation === 'none' ? '' : '! '}${o.name === 'state' ? '--ctstate' : o.optionWord.raw} ${o.values.map((v) => v.raw).join(' ')}`.trim());
        const written = part.options.map((o) => `${o.negation === 'none' ? '' : '! '}${o.optionWord.raw} ${o.values.map((v) => v.raw).join(' ')}`.trim());
        const from = ['-m state', ...written].join(' ');
        const to = ['-m conntrack', ...options].join(' ');
        context.report({
          message: `rule in chain ${chain} uses the deprecated state match; conntrack does the same and is the supported module`,
          span: part.matchWord?.span ?? part.span,
          fix: `on line ${command.span.line}, replace \`${from}\` with \`${to}\``,
        });
      }
    }
  },
};

export default rule;
