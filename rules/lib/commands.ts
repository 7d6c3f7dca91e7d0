/**
 * Line-level access to the dump: checks that iptables makes when it reads a
 * line (before any rule is in a chain) look at every line that specifies a
 * rule, including ones a later `-D` removes.
 *
 * One walk over the dump per model builds everything here; rules then visit
 * only the lines that have the parts they look for.
 */
import type { ChainDeclaration, CommandLine, RuleSpec, TableBlock } from '../../grammar/ast.js';
import type { Model } from '../../src/model/types.js';

export interface RuleLine {
  table: string;
  block: TableBlock;
  command: CommandLine & { rule: RuleSpec };
  chain: string;
}

type CommandKind = CommandLine['command'];
type AddingKind = 'append' | 'insert' | 'replace';
/** Commands that do not specify a rule: `-N`, `-X`, `-P`, `-E`, `-F`, `-D`… */
export type OtherCommandKind = Exclude<CommandKind, AddingKind>;

const ADDING: ReadonlySet<CommandKind> = new Set<CommandKind>(['append', 'insert', 'replace']);

type RulePart = RuleSpec['parts'][number];
type PartKind = RulePart['kind'];
const PART_KINDS: readonly PartKind[] = ['base', 'match', 'target'];

export interface CommandEntry {
  table: string;
  block: TableBlock;
  command: CommandLine;
}

/**
 * The dump's lines, walked once. Rule lines (`-A`/`-I`/`-R`) are kept as
 * parallel arrays; their RuleLine objects are made only for lines a rule
 * selects. Each part (kind and name) gets a small number, and `partLine` /
 * `partId` record which line has which part: the positions of one name are
 * grouped on first request.
 */
interface LineIndex {
  blocks: readonly TableBlock[];
  commands: (CommandLine & { rule: RuleSpec })[];
  /** Index into `blocks` of each rule line. */
  blockOf: number[];
  objects: (RuleLine | undefined)[];
  partIds: Record<PartKind, Map<string, number>>;
  partLine: Int32Array;
  partId: Int32Array;
  /** The part itself, parallel to partLine and partId. */
  partRef: RulePart[];
  partCount: number;
  idCount: number;
  /** Parts and their lines grouped by part id, in source order (built on first request). */
  grouped?: { start: Int32Array; order: Int32Array; lines: Int32Array; parts: RulePart[] };
  others: CommandEntry[];
}

const indexes = new WeakMap<Model, LineIndex>();

function lineIndex(model: Model): LineIndex {
  const cached = indexes.get(model);
  if (cached) return cached;
  const blocks = model.source.tables;
  const family = model.family;
  const commands: LineIndex['commands'] = [];
  const blockOf: number[] = [];
  const others: CommandEntry[] = [];
  const partIds: LineIndex['partIds'] = { base: new Map(), match: new Map(), target: new Map() };
  let nextId = 0;
  let partLine: Int32Array = new Int32Array(1024);
  let partId: Int32Array = new Int32Array(1024);
  const partRef: RulePart[] = [];
  let partCount = 0;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b] as TableBlock;
    const blockCommands = block.commands;
    for (let i = 0; i < blockCommands.length; i++) {
      const command = blockCommands[i] as CommandLine;
      if (command.familyOnly !== undefined && command.familyOnly !== family) continue;
      if (!ADDING.has(command.command)) {
        others.push({ table: block.name, block, command });
        continue;
      }
      if (!command.rule || !command.chain) continue;
      const line = commands.length;
      commands.push(command as LineIndex['commands'][number]);
      blockOf.push(b);
      const parts = command.rule.parts;
      if (partCount + parts.length > partLine.length) {
        partLine = grow(partLine, partCount + parts.length);
        partId = grow(partId, partCount + parts.length);
      }
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p] as RulePart;
        const ids = partIds[part.kind];
        const name = part.kind === 'base' ? part.name : part.name.text;
        let id = ids.get(name);
        if (id === undefined) ids.set(name, (id = nextId++));
        partLine[partCount] = line;
        partId[partCount++] = id;
        partRef.push(part);
      }
    }
  }
  const index: LineIndex = { blocks, commands, blockOf, objects: new Array(commands.length), partIds, partLine, partId, partRef, partCount, idCount: nextId, others };
  indexes.set(model, index);
  return index;
}

function grow(array: Int32Array, needed: number): Int32Array {
  const grown = new Int32Array(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}

/** The rule lines that have part `id`, ascending and distinct. */
function linesWithPart(index: LineIndex, id: number): Int32Array {
  const { start, lines } = grouped(index);
  const found: number[] = [];
  for (let i = start[id] as number, end = start[id + 1] as number; i < end; i++) {
    const line = lines[i] as number;
    // A line can have the part twice (`-m comment … -m comment …`): listed once.
    if (found.length === 0 || found[found.length - 1] !== line) found.push(line);
  }
  return Int32Array.from(found);
}

/**
 * Every part of every id in one counting sort: part id's are at positions
 * `start[id] .. start[id + 1]` of `order` (the part's number in source order),
 * `lines` and `parts`.
 */
function grouped(index: LineIndex): NonNullable<LineIndex['grouped']> {
  if (index.grouped) return index.grouped;
  const { partLine, partId, partRef, partCount, idCount } = index;
  const start = new Int32Array(idCount + 1);
  for (let i = 0; i < partCount; i++) {
    const next = (partId[i] as number) + 1;
    start[next] = (start[next] as number) + 1;
  }
  for (let id = 0; id < idCount; id++) start[id + 1] = (start[id + 1] as number) + (start[id] as number);
  const end = start.slice(0, idCount);
  const order = new Int32Array(partCount);
  const lines = new Int32Array(partCount);
  const parts = new Array<RulePart>(partCount);
  for (let i = 0; i < partCount; i++) {
    const id = partId[i] as number;
    const at = end[id] as number;
    order[at] = i;
    lines[at] = partLine[i] as number;
    parts[at] = partRef[i] as RulePart;
    end[id] = at + 1;
  }
  index.grouped = { start, order, lines, parts };
  return index.grouped;
}

type PartOfKind<K extends PartKind> = Extract<RulePart, { kind: K }>;

/**
 * Calls `visit` for every part of kind `kind` named one of `names` on every
 * `-A`/`-I`/`-R` line, in source order, with the line's position for lineAt()
 * and commandAt(). For checks of single parts: they touch only those parts,
 * not every part of every line.
 */
export function forEachPart<K extends PartKind>(model: Model, kind: K, names: Iterable<string>, visit: (part: PartOfKind<K>, line: number) => void): void {
  const index = lineIndex(model);
  const { start, order, lines, parts } = grouped(index);
  // One cursor per wanted name; each step takes the part that comes first in the dump.
  const ids: number[] = [];
  for (const name of names) {
    const id = index.partIds[kind].get(name);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  const next = ids.map((id) => start[id] as number);
  const ends = ids.map((id) => start[id + 1] as number);
  for (;;) {
    let best = -1;
    for (let c = 0; c < next.length; c++) {
      if ((next[c] as number) < (ends[c] as number) && (best < 0 || (order[next[c] as number] as number) < (order[next[best] as number] as number))) best = c;
    }
    if (best < 0) return;
    const at = next[best] as number;
    next[best] = at + 1;
    visit(parts[at] as PartOfKind<K>, lines[at] as number);
  }
}

/** The command of the rule line at a position forEachPart() gave. */
export function commandAt(model: Model, line: number): CommandLine & { rule: RuleSpec } {
  return lineIndex(model).commands[line] as CommandLine & { rule: RuleSpec };
}

/** The rule line at a position forEachPart() gave. */
export function lineAt(model: Model, line: number): RuleLine {
  return ruleLineAt(lineIndex(model), line);
}

function ruleLineAt(index: LineIndex, line: number): RuleLine {
  let object = index.objects[line];
  if (!object) {
    const command = index.commands[line] as LineIndex['commands'][number];
    const block = index.blocks[index.blockOf[line] as number] as TableBlock;
    object = { table: block.name, block, command, chain: (command.chain as NonNullable<CommandLine['chain']>).text };
    index.objects[line] = object;
  }
  return object;
}

/** Every `-A`/`-I`/`-R` line that applies to the model's family, in source order. */
export function ruleLines(model: Model): readonly RuleLine[] {
  const index = lineIndex(model);
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
  const index = lineIndex(model);
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
  return lineIndex(model).others.filter((entry) => kinds.includes(entry.command.command as OtherCommandKind));
}

export interface DeclarationEntry {
  table: string;
  block: TableBlock;
  declaration: ChainDeclaration;
}

const declarationLists = new WeakMap<Model, readonly DeclarationEntry[]>();

/** Every `:CHAIN` line of the dump with its table, in source order (built once per model). */
export function chainDeclarations(model: Model): readonly DeclarationEntry[] {
  const cached = declarationLists.get(model);
  if (cached) return cached;
  const list: DeclarationEntry[] = [];
  for (const block of model.source.tables) for (const declaration of block.chains) list.push({ table: block.name, block, declaration });
  declarationLists.set(model, list);
  return list;
}

/** `add \`:NAME - [0:0]\`` — the declaration line for a user chain. */
export function declarationLine(chain: string): string {
  return `:${chain} - [0:0]`;
}
