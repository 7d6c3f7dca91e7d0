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
import { itemsOf, withItem, type CompactList } from './compact-list.js';
import { LineWords, SourceWord, spanAfter, spanFrom, type WordRef } from './words.js';

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

/** Where an option's words are, when they do not fit in `packOptionRefs` (pieces of words, long lines, `!` on both sides). */
interface OptionRefs {
  option: WordRef;
  values: ValueRefs;
  negation: Negation;
  bang: WordRef | undefined;
  prefixBang: WordRef | undefined;
}

/** Word indexes up to this fit in a packed field (a rule line has at most 251 words for iptables-restore). */
const PACKED_MAX = 1022;
const PACKED_BITS = 10;
const PACKED_MASK = (1 << PACKED_BITS) - 1;

function packable(ref: WordRef | undefined): ref is number | undefined {
  return ref === undefined || (typeof ref === 'number' && ref <= PACKED_MAX);
}

/** A packed field: 0 for none, else the word index + 1. */
function packedField(packed: number, shift: number): number | undefined {
  const field = (packed >>> shift) & PACKED_MASK;
  return field === 0 ? undefined : field - 1;
}

/**
 * The option, its value and its `!` as three word indexes in one small
 * integer, when they are plain words of the line (nearly always): an option
 * node is then three fields, not seven. The negation follows from where the
 * `!` is: before the option (prefix) or after it (infix).
 */
function packOptionRefs(refs: OptionRefs): number | OptionRefs {
  const { option, values, negation, bang, prefixBang } = refs;
  if (typeof option !== 'number' || option > PACKED_MAX || Array.isArray(values) || !packable(values) || !packable(bang)) return refs;
  const expected: Negation = bang === undefined ? 'none' : bang < option ? 'prefix' : 'infix';
  if (negation !== expected || prefixBang !== (negation === 'prefix' ? bang : undefined)) return refs;
  return (option + 1) | ((values === undefined ? 0 : values + 1) << PACKED_BITS) | ((bang === undefined ? 0 : bang + 1) << (2 * PACKED_BITS));
}

function unpackOptionRefs(refs: number | OptionRefs): OptionRefs {
  if (typeof refs !== 'number') return refs;
  const option = packedField(refs, 0) as number;
  const bang = packedField(refs, 2 * PACKED_BITS);
  const negation: Negation = bang === undefined ? 'none' : bang < option ? 'prefix' : 'infix';
  return { option, values: packedField(refs, PACKED_BITS), negation, bang, prefixBang: negation === 'prefix' ? bang : undefined };
}

/** What base and extension options share: the span runs from a prefix `!` (or the option) to the last value. */
abstract class OptionNode<Name extends string> {
  private refs: number | OptionRefs;

  constructor(
    private readonly words: LineWords,
    public name: Name,
    negation: Negation,
    option: WordRef,
    values: ValueRefs,
    /** The `!` that negates the option (before or after it), if any. */
    bang: WordRef | undefined,
    /** A `!` written before the option: the option starts there. */
    prefixBang: WordRef | undefined,
  ) {
    this.refs = packOptionRefs({ option, values, negation, bang, prefixBang });
  }

  get negation(): Negation {
    const refs = this.refs;
    if (typeof refs !== 'number') return refs.negation;
    const bang = packedField(refs, 2 * PACKED_BITS);
    return bang === undefined ? 'none' : bang < (packedField(refs, 0) as number) ? 'prefix' : 'infix';
  }

  /** Changes only how the option is printed (tests and fixes build variants this way). */
  set negation(negation: Negation) {
    this.refs = { ...unpackOptionRefs(this.refs), negation };
  }

  private get option(): WordRef {
    const refs = this.refs;
    return typeof refs === 'number' ? (packedField(refs, 0) as number) : refs.option;
  }

  private get valueRefs(): ValueRefs {
    const refs = this.refs;
    return typeof refs === 'number' ? packedField(refs, PACKED_BITS) : refs.values;
  }

  get optionWord(): Word {
    return this.words.word(this.option);
  }

  get values(): Word[] {
    return expandValues(this.words, this.valueRefs);
  }

  get bangSpan(): Span | undefined {
    const bang = unpackOptionRefs(this.refs).bang;
    return bang === undefined ? undefined : this.words.spanOf(bang);
  }

  get span(): Span {
    const { option, values, prefixBang } = unpackOptionRefs(this.refs);
    return spanFrom(this.words.spanOf(prefixBang ?? option), this.words.spanOf(lastValue(values) ?? option));
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

const KNOWN = 1 << (2 * PACKED_BITS);
const GOTO = 1 << (2 * PACKED_BITS + 1);

/** A name word, the word before it (`-m`, `-j`; none for an implicit match) and whether the extension is known, in one small integer, when both are plain words of the line. */
function packPair(nameRef: WordRef, keywordRef: WordRef | undefined, known: boolean): number | undefined {
  if (typeof nameRef !== 'number' || nameRef > PACKED_MAX || !packable(keywordRef)) return undefined;
  return (nameRef + 1) | ((keywordRef === undefined ? 0 : keywordRef + 1) << PACKED_BITS) | (known ? KNOWN : 0);
}

/** The words of a match or a target when they are not packed in one integer. */
interface UnpackedExtensionRefs {
  nameRef: WordRef;
  known: boolean;
  revisionEnd?: WordRef;
}

interface MatchRefs extends UnpackedExtensionRefs {
  matchRef: WordRef | undefined;
}

interface TargetRefs extends UnpackedExtensionRefs {
  via: TargetKind;
  jumpRef: WordRef;
}

/** What a match and a target share: options added one by one, and the legacy `[unsupported revision]` note. */
abstract class ExtensionNode {
  /** The name word, the word before it and `known`, packed (see packPair) or as they are when they do not fit. */
  protected abstract refs: number | UnpackedExtensionRefs;
  /** No option, one (the common case, kept without an array), or an array of two or more. */
  private optionList: CompactList<ExtensionOption>;

  /** The refs as an object: the form a node without a packed field keeps. */
  protected abstract unpackedRefs(): UnpackedExtensionRefs;

  /** The `revision]` word of a legacy `[unsupported revision]` note (kept with the unpacked refs: rare). */
  protected get revisionEnd(): WordRef | undefined {
    const refs = this.refs;
    return typeof refs === 'number' ? undefined : refs.revisionEnd;
  }

  get unsupportedRevision(): boolean | undefined {
    return this.revisionEnd !== undefined ? true : undefined;
  }

  markUnsupportedRevision(revisionEnd: WordRef): void {
    this.refs = { ...this.unpackedRefs(), revisionEnd };
  }

  get known(): boolean {
    const refs = this.refs;
    return typeof refs === 'number' ? (refs & KNOWN) !== 0 : refs.known;
  }

  protected get nameRef(): WordRef {
    const refs = this.refs;
    return typeof refs === 'number' ? (packedField(refs, 0) as number) : refs.nameRef;
  }

  get options(): ExtensionOption[] {
    return itemsOf(this.optionList);
  }

  addOption(option: ExtensionOption): void {
    this.optionList = withItem(this.optionList, option);
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
  protected refs: number | MatchRefs;

  constructor(
    private readonly words: LineWords,
    nameRef: WordRef,
    matchRef: WordRef | undefined,
    known: boolean,
  ) {
    super();
    this.refs = packPair(nameRef, matchRef, known) ?? { nameRef, matchRef, known };
  }

  private get matchRef(): WordRef | undefined {
    const refs = this.refs;
    return typeof refs === 'number' ? packedField(refs, PACKED_BITS) : refs.matchRef;
  }

  protected unpackedRefs(): MatchRefs {
    const refs = this.refs;
    return typeof refs === 'number' ? { nameRef: this.nameRef, matchRef: this.matchRef, known: this.known } : refs;
  }

  get name(): Word {
    return this.words.word(this.nameRef);
  }

  get matchWord(): Word | undefined {
    return optionalWord(this.words, this.matchRef);
  }

  get span(): Span {
    const first = this.firstOption();
    const matchRef = this.matchRef;
    const start = matchRef !== undefined ? this.words.spanOf(matchRef) : (first?.span ?? this.words.spanOf(this.nameRef));
    const last = this.lastOption();
    return spanFrom(start, last?.span ?? this.words.spanOf(this.revisionEnd ?? this.nameRef));
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
  /** Packed as ExtensionNode says, `-g` as a flag. */
  protected refs: number | TargetRefs;

  constructor(
    private readonly words: LineWords,
    via: TargetKind,
    jumpRef: WordRef,
    nameRef: WordRef,
    known: boolean,
  ) {
    super();
    const packed = packPair(nameRef, jumpRef, known);
    this.refs = packed === undefined ? { via, jumpRef, nameRef, known } : packed | (via === 'goto' ? GOTO : 0);
  }

  get via(): TargetKind {
    const refs = this.refs;
    return typeof refs === 'number' ? ((refs & GOTO) !== 0 ? 'goto' : 'jump') : refs.via;
  }

  private get jumpRef(): WordRef {
    const refs = this.refs;
    return typeof refs === 'number' ? (packedField(refs, PACKED_BITS) as number) : refs.jumpRef;
  }

  protected unpackedRefs(): TargetRefs {
    const refs = this.refs;
    return typeof refs === 'number' ? { via: this.via, jumpRef: this.jumpRef, nameRef: this.nameRef, known: this.known } : refs;
  }

  get jumpWord(): Word {
    return this.words.word(this.jumpRef);
  }

  get name(): Word {
    return this.words.word(this.nameRef);
  }

  get span(): Span {
    const last = this.lastOption();
    return spanFrom(this.words.spanOf(this.jumpRef), last?.span ?? this.words.spanOf(this.revisionEnd ?? this.nameRef));
  }

  toJSON(): TargetSpec {
    const json: TargetSpec = { kind: this.kind, via: this.via, jumpWord: this.jumpWord, name: this.name, known: this.known, options: this.options, span: this.span };
    if (this.revisionEnd !== undefined) json.unsupportedRevision = true;
    return json;
  }
}
kindOnPrototype(TargetNode, 'target');

/** A rule specification with at least one part: it spans from the first part to the last. */
export class RuleSpecNode implements RuleSpec {
  constructor(public parts: RulePart[]) {}

  get span(): Span {
    const parts = this.parts;
    return spanFrom((parts[0] as RulePart).span, (parts[parts.length - 1] as RulePart).span);
  }

  toJSON(): RuleSpec {
    return { parts: this.parts, span: this.span };
  }
}

/** An empty rule specification (`-A CHAIN` alone): a zero-width span right after the last word before it. */
export class EmptyRuleSpecNode implements RuleSpec {
  readonly parts: RulePart[] = [];

  constructor(
    private readonly words: LineWords,
    private readonly anchor: WordRef,
  ) {}

  get span(): Span {
    return spanAfter(this.words.spanOf(this.anchor));
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
  /** The parts of the rule specification (none for `-A CHAIN` alone); undefined when the command takes none. */
  ruleParts: RulePart[] | undefined;
}

const COMMAND_NAMES: readonly CommandName[] = ['append', 'insert', 'replace', 'delete', 'check', 'new-chain', 'delete-chain', 'flush', 'zero', 'policy', 'rename-chain', 'list', 'list-rules'];
const COMMAND_INDEX = new Map(COMMAND_NAMES.map((name, index) => [name, index]));

/** The parts of a command line most lines do not have, and the words that do not fit in CommandNode's packed field. */
interface RareCommandFields {
  commandRef: WordRef;
  chainRef: WordRef | undefined;
  counters: Counters | undefined;
  ruleNumberRef: WordRef | undefined;
  argumentRef: WordRef | undefined;
  familyOnly: Family | undefined;
}

const TRAILING_BLANK = 1 << (2 * PACKED_BITS);
const COMMAND_SHIFT = 2 * PACKED_BITS + 1;

/**
 * A command line; its span is the whole line. The node is also the line's
 * LineWords, and keeps its rule's parts without a RuleSpec object (`rule`
 * makes one when read): a dump keeps one object per rule line, not three.
 * The command, its word, the chain word and the trailing blank are packed in
 * one small integer; the rest (counters, rule number, `-E`/`-P` argument,
 * `-4`/`-6`) is in a side object only lines that have it pay for.
 *
 * The reader makes the node from the line's words before it reads them (the
 * parts keep a reference to it) and `settle`s it once the line is read.
 */
export class CommandNode extends LineWords implements CommandLine {
  declare readonly kind: 'command';
  private ruleParts: RulePart[] | undefined = undefined;
  private packed = 0;
  private rare: RareCommandFields | undefined = undefined;
  private lineLength = 0;

  constructor(words: LineWords) {
    super(0, '', 0, '', undefined);
    this.takeWordsOf(words);
  }

  settle(command: CommandName, commandRef: WordRef, trailingBlank: boolean, fields: CommandFields, position: LinePosition): void {
    this.ruleParts = fields.ruleParts;
    this.lineLength = position.length;
    let packed = ((COMMAND_INDEX.get(command) as number) << COMMAND_SHIFT) | (trailingBlank ? TRAILING_BLANK : 0);
    const chainRef = fields.chain;
    const plain = fields.counters === undefined && fields.ruleNumber === undefined && fields.argument === undefined && fields.familyOnly === undefined;
    if (plain && typeof commandRef === 'number' && commandRef <= PACKED_MAX && packable(chainRef)) {
      packed |= (commandRef + 1) | ((chainRef === undefined ? 0 : chainRef + 1) << PACKED_BITS);
    } else {
      this.rare = { commandRef, chainRef, counters: fields.counters, ruleNumberRef: fields.ruleNumber, argumentRef: fields.argument, familyOnly: fields.familyOnly };
    }
    this.packed = packed;
  }

  get command(): CommandName {
    return COMMAND_NAMES[this.packed >>> COMMAND_SHIFT] as CommandName;
  }

  get trailingBlank(): boolean {
    return (this.packed & TRAILING_BLANK) !== 0;
  }

  get counters(): Counters | undefined {
    return this.rare?.counters;
  }

  get familyOnly(): Family | undefined {
    return this.rare?.familyOnly;
  }

  private get commandRef(): WordRef {
    return this.rare?.commandRef ?? (packedField(this.packed, 0) as number);
  }

  private get chainRef(): WordRef | undefined {
    const rare = this.rare;
    return rare !== undefined ? rare.chainRef : packedField(this.packed, PACKED_BITS);
  }

  get commandWord(): Word {
    return this.word(this.commandRef);
  }

  get chain(): Word | undefined {
    return optionalWord(this, this.chainRef);
  }

  get ruleNumber(): Word | undefined {
    return optionalWord(this, this.rare?.ruleNumberRef);
  }

  get argument(): Word | undefined {
    return optionalWord(this, this.rare?.argumentRef);
  }

  /** A new RuleSpec over the kept parts on each read; an empty one sits right after the last word before it. */
  get rule(): RuleSpec | undefined {
    const parts = this.ruleParts;
    if (parts === undefined) return undefined;
    if (parts.length > 0) return new RuleSpecNode(parts);
    const rare = this.rare;
    return new EmptyRuleSpecNode(this, rare?.ruleNumberRef ?? rare?.argumentRef ?? this.chainRef ?? this.commandRef);
  }

  get span(): Span {
    return wholeLineSpan(this.line, this.lineOffset, this.lineLength);
  }

  toJSON(): CommandLine {
    const json: CommandLine = { kind: this.kind, command: this.command, commandWord: this.commandWord, trailingBlank: this.trailingBlank, span: this.span };
    if (this.counters !== undefined) json.counters = this.counters;
    if (this.chain !== undefined) json.chain = this.chain;
    if (this.ruleNumber !== undefined) json.ruleNumber = this.ruleNumber;
    if (this.argument !== undefined) json.argument = this.argument;
    if (this.familyOnly !== undefined) json.familyOnly = this.familyOnly;
    const rule = this.rule;
    if (rule !== undefined) json.rule = rule;
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

/**
 * A word of a chain line kept as its text alone when it is a plain word of
 * that line (its column is kept by the ChainNode), otherwise as the Word.
 */
type ChainWord = string | Word;

/** Columns up to this fit in ChainNode's packed field (15 bits each). */
const CHAIN_COLUMN_MAX = 0x7fff;

/**
 * `:NAME POLICY [p:b]`; its span is the whole line, kept as numbers, and its
 * name and policy as their texts and columns: a Kubernetes dump declares one
 * chain for every three rules, and two Word objects per chain were 100 bytes.
 */
export class ChainNode implements ChainDeclaration {
  declare readonly kind: 'chain';
  trailing: string | undefined;
  /** The counters' packets text when they are kept as texts and columns (nearly always), else the Counters. */
  private counterPackets: string | Counters | undefined;
  private counterBytes = '';
  /** Column and end column of the counters kept as texts (15 bits each). */
  private counterColumns = 0;
  private readonly line: number;
  private readonly offset: number;
  private readonly length: number;
  private readonly nameWord: ChainWord;
  private readonly policyWord: ChainWord;
  /** Name column and policy column (15 bits each), for the words kept as text. */
  private readonly columns: number;

  constructor(name: Word, policy: Word, position: LinePosition) {
    this.line = position.line;
    this.offset = position.offset;
    this.length = position.length;
    const nameSpan = name.span;
    const policySpan = policy.span;
    const plainName = isPlainWordAt(name, nameSpan, position);
    const plainPolicy = isPlainWordAt(policy, policySpan, position);
    this.nameWord = plainName ? name.text : name;
    this.policyWord = plainPolicy ? policy.text : policy;
    this.columns = (plainName ? nameSpan.column : 0) | ((plainPolicy ? policySpan.column : 0) << 15);
  }

  get name(): Word {
    return this.chainWord(this.nameWord, this.columns & CHAIN_COLUMN_MAX);
  }

  get policy(): Word {
    return this.chainWord(this.policyWord, this.columns >>> 15);
  }

  get counters(): Counters | undefined {
    const packets = this.counterPackets;
    if (typeof packets !== 'string') return packets;
    const column = this.counterColumns & CHAIN_COLUMN_MAX;
    const at: Span = { line: this.line, column, endLine: this.line, endColumn: this.counterColumns >>> 15, offset: this.offset + column - 1 };
    return new CountersNode(packets, this.counterBytes, at);
  }

  set counters(counters: Counters | undefined) {
    const span = counters?.span;
    if (counters === undefined || span === undefined || !fitsOnLine(span, this.line, this.offset)) {
      this.counterPackets = counters;
      return;
    }
    this.counterPackets = counters.packets;
    this.counterBytes = counters.bytes;
    this.counterColumns = span.column | (span.endColumn << 15);
  }

  get span(): Span {
    return wholeLineSpan(this.line, this.offset, this.length);
  }

  private chainWord(word: ChainWord, column: number): Word {
    return typeof word === 'string' ? new SourceWord(word, this.line, column, this.offset + column - 1) : word;
  }

  toJSON(): ChainDeclaration {
    const json: ChainDeclaration = { kind: this.kind, name: this.name, policy: this.policy, span: this.span };
    if (this.counters !== undefined) json.counters = this.counters;
    if (this.trailing !== undefined) json.trailing = this.trailing;
    return json;
  }
}

/** The span lies on the line `line` that starts at `offset`, at columns that fit in ChainNode's 15-bit fields. */
function fitsOnLine(span: Span, line: number, offset: number): boolean {
  return span.line === line && span.endLine === line && span.column >= 1 && span.endColumn <= CHAIN_COLUMN_MAX && span.offset === offset + span.column - 1;
}

/** The word is its raw text at its span, on the line at `position` (see fitsOnLine). */
function isPlainWordAt(word: Word, span: Span, position: LinePosition): boolean {
  return word.raw === word.text && span.endColumn - span.column === word.text.length && fitsOnLine(span, position.line, position.offset);
}
kindOnPrototype(ChainNode, 'chain');
