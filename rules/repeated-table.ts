import type { LintRule } from '../src/engine/types.js';

const rule: LintRule = {
  meta: {
    id: 'repeated-table',
    severity: 'warning',
    category: 'structure',
    docs: {
      description: 'The same table appears in two `*table … COMMIT` blocks.',
      rationale:
        'iptables-restore (without --noflush) flushes a table and deletes its user chains each time its `*table` line comes, so the second block silently replaces everything the first one set up (only built-in chain policies survive). Two blocks usually mean two files were concatenated.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    for (const diagnostic of context.model.diagnostics) {
      if (diagnostic.kind !== 'table-reopened') continue;
      const first = context.model.tables.get(diagnostic.table)?.blocks[0];
      context.report({
        message: `${diagnostic.message}`,
        span: diagnostic.span,
        fix: `merge the rules of both *${diagnostic.table} blocks into the first one (line ${first?.span.line ?? 1}) and delete this block, or restore with --noflush if appending was intended`,
        ...(first ? { related: [{ message: `first *${diagnostic.table} block`, span: first.header?.span ?? first.span }] } : {}),
      });
    }
  },
};

export default rule;
