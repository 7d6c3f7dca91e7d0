/**
 * Line-level access to the dump: checks that iptables makes when it reads a
 * line (before any rule is in a chain) look at every line that specifies a
 * rule, including ones a later `-D` removes.
 *
 * buildModel records the lines and their parts as it applies them
 * (src/model/line-index.ts); rules then visit only the lines and parts they
 * look for.
 */
import type { ChainDeclaration, CommandLine, TableBlock } from '../../grammar/ast.js';
import { blockOfLine, lineIndexOf, partAt, type CommandEntry, type LineIndex, type PartKind, type RuleCommand, type RulePart } from '../../src/model/line-index.js';
import type { Model } from '../../src/model/types.js';

export type { CommandEntry };

export interface RuleLine {
  table: string;
  block: TableBlock;
  command: RuleCommand;
  chain: string;
}

/** Commands that do not specify a rule: `-N`, `-X`, `-P`, `-E`, `-F`, `-D`… */
export type OtherCommandKind = Exclude<CommandLine['command'], 'append' | 'insert' | 'replace'>;

const PART_KINDS: readonly PartKind[] = ['base', 'match', 'target'];

/** The rule lines that have part `id`, ascending and distinct. */
function linesWithPart(index: LineIndex, id: number): Int32Array {
  const { start, lines } = index.byPart;
  const found: number[] = [];
  for (let i = start[id] as number, end = start[id + 1] as number; i < end; i++) {
    const line = lines[i] as number;
    // A line can have the part twice (`-m comment … -m comment …`): listed once.
    if (found.length === 0 || found[found.length - 1] !== line) found.push(line);
  }
  return Int32Array.from(found);
}

type PartOfKind<K extends PartKind> = Extract<RulePart, { kind: K }>;

/**
 * Calls `visit` for every part of kind `kind` named one of `names` on every
 * `-A`/`-I`/`-R` line, in source order, with the line's position for lineAt()
 * and commandAt(), and the part's name (reading `part.name` makes a new Word).
 * For checks of single parts: they touch only those parts, not every part of every line.
 */
export function forEachPart<K extends PartKind>(model: Model, kind: K, names: Iterable<string>, visit: (part: PartOfKind<K>, line: number, name: string) => void): void {
  const index = lineIndexOf(model);
  const { start, lines, slots } = index.byPart;
  // One cursor per wanted name; each step takes the part that comes first in the dump.
  const ids: number[] = [];
  const idNames: string[] = [];
  for (const name of names) {
    const id = index.partIds[kind].get(name);
    if (id !== undefined && !ids.includes(id)) {
      ids.push(id);
      idNames.push(name);
    }
  }
  if (ids.length === 1) {
    const id = ids[0] as number;
    const name = idNames[0] as string;
    for (let at = start[id] as number, end = start[id + 1] as number; at < end; at++) visit(partAt(index, at) as PartOfKind<K>, lines[at] as number, name);
    return;
  }
  /** Part at `a` comes before the part at `b` in the dump: an earlier line, or earlier on the same line. */
  const comesFirst = (a: number, b: number): boolean => {
    const lineA = lines[a] as number;
    const lineB = lines[b] as number;
    return lineA !== lineB ? lineA < lineB : (slots[a] as number) < (slots[b] as number);
  };
  const next = ids.map((id) => start[id] as number);
  const ends = ids.map((id) => start[id + 1] as number);
  for (;;) {
    let best = -1;
    for (let c = 0; c < next.length; c++) {
      if ((next[c] as number) < (ends[c] as number) && (best < 0 || comesFirst(next[c] as number, next[best] as number))) best = c;
    }
    if (best < 0) return;
    const at = next[best] as number;
    next[best] = at + 1;
    visit(partAt(index, at) as PartOfKind<K>, lines[at] as number, idNames[best] as string);
  }
}

/** The command of the rule line at a position forEachPart() gave. */
export function commandAt(model: Model, line: number): RuleCommand {
  return lineIndexOf(model).commands[line] as RuleCommand;
}

/** The rule line at a position forEachPart() gave (a new object on each call: the model keeps none per line). */
export function lineAt(model: Model, line: number): RuleLine {
  return ruleLineAt(lineIndexOf(model), line);
}

function ruleLineAt(index: LineIndex, line: number): RuleLine {
  const command = index.commands[line] as RuleCommand;
  const block = index.blocks[blockOfLine(index, line)] as TableBlock;
  return { table: block.name, block, command, chain: command.chain.text };
}

/** Every `-A`/`-I`/`-R` line that applies to the model's family, in source order. */
export function ruleLines(model: Model): readonly RuleLine[] {
  const index = lineIndexOf(model);
  const lines = new Array<RuleLine>(index.commands.length);
  for (let l = 0; l < lines.length; l++) lines[l] = ruleLineAt(index, l);
  return lines;
}

/**
 * The `-A`/`-I`/`-R` lines (as ruleLines(), in source order, each once) that
 * have a part of a wanted kind and name: a `-m`/`-p` match, a `-j`/`-g`
 * target or a base option. Most rules look for parts that few lines have; one shared
 * index over all parts spares each of them a walk over every line.
 */
export function ruleLinesWith(model: Model, wanted: Partial<Record<PartKind, Iterable<string>>>): readonly RuleLine[] {
  const index = lineIndexOf(model);
  let positions: ArrayLike<number> = [];
  for (const kind of PART_KINDS) {
    for (const name of wanted[kind] ?? []) {
      const id = index.partIds[kind].get(name);
      if (id === undefined) continue;
      const found = linesWithPart(index, id);
      positions = positions.length === 0 ? found : mergeAscending(positions, found);
    }
  }
  const selected = new Array<RuleLine>(positions.length);
  for (let i = 0; i < positions.length; i++) selected[i] = ruleLineAt(index, positions[i] as number);
  return selected;
}

/** The union of two ascending lists of distinct numbers, ascending and distinct. */
function mergeAscending(a: ArrayLike<number>, b: ArrayLike<number>): Int32Array {
  const merged = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x <= y) i++;
    if (y <= x) j++;
    merged[n++] = Math.min(x, y);
  }
  return merged.subarray(0, n);
}

/** The command lines of the given kinds (none of them `-A`/`-I`/`-R`) applying to the model's family, in source order. */
export function commandLinesOf(model: Model, kinds: readonly OtherCommandKind[]): CommandEntry[] {
  return lineIndexOf(model).others.filter((entry) => kinds.includes(entry.command.command as OtherCommandKind));
}

export interface DeclarationEntry {
  table: string;
  block: TableBlock;
  declaration: ChainDeclaration;
  /** `declaration.name.text` and `declaration.policy.text`, read once: each read of the Word makes a new one. */
  name: string;
  policy: string;
}

const declarationLists = new WeakMap<Model, readonly DeclarationEntry[]>();

/** Every `:CHAIN` line of the dump with its table, in source order (built once per model). */
export function chainDeclarations(model: Model): readonly DeclarationEntry[] {
  const cached = declarationLists.get(model);
  if (cached) return cached;
  const list: DeclarationEntry[] = [];
  for (const block of model.source.tables) {
    for (const declaration of block.chains) list.push({ table: block.name, block, declaration, name: declaration.name.text, policy: declaration.policy.text });
  }
  declarationLists.set(model, list);
  return list;
}

/** `add \`:NAME - [0:0]\`` — the declaration line for a user chain. */
export function declarationLine(chain: string): string {
  return `:${chain} - [0:0]`;
}
