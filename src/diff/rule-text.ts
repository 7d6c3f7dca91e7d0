/**
 * A rule as `-A CHAIN …` in the printer's canonical form, whatever command
 * put it there (`-I 3`, `--append`, `-R`) and without counters: two dumps that
 * only differ in layout, counters or insertion commands give the same text.
 */
import { printCommand } from '../../grammar/printer.js';
import type { Rule } from '../model/types.js';

export function canonicalRuleText(rule: Rule): string {
  const command = rule.command;
  return printCommand({
    ...command,
    counters: undefined,
    familyOnly: undefined,
    commandWord: { ...command.commandWord, raw: '-A' },
    chain: { ...(command.chain ?? command.commandWord), raw: rule.chain },
    ruleNumber: undefined,
    argument: undefined,
    trailingBlank: false,
  });
}
