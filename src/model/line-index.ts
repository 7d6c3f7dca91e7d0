/**
 * The dump's command lines that apply to the model's family, recorded while
 * buildModel applies them: the `-A`/`-I`/`-R` lines (including ones a later
 * command undoes) with every part of their rule, and the other commands.
 * Each part (kind and name) gets a small number; parallel typed arrays say
 * which line has which part, so a check about a few parts visits just those.
 */
import type { CommandLine, RuleSpec, TableBlock } from '../../grammar/ast.js';
import type { Model } from './types.js';

export type RulePart = RuleSpec['parts'][number];
export type PartKind = RulePart['kind'];
export type RuleCommand = CommandLine & { rule: RuleSpec; chain: NonNullable<CommandLine['chain']> };

export interface CommandEntry {
  table: string;
  block: TableBlock;
  command: CommandLine;
}

export interface LineIndex {
  blocks: readonly TableBlock[];
  /** The `-A`/`-I`/`-R` lines with a chain and a rule, in source order: a line's position is its number here. */
  commands: RuleCommand[];
  /** Position in `commands` of the first rule line of each block (the lines come block by block). */
  blockStarts: number[];
  partIds: Record<PartKind, Map<string, number>>;
  /**
   * Every part of every rule line grouped by id: id's parts are at positions
   * `start[id] .. start[id + 1]` of `lines` (the part's rule line) and `slots`
   * (its place among the line's parts), in source order. partAt() gives the part.
   */
  byPart: { start: Int32Array; lines: Int32Array; slots: Uint8Array | Int32Array };
  /** The other command lines (`-N`, `-X`, `-P`, `-E`, `-F`, `-D`…), in source order. */
  others: CommandEntry[];
}

const ADDING: ReadonlySet<CommandLine['command']> = new Set<CommandLine['command']>(['append', 'insert', 'replace']);

export class LineIndexBuilder {
  private readonly commands: RuleCommand[] = [];
  private readonly blockStarts: number[] = [];
  private readonly partIds: LineIndex['partIds'] = { base: new Map(), match: new Map(), target: new Map() };
  private idCount = 0;
  private partLine = new Int32Array(1024);
  private partId = new Int32Array(1024);
  private partCount = 0;
  /** Parts of the rule line with the most. */
  private mostParts = 0;
  private readonly others: CommandEntry[] = [];

  /** A command of block number `blockIndex` that applies to the model's family; `chain` is the command's chain name. */
  add(blockIndex: number, block: TableBlock, command: CommandLine, chain: string | undefined): void {
    if (!ADDING.has(command.command)) {
      this.others.push({ table: block.name, block, command });
      return;
    }
    if (!command.rule || chain === undefined) return;
    const line = this.commands.length;
    this.commands.push(command as RuleCommand);
    while (this.blockStarts.length <= blockIndex) this.blockStarts.push(line);
    const parts = command.rule.parts;
    if (parts.length > this.mostParts) this.mostParts = parts.length;
    if (this.partCount + parts.length > this.partLine.length) {
      this.partLine = grow(this.partLine, this.partCount + parts.length);
      this.partId = grow(this.partId, this.partCount + parts.length);
    }
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p] as RulePart;
      const ids = this.partIds[part.kind];
      const name = part.kind === 'base' ? part.name : part.name.text;
      let id = ids.get(name);
      if (id === undefined) ids.set(name, (id = this.idCount++));
      this.partLine[this.partCount] = line;
      this.partId[this.partCount++] = id;
    }
  }

  finish(blocks: readonly TableBlock[]): LineIndex {
    const { commands, blockStarts, partIds, others } = this;
    return { blocks, commands, blockStarts, partIds, byPart: this.groupByPart(), others };
  }

  /**
   * One counting sort of the parts by id; the per-part arrays of the walk are
   * dropped after it. A part is found again from its line and slot: a list of
   * every part would keep 8 bytes per part alive for the whole lint.
   */
  private groupByPart(): LineIndex['byPart'] {
    const { partLine, partId, partCount, idCount } = this;
    const start = new Int32Array(idCount + 1);
    for (let i = 0; i < partCount; i++) {
      const next = (partId[i] as number) + 1;
      start[next] = (start[next] as number) + 1;
    }
    for (let id = 0; id < idCount; id++) start[id + 1] = (start[id + 1] as number) + (start[id] as number);
    const end = start.slice(0, idCount);
    const lines = new Int32Array(partCount);
    const slots = this.mostParts < 256 ? new Uint8Array(partCount) : new Int32Array(partCount);
    for (let i = 0, slot = 0; i < partCount; i++) {
      const line = partLine[i] as number;
      slot = i > 0 && partLine[i - 1] === line ? slot + 1 : 0;
      const id = partId[i] as number;
      const at = end[id] as number;
      lines[at] = line;
      slots[at] = slot;
      end[id] = at + 1;
    }
    return { start, lines, slots };
  }
}

/** The part at position `at` of `byPart`. */
export function partAt(index: LineIndex, at: number): RulePart {
  const command = index.commands[index.byPart.lines[at] as number] as RuleCommand;
  return command.rule.parts[index.byPart.slots[at] as number] as RulePart;
}

/** The block (index into `blocks`) of rule line `line`. */
export function blockOfLine(index: LineIndex, line: number): number {
  const starts = index.blockStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= line) low = middle;
    else high = middle - 1;
  }
  return low;
}

function grow(array: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}

const indexes = new WeakMap<Model, LineIndex>();

/** Called by buildModel with the index it recorded. */
export function rememberLineIndex(model: Model, index: LineIndex): void {
  indexes.set(model, index);
}

/** The model's line index: the one buildModel recorded, or one walk over the dump for a model made otherwise. */
export function lineIndexOf(model: Model): LineIndex {
  let index = indexes.get(model);
  if (!index) {
    const builder = new LineIndexBuilder();
    const blocks = model.source.tables;
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b] as TableBlock;
      for (const command of block.commands) if (command.familyOnly === undefined || command.familyOnly === model.family) builder.add(b, block, command, command.chain?.text);
    }
    indexes.set(model, (index = builder.finish(blocks)));
  }
  return index;
}

