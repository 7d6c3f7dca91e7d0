import type { LintRule } from '../src/engine/types.js';
import { ruleLinesWith } from './lib/commands.js';

/** IFNAMSIZ (16) includes the terminating NUL. */
const MAX_LENGTH = 15;

const rule: LintRule = {
  meta: {
    id: 'interface-name-too-long',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: `An interface name in \`-i\`/\`-o\` is longer than ${MAX_LENGTH} characters.`,
      rationale:
        'Linux interface names have at most 15 characters. iptables refuses longer ones ("interface name … must be shorter than 16 characters"), so the restore fails — and no real interface could match anyway. Docker bridge names (`br-` + 12 hex digits) are exactly 15.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i br-3f1a2b4c5d6e7f -o eth0 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i br-3f1a2b4c5d6e -o eth0 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const { command, chain } of ruleLinesWith(context.model, { base: ['in-interface', 'out-interface'] })) {
      for (const part of command.rule.parts) {
        if (part.kind !== 'base' || (part.name !== 'in-interface' && part.name !== 'out-interface')) continue;
        const value = part.values[0];
        if (!value || value.text.length <= MAX_LENGTH) continue;
        context.report({
          message: `interface name ${value.text} in chain ${chain} is ${value.text.length} characters long; Linux allows at most ${MAX_LENGTH}, so iptables rejects the rule`,
          span: value.span,
          fix: `on line ${command.span.line}, use the real interface name (\`ip link\` lists them) or a prefix wildcard such as \`${value.text.slice(0, MAX_LENGTH - 1)}+\``,
        });
      }
    }
  },
};

export default rule;
