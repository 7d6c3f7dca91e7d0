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

type PartKind = RuleSpec['parts'][number]['kind'];

/** Per part kind and name (`match`/`state`, `target`/`REJECT`, `base`/`protocol`): positions in ruleLines(), ascending. */
const PART_KINDS: readonly PartKind[] = ['base', 'match', 'target'];

type RuleLineIndex = Record<PartKind, Map<string, number[]>>;

/**
 * The `-A`/`-I`/`-R` lines (as ruleLines(), in source order, each once) that
 * have a part of a wanted kind and name: a `-m`/`-p` match, a `-j`/`-g`
 * target or a base option. Most rules look for parts that few lines have; one shared
 * index over all parts spares each of them a walk over every line.
 */
export function ruleLinesWith(model: Model, wanted: Partial<Record<PartKind, Iterable<string>>>): readonly RuleLine[] {
  const lines = ruleLines(model);
  const index = ruleLineIndex(model, lines);
  let positions: readonly number[] = [];
  for (const kind of PART_KINDS) {
    for (const name of wanted[kind] ?? []) {
      const found = index[kind].get(name);
      if (found) positions = positions.length === 0 ? found : mergeAscending(positions, found);
    }
  }
  const selected: RuleLine[] = new Array<RuleLine>(positions.length);
  for (let i = 0; i < positions.length; i++) selected[i] = lines[positions[i] as number] as RuleLine;
  return selected;
}

/** The union of two ascending lists of distinct numbers, ascending and distinct. */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x <= y) i++;
    if (y <= x) j++;
    merged.push(Math.min(x, y));
  }
  return merged;
}

function ruleLineIndex(model: Model, lines: readonly RuleLine[]): RuleLineIndex {
  const cached = ruleLineIndexCache.get(model);
  if (cached) return cached;
  const index: RuleLineIndex = { base: new Map(), match: new Map(), target: new Map() };
  for (let l = 0; l < lines.length; l++) {
    const parts = (lines[l] as RuleLine).command.rule.parts;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p] as RuleSpec['parts'][number];
      const name = part.kind === 'base' ? part.name : part.name.text;
      const byName = index[part.kind];
      const positions = byName.get(name);
      if (!positions) byName.set(name, [l]);
      else if (positions[positions.length - 1] !== l) positions.push(l);
    }
  }
  ruleLineIndexCache.set(model, index);
  return index;
}

const ruleLineIndexCache = new WeakMap<Model, RuleLineIndex>();

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
