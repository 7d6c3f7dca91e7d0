import type { LintRule } from '../src/engine/types.js';
import { protocolNumber } from '../src/model/protocols.js';
import { forEachPart, lineAt } from './lib/commands.js';

/** IPv6 extension headers: `-p` sees only the last header, so these never match (ip6tables warns). */
const IPV6_EXTENSION_HEADERS: ReadonlyMap<number, string> = new Map([
  [43, '-m rt'],
  [44, '-m frag'],
  [51, '-m ah'],
  [60, '-m dst'],
]);

const rule: LintRule = {
  meta: {
    id: 'never-matching-protocol',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: '`! -p all` (no packet has "no protocol"), or in ip6tables `-p` with an IPv6 extension header (routing, fragment, ah, dstopts).',
      rationale:
        'iptables refuses `! -p all` / `! -p 0` ("rule would never match protocol"), so the restore fails. In ip6tables `-p` compares the upper-layer protocol after all extension headers, so `-p ipv6-frag` and friends never match (ip6tables only warns); the rt/frag/ah/dst matches inspect those headers.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT ! -p all -j DROP\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p all -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    const ipv6 = context.model.family === 'ipv6';
    forEachPart(context.model, 'base', ['protocol'], (part, line) => {
      const value = part.values[0];
      const number = value ? protocolNumber(value.text) : null;
      if (!value || number === null) return;
      if (number === 0 && part.negation !== 'none') {
        const { command, chain } = lineAt(context.model, line);
        context.report({
          message: `\`! -p ${value.text}\` in chain ${chain} can never match (every packet has a protocol); iptables rejects the rule`,
          span: part.optionWord.span,
          fix: `on line ${command.span.line}, delete the rule, or drop the \`! -p ${value.text}\` condition if the rule should apply to all packets`,
        });
      } else if (ipv6 && part.negation === 'none' && IPV6_EXTENSION_HEADERS.has(number)) {
        const { command, chain } = lineAt(context.model, line);
        const match = IPV6_EXTENSION_HEADERS.get(number) as string;
        context.report({
          message: `\`-p ${value.text}\` in chain ${chain} never matches: ip6tables compares -p with the protocol after the extension headers, and ${value.text} is an extension header`,
          span: part.optionWord.span,
          severity: 'warning',
          fix: `on line ${command.span.line}, replace \`-p ${value.text}\` with \`${match}\``,
        });
      }
    });
  },
};

export default rule;
