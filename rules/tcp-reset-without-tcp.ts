import type { LintRule } from '../src/engine/types.js';
import { protocolNumber } from '../src/model/protocols.js';
import { ruleLinesWith } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'tcp-reset-without-tcp',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: '`-j REJECT --reject-with tcp-reset` in a rule that is not restricted to `-p tcp`.',
      rationale:
        'A TCP reset can only answer a TCP segment, so the kernel refuses the rule unless it has `-p tcp` ("TCP_RESET invalid for non-tcp") and the whole table fails to load. Use tcp-reset for TCP and an ICMP type (icmp-port-unreachable, icmp6-port-unreachable) for the rest.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s 203.0.113.0/24 -j REJECT --reject-with tcp-reset\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s 203.0.113.0/24 -p tcp -j REJECT --reject-with tcp-reset\n-A INPUT -s 203.0.113.0/24 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n',
    },
  },
  check(context) {
    for (const { command, chain } of ruleLinesWith(context.model, { target: ['REJECT'] })) {
      const target = command.rule.parts.find((p) => p.kind === 'target');
      if (target?.name.text !== 'REJECT') continue;
      const option = target.options.find((o) => o.name === 'reject-with');
      const value = option?.values[0]?.text.toLowerCase() ?? '';
      if (!option || !(value === 'tcp-reset' || value === 'tcp-rst')) continue;
      const protocol = command.rule.parts.find((p) => p.kind === 'base' && p.name === 'protocol');
      const isTcp = protocol?.kind === 'base' && protocol.negation === 'none' && protocolNumber(protocol.values[0]?.text ?? '') === 6;
      if (isTcp) continue;
      context.report({
        message: `REJECT --reject-with ${value} in chain ${chain} needs \`-p tcp\` in the rule; the kernel refuses it for other protocols, so the table fails to load`,
        span: option.optionWord.span,
        fix: `on line ${command.span.line}, add \`-p tcp\` to the rule and, for other protocols, add a second rule with \`--reject-with icmp-port-unreachable\``,
      });
    }
  },
};

export default rule;
