/**
 * The AST nodes of a command line as classes that keep as few objects alive
 * as they can: a dump keeps every rule for the whole run, and every live
 * object costs a copy at each young-generation garbage collection it
 * survives, which was most of the parse time on big dumps.
 * - Words are kept as references into the line's LineWords (words.ts); a
 *   Word object is made when a field is read.
 * - `span` is computed from the words when read (few spans are ever read:
 *   diagnostics, fixes); each read gives a fresh Span the caller may change.
 * - An option keeps its single value, and a match or target its single
 *   option (the common cases), without an array: `values` and `options`
 *   build their array when read unless two or more items are kept.
 * - `kind` is on each class's prototype, not on every node.
 * `toJSON()` gives the plain shape (the fields in the order the AST has
 * always had), since getters are not own properties.
 */
import type {
  BaseOption,
  BaseOptionName,
  ChainDeclaration,
  CommandLine,
  CommandName,
  Counters,
  ExtensionOption,
  Family,
  MatchSpec,
  Negation,
  RulePart,
  RuleSpec,
  Span,
  TargetKind,
  TargetSpec,
  Word,
} from './ast.js';
import { spanAfter, spanFrom, type LineWords, type WordRef } from './words.js';

/** Sets the `kind` every node of a class shares on the class's prototype. */
function kindOnPrototype(nodeClass: abstract new (...args: never[]) => { readonly kind: string }, kind: string): void {
  Object.defineProperty(nodeClass.prototype, 'kind', { value: kind });
}

/** A Span over one line, kept as numbers until it is read. */
export interface LinePosition {
  line: number;
  /** Offset of the line's first character in the input. */
  offset: number;
  /** Characters on the line, line end excluded. */
  length: number;
}

/** The Span of a whole line (line end excluded) that starts at `offset` and has `length` characters. */
export function wholeLineSpan(line: number, offset: number, length: number): Span {
  return { line, column: 1, endLine: line, endColumn: length + 1, offset };
}

/** The values of an option: none, one (nearly always), or an array of two or more. */
export type ValueRefs = WordRef | WordRef[] | undefined;

function expandValues(words: LineWords, values: ValueRefs): Word[] {
  if (values === undefined) return [];
  return Array.isArray(values) ? values.map((ref) => words.word(ref)) : [words.word(values)];
}

function lastValue(values: ValueRefs): WordRef | undefined {
  return Array.isArray(values) ? values[values.length - 1] : values;
}

function optionalWord(words: LineWords, ref: WordRef | undefined): Word | undefined {
  return ref === undefined ? undefined : words.word(ref);
}

/** An option's plain fields, as `toJSON()` gives them after `kind`. */
interface OptionFields<Name extends string> {
  name: Name;
  optionWord: Word;
  negation: Negation;
  values: Word[];
  span: Span;
  bangSpan?: Span;
}

/** What base and extension options share: the span runs from a prefix `!` (or the option) to the last value. */
abstract class OptionNode<Name extends string> {
  constructor(
    private readonly words: LineWords,
    public name: Name,
    public negation: Negation,
    private readonly option: WordRef,
    private readonly valueRefs: ValueRefs,
    /** The `!` that negates the option (before or after it), if any. */
    private readonly bang: WordRef | undefined,
    /** A `!` written before the option: the option starts there. */
    private readonly prefixBang: WordRef | undefined,
  ) {}

  get optionWord(): Word {
    return this.words.word(this.option);
  }

  get values(): Word[] {
    return expandValues(this.words, this.valueRefs);
  }

  get bangSpan(): Span | undefined {
    return this.bang === undefined ? undefined : this.words.span(this.bang);
  }

  get span(): Span {
    return spanFrom(this.words.span(this.prefixBang ?? this.option), this.words.span(lastValue(this.valueRefs) ?? this.option));
  }

  /** The plain shape without `kind`, fields in the AST's order. */
  protected plainFields(): OptionFields<Name> {
    const fields: OptionFields<Name> = {
      name: this.name,
      optionWord: this.optionWord,
      negation: this.negation,
      values: this.values,
      span: this.span,
    };
    const bangSpan = this.bangSpan;
    if (bangSpan !== undefined) fields.bangSpan = bangSpan;
    return fields;
  }
}

export class BaseOptionNode extends OptionNode<BaseOptionName> implements BaseOption {
  declare readonly kind: 'base';

  toJSON(): BaseOption {
    return { kind: this.kind, ...this.plainFields() };
  }
}
kindOnPrototype(BaseOptionNode, 'base');

export class ExtensionOptionNode extends OptionNode<string> implements ExtensionOption {
  declare readonly kind: 'ext-option';

  toJSON(): ExtensionOption {
    return { kind: this.kind, ...this.plainFields() };
  }
}
kindOnPrototype(ExtensionOptionNode, 'ext-option');

/** What a match and a target share: options added one by one, and the legacy `[unsupported revision]` note. */
abstract class ExtensionNode {
  /** No option, one (the common case, kept without an array), or an array of two or more. */
  private optionList: ExtensionOption | ExtensionOption[] | undefined;
  /** The `revision]` word of a legacy `[unsupported revision]` note. */
  protected revisionEnd: WordRef | undefined;

  get unsupportedRevision(): boolean | undefined {
    return this.revisionEnd !== undefined ? true : undefined;
  }

  markUnsupportedRevision(revisionEnd: WordRef): void {
    this.revisionEnd = revisionEnd;
  }

  get options(): ExtensionOption[] {
    const list = this.optionList;
    if (list === undefined) return [];
    return Array.isArray(list) ? list : [list];
  }

  addOption(option: ExtensionOption): void {
    const list = this.optionList;
    if (list === undefined) this.optionList = option;
    else if (Array.isArray(list)) list.push(option);
    else this.optionList = [list, option];
  }

  /** Drops the spare capacity `push` left: the node lives as long as the dump. */
  trim(): void {
    if (Array.isArray(this.optionList)) this.optionList = this.optionList.slice();
  }

  protected firstOption(): ExtensionOption | undefined {
    const list = this.optionList;
    return Array.isArray(list) ? list[0] : list;
  }

  protected lastOption(): ExtensionOption | undefined {
    const list = this.optionList;
    return Array.isArray(list) ? list[list.length - 1] : list;
  }
}

/**
 * `-m NAME [options]`, or the match `-p tcp` loads for `--dport` (no
 * `matchWord`: it starts at its first option, or at the protocol word).
 */
export class MatchNode extends ExtensionNode implements MatchSpec {
  declare readonly kind: 'match';

  constructor(
    private readonly words: LineWords,
    private readonly nameRef: WordRef,
    private readonly matchRef: WordRef | undefined,
    public known: boolean,
  ) {
    super();
  }

  get name(): Word {
    return this.words.word(this.nameRef);
  }

  get matchWord(): Word | undefined {
    return optionalWord(this.words, this.matchRef);
  }

  get span(): Span {
    const first = this.firstOption();
    const start = this.matchRef !== undefined ? this.words.span(this.matchRef) : (first?.span ?? this.words.span(this.nameRef));
    const last = this.lastOption();
    return spanFrom(start, last?.span ?? this.words.span(this.revisionEnd ?? this.nameRef));
  }

  toJSON(): MatchSpec {
    const json: MatchSpec =
      this.matchWord !== undefined
        ? { kind: this.kind, name: this.name, matchWord: this.matchWord, known: this.known, options: this.options, span: this.span }
        : { kind: this.kind, name: this.name, known: this.known, options: this.options, span: this.span };
    if (this.revisionEnd !== undefined) json.unsupportedRevision = true;
    return json;
  }
}
kindOnPrototype(MatchNode, 'match');

export class TargetNode extends ExtensionNode implements TargetSpec {
  declare readonly kind: 'target';

  constructor(
    private readonly words: LineWords,
    public via: TargetKind,
    private readonly jumpRef: WordRef,
    private readonly nameRef: WordRef,
    public known: boolean,
  ) {
    super();
  }

  get jumpWord(): Word {
    return this.words.word(this.jumpRef);
  }

  get name(): Word {
    return this.words.word(this.nameRef);
  }

  get span(): Span {
    const last = this.lastOption();
    return spanFrom(this.words.span(this.jumpRef), last?.span ?? this.words.span(this.revisionEnd ?? this.nameRef));
  }

  toJSON(): TargetSpec {
    const json: TargetSpec = { kind: this.kind, via: this.via, jumpWord: this.jumpWord, name: this.name, known: this.known, options: this.options, span: this.span };
    if (this.revisionEnd !== undefined) json.unsupportedRevision = true;
    return json;
  }
}
kindOnPrototype(TargetNode, 'target');

export class RuleSpecNode implements RuleSpec {
  constructor(
    public parts: RulePart[],
    private readonly words: LineWords,
    /** The last word before an empty rule specification (it sits right after it). */
    private readonly anchor: WordRef,
  ) {}

  get span(): Span {
    const first = this.parts[0];
    const last = this.parts[this.parts.length - 1];
    if (first === undefined || last === undefined) return spanAfter(this.words.span(this.anchor));
    return spanFrom(first.span, last.span);
  }

  toJSON(): RuleSpec {
    return { parts: this.parts, span: this.span };
  }
}

/** The parts of a command line other than its command, as rule-spec.ts reads them. */
export interface CommandFields {
  counters: Counters | undefined;
  chain: WordRef | undefined;
  ruleNumber: WordRef | undefined;
  argument: WordRef | undefined;
  familyOnly: Family | undefined;
  rule: RuleSpec | undefined;
}

/** A command line; its span is the whole line, kept as three numbers. */
export class CommandNode implements CommandLine {
  declare readonly kind: 'command';
  counters: Counters | undefined;
  familyOnly: Family | undefined;
  rule: RuleSpec | undefined;
  private readonly chainRef: WordRef | undefined;
  private readonly ruleNumberRef: WordRef | undefined;
  private readonly argumentRef: WordRef | undefined;
  private readonly length: number;

  constructor(
    private readonly words: LineWords,
    public command: CommandName,
    private readonly commandRef: WordRef,
    public trailingBlank: boolean,
    fields: CommandFields,
    position: LinePosition,
  ) {
    this.counters = fields.counters;
    this.familyOnly = fields.familyOnly;
    this.rule = fields.rule;
    this.chainRef = fields.chain;
    this.ruleNumberRef = fields.ruleNumber;
    this.argumentRef = fields.argument;
    this.length = position.length;
  }

  get commandWord(): Word {
    return this.words.word(this.commandRef);
  }

  get chain(): Word | undefined {
    return optionalWord(this.words, this.chainRef);
  }

  get ruleNumber(): Word | undefined {
    return optionalWord(this.words, this.ruleNumberRef);
  }

  get argument(): Word | undefined {
    return optionalWord(this.words, this.argumentRef);
  }

  get span(): Span {
    return wholeLineSpan(this.words.line, this.words.lineOffset, this.length);
  }

  toJSON(): CommandLine {
    const json: CommandLine = { kind: this.kind, command: this.command, commandWord: this.commandWord, trailingBlank: this.trailingBlank, span: this.span };
    if (this.counters !== undefined) json.counters = this.counters;
    if (this.chain !== undefined) json.chain = this.chain;
    if (this.ruleNumber !== undefined) json.ruleNumber = this.ruleNumber;
    if (this.argument !== undefined) json.argument = this.argument;
    if (this.familyOnly !== undefined) json.familyOnly = this.familyOnly;
    if (this.rule !== undefined) json.rule = this.rule;
    return json;
  }
}
kindOnPrototype(CommandNode, 'command');

/** `[packets:bytes]`; the span is kept as numbers. */
export class CountersNode implements Counters {
  private readonly line: number;
  private readonly column: number;
  private readonly endColumn: number;
  private readonly offset: number;

  constructor(
    public packets: string,
    public bytes: string,
    at: Span,
  ) {
    this.line = at.line;
    this.column = at.column;
    this.endColumn = at.endColumn;
    this.offset = at.offset;
  }

  get span(): Span {
    return { line: this.line, column: this.column, endLine: this.line, endColumn: this.endColumn, offset: this.offset };
  }

  toJSON(): Counters {
    return { packets: this.packets, bytes: this.bytes, span: this.span };
  }
}

/** `:NAME POLICY [p:b]`; its span is the whole line, kept as numbers. */
export class ChainNode implements ChainDeclaration {
  declare readonly kind: 'chain';
  counters: Counters | undefined;
  trailing: string | undefined;
  private readonly line: number;
  private readonly offset: number;
  private readonly length: number;

  constructor(
    public name: Word,
    public policy: Word,
    position: LinePosition,
  ) {
    this.line = position.line;
    this.offset = position.offset;
    this.length = position.length;
  }

  get span(): Span {
    return wholeLineSpan(this.line, this.offset, this.length);
  }

  toJSON(): ChainDeclaration {
    const json: ChainDeclaration = { kind: this.kind, name: this.name, policy: this.policy, span: this.span };
    if (this.counters !== undefined) json.counters = this.counters;
    if (this.trailing !== undefined) json.trailing = this.trailing;
    return json;
  }
}
kindOnPrototype(ChainNode, 'chain');
