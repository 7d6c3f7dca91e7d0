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

/**
 * Every `-A`/`-I`/`-R` line that applies to the model's family, in source order.
 * Built once per model and shared by the rules that walk it (the model is not
 * changed after it is built).
 */
export function ruleLines(model: Model): readonly RuleLine[] {
  const cached = ruleLinesCache.get(model);
  if (cached) return cached;
  const lines: RuleLine[] = [];
  const family = model.family;
  for (const block of model.source.tables) {
    const table = block.name;
    const commands = block.commands;
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i] as CommandLine;
      if (!ADDING.has(command.command) || !command.rule || !command.chain) continue;
      if (command.familyOnly !== undefined && command.familyOnly !== family) continue;
      lines.push({ table, block, command: command as RuleLine['command'], chain: command.chain.text });
    }
  }
  ruleLinesCache.set(model, lines);
  return lines;
}

const ruleLinesCache = new WeakMap<Model, readonly RuleLine[]>();

/** Every command line applying to the model's family, with its table (built once per model). */
export function commandLines(model: Model): readonly { table: string; block: TableBlock; command: CommandLine }[] {
  const cached = commandLinesCache.get(model);
  if (cached) return cached;
  const lines: { table: string; block: TableBlock; command: CommandLine }[] = [];
  const family = model.family;
  for (const block of model.source.tables) {
    const table = block.name;
    const commands = block.commands;
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i] as CommandLine;
      if (command.familyOnly !== undefined && command.familyOnly !== family) continue;
      lines.push({ table, block, command });
    }
  }
  commandLinesCache.set(model, lines);
  return lines;
}

const commandLinesCache = new WeakMap<Model, readonly { table: string; block: TableBlock; command: CommandLine }[]>();

export function* chainDeclarations(model: Model): Generator<{ table: string; block: TableBlock; declaration: ChainDeclaration }> {
  for (const block of model.source.tables) for (const declaration of block.chains) yield { table: block.name, block, declaration };
}

/** `add \`:NAME - [0:0]\`` — the declaration line for a user chain. */
export function declarationLine(chain: string): string {
  return `:${chain} - [0:0]`;
}
