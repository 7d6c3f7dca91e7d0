/**
 * The AST nodes of a command line as classes whose `span` is computed from
 * their words when read. A dump keeps every rule for the whole run and few
 * spans are ever read (diagnostics, fixes), so a node keeps the words it
 * starts and ends with instead of a Span object of its own: about six objects
 * less per rule. Each read of `span` gives a fresh Span the caller may keep
 * or change. Likewise an option keeps its single value (the common case) as
 * the word itself and a match or target without options keeps no array:
 * `values` and `options` build a small array when read, and what they return
 * is the caller's. Every retained object costs a copy at each young-generation
 * garbage collection it survives, which is most of the parse time on big
 * dumps. `toJSON()` gives the plain shape (the fields in the order the AST has
 * always had), since getters are not own properties.
 */
import type {
  BaseOption,
  BaseOptionName,
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
import { spanAfter, spanFrom } from './words.js';

/** A Span over one line, kept as numbers until it is read. */
export interface LinePosition {
  line: number;
  /** Offset of the line's first character in the input. */
  offset: number;
  /** Characters on the line, line end excluded. */
  length: number;
}

/** No value, one value (nearly always), or an array of two or more. */
type Values = Word | Word[] | undefined;

function compactValues(values: Word[]): Values {
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values.slice();
}

function expandValues(values: Values): Word[] {
  if (values === undefined) return [];
  return Array.isArray(values) ? values.slice() : [values];
}

function lastValue(values: Values): Word | undefined {
  return Array.isArray(values) ? values[values.length - 1] : values;
}

/** An array as the AST shows it, from a list that stays undefined until it has an item. */
function listOf<T>(items: T[] | undefined): T[] {
  return items === undefined ? [] : items.slice();
}

/** What base and extension options share: the span runs from a prefix `!` (or the option) to the last value. */
abstract class OptionNode {
  private readonly valueWords: Values;

  constructor(
    public optionWord: Word,
    public negation: Negation,
    values: Word[],
    /** The `!` that negates the option (before or after it), if any. */
    private readonly bang: Word | undefined,
    /** A `!` written before the option: the option starts there. */
    private readonly prefixBang: Word | undefined,
  ) {
    this.valueWords = compactValues(values);
  }

  get values(): Word[] {
    return expandValues(this.valueWords);
  }

  get bangSpan(): Span | undefined {
    return this.bang?.span;
  }

  get span(): Span {
    return spanFrom((this.prefixBang ?? this.optionWord).span, (lastValue(this.valueWords) ?? this.optionWord).span);
  }
}

export class BaseOptionNode extends OptionNode implements BaseOption {
  readonly kind = 'base';

  constructor(
    public name: BaseOptionName,
    optionWord: Word,
    negation: Negation,
    values: Word[],
    bang: Word | undefined,
    prefixBang: Word | undefined,
  ) {
    super(optionWord, negation, values, bang, prefixBang);
  }

  toJSON(): BaseOption {
    const json: BaseOption = { kind: this.kind, name: this.name, optionWord: this.optionWord, negation: this.negation, values: this.values, span: this.span };
    const bangSpan = this.bangSpan;
    if (bangSpan !== undefined) json.bangSpan = bangSpan;
    return json;
  }
}

export class ExtensionOptionNode extends OptionNode implements ExtensionOption {
  readonly kind = 'ext-option';

  constructor(
    public name: string,
    optionWord: Word,
    negation: Negation,
    values: Word[],
    bang: Word | undefined,
    prefixBang: Word | undefined,
  ) {
    super(optionWord, negation, values, bang, prefixBang);
  }

  toJSON(): ExtensionOption {
    const json: ExtensionOption = { kind: this.kind, name: this.name, optionWord: this.optionWord, negation: this.negation, values: this.values, span: this.span };
    const bangSpan = this.bangSpan;
    if (bangSpan !== undefined) json.bangSpan = bangSpan;
    return json;
  }
}

/**
 * `-m NAME [options]`, or the match `-p tcp` loads for `--dport` (no
 * `matchWord`: it starts at its first option, or at the protocol word).
 */
export class MatchNode implements MatchSpec {
  readonly kind = 'match';
  private optionList: ExtensionOption[] | undefined;
  /** The `revision]` word of a legacy `[unsupported revision]` note. */
  private revisionEnd: Word | undefined;

  constructor(
    public name: Word,
    public matchWord: Word | undefined,
    public known: boolean,
  ) {}

  get unsupportedRevision(): boolean | undefined {
    return this.revisionEnd !== undefined ? true : undefined;
  }

  markUnsupportedRevision(revisionEnd: Word): void {
    this.revisionEnd = revisionEnd;
  }

  get options(): ExtensionOption[] {
    return listOf(this.optionList);
  }

  addOption(option: ExtensionOption): void {
    (this.optionList ??= []).push(option);
  }

  /** Drops the spare capacity `push` left: the node lives as long as the dump. */
  trim(): void {
    if (this.optionList !== undefined) this.optionList = this.optionList.slice();
  }

  get span(): Span {
    const options = this.optionList ?? [];
    const first = options[0];
    const start = this.matchWord?.span ?? first?.span ?? this.name.span;
    const last = options[options.length - 1];
    return spanFrom(start, last?.span ?? (this.revisionEnd ?? this.name).span);
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

export class TargetNode implements TargetSpec {
  readonly kind = 'target';
  private optionList: ExtensionOption[] | undefined;
  private revisionEnd: Word | undefined;

  constructor(
    public via: TargetKind,
    public jumpWord: Word,
    public name: Word,
    public known: boolean,
  ) {}

  get unsupportedRevision(): boolean | undefined {
    return this.revisionEnd !== undefined ? true : undefined;
  }

  markUnsupportedRevision(revisionEnd: Word): void {
    this.revisionEnd = revisionEnd;
  }

  get options(): ExtensionOption[] {
    return listOf(this.optionList);
  }

  addOption(option: ExtensionOption): void {
    (this.optionList ??= []).push(option);
  }

  trim(): void {
    if (this.optionList !== undefined) this.optionList = this.optionList.slice();
  }

  get span(): Span {
    const last = this.optionList?.[this.optionList.length - 1];
    return spanFrom(this.jumpWord.span, last?.span ?? (this.revisionEnd ?? this.name).span);
  }

  toJSON(): TargetSpec {
    const json: TargetSpec = { kind: this.kind, via: this.via, jumpWord: this.jumpWord, name: this.name, known: this.known, options: this.options, span: this.span };
    if (this.revisionEnd !== undefined) json.unsupportedRevision = true;
    return json;
  }
}

export class RuleSpecNode implements RuleSpec {
  constructor(
    public parts: RulePart[],
    /** The last word before an empty rule specification (it sits right after it). */
    private readonly anchor: Word,
  ) {}

  get span(): Span {
    const first = this.parts[0];
    const last = this.parts[this.parts.length - 1];
    if (first === undefined || last === undefined) return spanAfter(this.anchor.span);
    return spanFrom(first.span, last.span);
  }

  toJSON(): RuleSpec {
    return { parts: this.parts, span: this.span };
  }
}

/** The parts of a command line other than its command, as rule-spec.ts reads them. */
export interface CommandFields {
  counters: Counters | undefined;
  chain: Word | undefined;
  ruleNumber: Word | undefined;
  argument: Word | undefined;
  familyOnly: Family | undefined;
  rule: RuleSpec | undefined;
}

/** A command line; its span is the whole line, kept as three numbers. */
export class CommandNode implements CommandLine {
  readonly kind = 'command';
  counters: Counters | undefined;
  chain: Word | undefined;
  ruleNumber: Word | undefined;
  argument: Word | undefined;
  familyOnly: Family | undefined;
  rule: RuleSpec | undefined;
  private readonly line: number;
  private readonly offset: number;
  private readonly length: number;

  constructor(
    public command: CommandName,
    public commandWord: Word,
    public trailingBlank: boolean,
    fields: CommandFields,
    position: LinePosition,
  ) {
    this.counters = fields.counters;
    this.chain = fields.chain;
    this.ruleNumber = fields.ruleNumber;
    this.argument = fields.argument;
    this.familyOnly = fields.familyOnly;
    this.rule = fields.rule;
    this.line = position.line;
    this.offset = position.offset;
    this.length = position.length;
  }

  get span(): Span {
    return { line: this.line, column: 1, endLine: this.line, endColumn: this.length + 1, offset: this.offset };
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
