import type { Family } from '../grammar/ast.js';
import type { LintRule } from '../src/engine/types.js';
import { parseAddressPredicate } from '../src/model/predicates.js';
import { forEachPart, lineAt } from './lib/commands.js';

const rule: LintRule = {
  meta: {
    id: 'host-bits-in-address',
    severity: 'warning',
    category: 'correctness',
    docs: {
      description: 'An address in `-s`/`-d` has bits set beyond its prefix length (`-s 10.1.2.3/8`).',
      rationale:
        'iptables clears the host bits, so `-s 10.1.2.3/8` matches all of 10.0.0.0/8 — sixteen million addresses where one host was probably meant (or a /24 mistyped). iptables-save never prints such an address, so this only happens in hand-written files, and the saved ruleset will differ from the file.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s 192.168.1.20/16 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s 192.168.1.20/32 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    const { family } = context.model;
    // Dumps repeat addresses on many rules; most have no host bits, so remember the answer per text.
    const clean = new Set<string>();
    forEachPart(context.model, 'base', ['source', 'destination'], (part, line) => {
      const value = part.values[0];
      if (!value || clean.has(value.text) || hasFullPrefix(value.text, family)) return;
      const address = parseAddressPredicate(value.text, false, family);
      const widened = address.cidrs.filter((cidr) => cidr.hostBitsCleared);
      if (widened.length === 0) {
        clean.add(value.text);
        return;
      }
      const { command, chain } = lineAt(context.model, line);
      const flag = part.name === 'source' ? '-s' : '-d';
      const networks = widened.map((c) => c.text).join(', ');
      const host = family === 'ipv4' ? 32 : 128;
      context.report({
        message: `\`${flag} ${value.text}\` in chain ${chain} has host bits set: iptables clears them, so the rule matches all of ${networks}`,
        span: value.span,
        fix: `on line ${command.span.line}, write \`${flag} ${address.cidrs.map((c) => c.text).join(',')}\` if the whole network is meant, or use /${host} for a single host`,
      });
    });
  },
};

/**
 * A single address without a prefix, or with the full one (`/32`, `/128`),
 * has no bits beyond its prefix: the common case of large dumps, answered
 * without parsing the address.
 */
function hasFullPrefix(text: string, family: Family): boolean {
  if (text.includes(',')) return false;
  const slash = text.indexOf('/');
  const full = family === 'ipv4' ? '/32' : '/128';
  return slash < 0 || (text.length - slash === full.length && text.endsWith(full));
}

export default rule;
