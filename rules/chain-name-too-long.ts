import type { Word } from '../grammar/ast.js';
import type { LintRule } from '../src/engine/types.js';
import { chainDeclarations, commandLinesOf } from './lib/commands.js';

/** `XT_EXTENSION_MAXNAMELEN` (29) includes the terminating NUL. */
const MAX_LENGTH = 28;

const rule: LintRule = {
  meta: {
    id: 'chain-name-too-long',
    severity: 'error',
    category: 'structure',
    docs: {
      description: `A chain name is longer than ${MAX_LENGTH} characters.`,
      rationale:
        'Chain names live in a 29-byte kernel field with its terminating NUL. iptables-restore refuses longer names ("Invalid chain name … (28 chars max)"), so the table is not loaded. Chains created with the nft tool can be longer and iptables-nft-save prints them, but such a dump cannot be restored.',
      bad: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:ALLOW-MONITORING-FROM-BACKOFFICE - [0:0]\n-A INPUT -j ALLOW-MONITORING-FROM-BACKOFFICE\nCOMMIT\n',
      good: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:ALLOW-MONITORING - [0:0]\n-A INPUT -j ALLOW-MONITORING\nCOMMIT\n',
    },
  },
  check(context) {
    const report = (table: string, name: Word): void => {
      context.report({
        message: `chain name ${name.text} in table ${table} is ${name.text.length} characters long; iptables accepts at most ${MAX_LENGTH}, so the restore fails`,
        span: name.span,
        fix: `rename ${name.text} to at most ${MAX_LENGTH} characters (e.g. \`${name.text.slice(0, MAX_LENGTH)}\`) here and in every rule that uses it`,
      });
    };
    for (const { table, declaration, name } of chainDeclarations(context.model)) {
      if (name.length > MAX_LENGTH) report(table, declaration.name);
    }
    for (const { table, command } of commandLinesOf(context.model, ['new-chain', 'rename-chain'])) {
      const created = command.command === 'new-chain' ? command.chain : command.command === 'rename-chain' ? command.argument : undefined;
      if (created && created.text.length > MAX_LENGTH) report(table, created);
    }
  },
};

export default rule;
