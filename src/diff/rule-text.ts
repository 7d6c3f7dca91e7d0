/**
 * A rule as `-A CHAIN …` in the printer's canonical form, whatever command
 * put it there (`-I 3`, `--append`, `-R`) and without counters: two dumps that
 * only differ in layout, counters or insertion commands give the same text.
 */
import type { CommandLine } from '../../grammar/ast.js';
import { printCommand } from '../../grammar/printer.js';
import type { Rule } from '../model/types.js';

export function canonicalRuleText(rule: Rule): string {
  const command = rule.command;
  const canonical: CommandLine = {
    kind: 'command',
    command: 'append',
    commandWord: { text: '-A', raw: '-A', span: command.commandWord.span },
    chain: { text: rule.chain, raw: rule.chain, span: (command.chain ?? command.commandWord).span },
    trailingBlank: false,
    span: command.span,
  };
  const spec = command.rule;
  if (spec !== undefined) canonical.rule = spec;
  return printCommand(canonical);
}
