/**
 * Line-level access to the dump: checks that iptables makes when it reads a
 * line (before any rule is in a chain) look at every line that specifies a
 * rule, including ones a later `-D` removes.
 */
import type { ChainDeclaration, CommandLine, RuleSpec, TableBlock } from '../../grammar/ast.js';
import type { Model } from '../../src/model/types.js';

export interface RuleLine {
  table: string;
  block: TableBlock;
  command: CommandLine & { rule: RuleSpec };
  chain: string;
}

const ADDING: ReadonlySet<CommandLine['command']> = new Set(['append', 'insert', 'replace']);

/** Every `-A`/`-I`/`-R` line that applies to the model's family, in source order. */
export function* ruleLines(model: Model): Generator<RuleLine> {
  for (const block of model.source.tables) {
    for (const command of block.commands) {
      if (!ADDING.has(command.command) || !command.rule || !command.chain) continue;
      if (command.familyOnly !== undefined && command.familyOnly !== model.family) continue;
      yield { table: block.name, block, command: command as RuleLine['command'], chain: command.chain.text };
    }
  }
}

/** Every command line applying to the model's family, with its table. */
export function* commandLines(model: Model): Generator<{ table: string; block: TableBlock; command: CommandLine }> {
  for (const block of model.source.tables) {
    for (const command of block.commands) {
      if (command.familyOnly !== undefined && command.familyOnly !== model.family) continue;
      yield { table: block.name, block, command };
    }
  }
}

export function* chainDeclarations(model: Model): Generator<{ table: string; block: TableBlock; declaration: ChainDeclaration }> {
  for (const block of model.source.tables) for (const declaration of block.chains) yield { table: block.name, block, declaration };
}

/** `add \`:NAME - [0:0]\`` — the declaration line for a user chain. */
export function declarationLine(chain: string): string {
  return `:${chain} - [0:0]`;
}
