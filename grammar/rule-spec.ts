/**
 * Reads the argv words of one command line the way iptables does
 * (`iptables/xshared.c: do_parse()` driving `getopt_long()`), producing a
 * CommandLine: the command and its chain, base options, matches with their
 * options, and the target.
 *
 * getopt behaviour reproduced here:
 * - long options: `--name value`, `--name=value`, unique prefixes; an exact
 *   name wins; the option table is iptables' own options followed by the
 *   options of the loaded extensions, newest first (`xtables_merge_options()`);
 * - short options: attached arguments (`-ptcp`) and clusters (`-4f`);
 * - a required argument is the next word whatever it looks like; optional
 *   command arguments (`-F [chain]`, `-I chain [rulenum]`) are taken only when
 *   the next word does not begin with `-` or `!` (`xs_has_arg()`);
 * - `!` alone negates the next option; old dumps put it after the option
 *   (`-s ! x`, `--dport ! 22`: "intrapositioned", accepted until v1.4.11);
 * - an option no loaded extension knows loads the match named by `-p` once
 *   (`xshared.c: command_default()` → `load_proto()`).
 *
 * A problem that leaves the meaning of every word clear (a repeated option,
 * a `!` on a non-invertible option, a bad rule number) is reported and the
 * command is still returned. When a word cannot be placed (an unknown option,
 * a bare word, a dangling `!`) or an argument is missing (printing the
 * command in canonical order could then change what the words mean), reading
 * stops and no command is returned: the caller keeps the line verbatim as an
 * InvalidLine.
 */
import type {
  BaseOptionName,
  CommandLine,
  CommandName,
  Counters,
  Family,
  MatchSpec,
  Negation,
  ParseError,
  RulePart,
  Span,
  TargetSpec,
  Word,
} from './ast.js';
import { BASE_BY_FLAG, BASE_BY_LONG, BASE_BY_SHORT, BASE_OPTIONS, RULE_COMMANDS, shortFormOf, type BaseOptionSpec } from './base-options.js';
import type { OptionDef } from './extension-types.js';
import { EXTENSIONS } from './extensions-data.js';
import { findMatch, findTarget, implicitProtocolMatch, optionNames, type ExtensionInfo } from './extensions.js';
import { closestNames } from './suggest.js';
import { BaseOptionNode, CommandNode, ExtensionOptionNode, MatchNode, TargetNode, wholeLineSpan, type LinePosition, type ValueRefs } from './nodes.js';
import { LineWords, sliceWord, spanAfter, spanFrom, wordAt, type WordRef } from './words.js';

export interface CommandWords {
  words: LineWords;
  /** Line-level `[p:b]` counters, already validated. */
  counters: Counters | undefined;
  /** The whole line. */
  position: LinePosition;
  trailingBlank: boolean;
}

export interface CommandReading {
  /** Absent when some word could not be placed; the errors say why. */
  command?: CommandLine;
  errors: ParseError[];
}

let sharedReader: CommandLineReader | undefined;

export function readCommandLine(input: CommandWords): CommandReading {
  sharedReader ??= new CommandLineReader();
  return sharedReader.read(input);
}

interface LoadedExtension {
  part: MatchNode | TargetNode;
  /** Undefined for modules the registry does not know: their options are split generically. */
  info: ExtensionInfo | undefined;
}

type Resolution =
  | { kind: 'base'; spec: BaseOptionSpec }
  | { kind: 'extension'; extension: LoadedExtension; option: OptionDef }
  | { kind: 'ambiguous'; names: string[] }
  | { kind: 'unknown' };

/** Thrown (one shared instance, no stack trace) to stop reading a line that cannot be represented. */
class StopReading {}
const STOP_READING = new StopReading();

const RULE_NUMBER = /^[0-9]+$/;
const RULE_RANGE = /^[0-9]+(?::[0-9]+)?$/;
const COUNTER = /^[0-9]+$/;
const INT_MAX = 2147483647;

/** What the reader holds between lines. */
const NO_INPUT: CommandWords = { words: new LineWords(0, '', 0, '', undefined), counters: undefined, position: { line: 0, offset: 0, length: 0 }, trailingBlank: false };

/**
 * Words are handled as WordRefs: the index of one of the line's words, or a
 * Word made for a piece of one (`-s1.2.3.4`, `--dport=22`, a letter of `-4f`).
 * A Word object for a line word is made only where one is needed (errors).
 *
 * One reader reads every line: its state is reset per line, and its lists of
 * parts and loaded extensions are reused (filled up to a count), so that an
 * ordinary line allocates nothing but the nodes it returns.
 */
class CommandLineReader {
  private input: CommandWords = NO_INPUT;
  /** The node of the line being read: the parts refer to it for their words. */
  private words: CommandNode = new CommandNode(NO_INPUT.words);
  private next = 0;
  private bang: WordRef | undefined;
  private errors: ParseError[] = [];

  private commandName: CommandName | undefined;
  private commandWord: WordRef | undefined;
  private chain: WordRef | undefined;
  private ruleNumber: WordRef | undefined;
  private argument: WordRef | undefined;
  private familyOnly: Family | undefined;
  private readonly parts: RulePart[] = [];
  private partCount = 0;
  private readonly loaded: LoadedExtension[] = [];
  private loadedCount = 0;

  private target: TargetSpec | undefined;
  private protocol: WordRef | undefined;
  private protocolMatchTried = false;

  read(input: CommandWords): CommandReading {
    this.input = input;
    this.words = new CommandNode(input.words);
    this.next = 0;
    this.bang = undefined;
    this.errors = [];
    this.commandName = undefined;
    this.commandWord = undefined;
    this.chain = undefined;
    this.ruleNumber = undefined;
    this.argument = undefined;
    this.familyOnly = undefined;
    this.partCount = 0;
    this.loadedCount = 0;
    this.target = undefined;
    this.protocol = undefined;
    this.protocolMatchTried = false;
    try {
      const count = this.words.length;
      while (this.next < count) this.readWord(this.next++);
      if (this.bang !== undefined) {
        this.fail('syntax/dangling-negation', 'nothing follows `!`: it must stand right before the option it negates', this.span(this.bang), 'an option after `!`');
      }
      return { command: this.buildCommand(), errors: this.errors };
    } catch (error) {
      if (error instanceof StopReading) return { errors: this.errors };
      throw error;
    }
  }

  private text(ref: WordRef): string {
    return this.words.text(ref);
  }

  private span(ref: WordRef): Span {
    return this.words.spanOf(ref);
  }

  // ---------------------------------------------------------------- words

  private readWord(index: number): void {
    const text = this.text(index);
    if (text === '!') return this.readBang(index);
    if (text.length >= 2 && text.charCodeAt(0) === 0x2d) {
      if (text.charCodeAt(1) !== 0x2d) return this.readShortOptions(index);
      if (text.length > 2) return this.readLongOption(index);
      this.fail('syntax/end-of-options', '`--` ends option parsing; iptables then rejects every word after it', this.span(index), 'an option');
    }
    this.failBareWord(index);
  }

  private readBang(index: number): void {
    if (this.bang !== undefined) {
      this.fail('syntax/double-negation', 'multiple consecutive `!` are not allowed', this.span(index), 'one `!` before an option');
    }
    this.bang = index;
  }

  private failBareWord(index: number): never {
    const text = this.text(index);
    const hints: string[] = [];
    const previous = index >= 1 ? this.text(index - 1) : undefined;
    if (text.includes("'") || previous?.startsWith("'")) hints.push('single quotes are ordinary characters for iptables-restore; quote with "…"');
    if (text === 'COMMIT') hints.push('`COMMIT` must be alone on its line, with nothing after it');
    const hint = hints.length > 0 ? ` (${hints.join('; ')})` : '';
    this.fail(
      'syntax/unexpected-word',
      `Bad argument \`${text}\`: a bare word where an option or \`!\` was expected${hint}`,
      this.span(index),
      'an option such as `-j`, `--dport` or `!`',
    );
  }

  private readShortOptions(index: number): void {
    const text = this.text(index);
    for (let position = 1; position < text.length; position++) {
      const letter = text[position] as string;
      const optionWord = position > 1 ? syntheticOptionWord(this.words.word(index), position, `-${letter}`) : text.length === 2 ? index : sliceWord(this.words.word(index), 0, 2);
      const spec = BASE_BY_SHORT.get(letter);
      if (spec === undefined) {
        const close = closestNames(`-${letter}`, [...BASE_BY_SHORT.keys()].map((key) => `-${key}`));
        this.fail('syntax/unknown-option', `unknown option \`-${letter}\``, this.span(optionWord), close.length > 0 ? close.join(', ') : undefined);
      }
      if (spec.argument === 'none') {
        this.applyBase(spec, optionWord, undefined);
        continue;
      }
      const attached = position + 1 < text.length ? sliceWord(this.words.word(index), position + 1) : undefined;
      this.applyBase(spec, optionWord, attached);
      return;
    }
  }

  private readLongOption(index: number): void {
    const text = this.text(index);
    const equals = text.indexOf('=', 2);
    if (equals < 0 && this.applyExactFlag(index, text)) return;

    const name = equals < 0 ? text.slice(2) : text.slice(2, equals);
    const optionWord = equals < 0 ? index : sliceWord(this.words.word(index), 0, equals);
    const attached = equals < 0 ? undefined : sliceWord(this.words.word(index), equals + 1);

    let resolution = this.resolveLong(name);
    if ((resolution.kind === 'unknown' || resolution.kind === 'ambiguous') && this.loadProtocolMatch(name)) {
      resolution = this.resolveLong(name);
    }
    this.applyResolution(resolution, name, optionWord, attached);
  }

  private applyResolution(resolution: Resolution, name: string, optionWord: WordRef, attached: Word | undefined): void {
    switch (resolution.kind) {
      case 'base':
        return this.applyBase(resolution.spec, optionWord, attached);
      case 'extension':
        return this.applyExtensionOption(resolution.extension, resolution.option, optionWord, attached);
      case 'ambiguous':
        return this.fail(
          'syntax/ambiguous-option',
          `option \`--${name}\` is ambiguous: it abbreviates ${resolution.names.map((n) => `--${n}`).join(', ')}`,
          this.span(optionWord),
          resolution.names.map((n) => `--${n}`).join(' or '),
        );
      case 'unknown': {
        const opaque = this.newestOpaqueExtension();
        if (opaque !== undefined) return this.applyOpaqueOption(opaque, name, optionWord, attached);
        return this.failUnknownLongOption(name, optionWord);
      }
    }
  }

  // ------------------------------------------------------ option lookup

  /** The common case, an exact `--name` without `=`: looked up without slicing the word. */
  private applyExactFlag(index: number, text: string): boolean {
    const base = BASE_BY_FLAG.get(text);
    if (base !== undefined) {
      this.applyBase(base, index, undefined);
      return true;
    }
    for (let k = this.loadedCount - 1; k >= 0; k--) {
      const extension = this.loaded[k] as LoadedExtension;
      const option = extension.info?.optionsByFlag.get(text);
      if (option !== undefined) {
        this.applyExtensionOption(extension, option, index, undefined);
        return true;
      }
    }
    return false;
  }

  /** getopt_long over iptables' options + loaded extensions (newest first): exact name, else a unique prefix. */
  private resolveLong(name: string): Resolution {
    const base = BASE_BY_LONG.get(name);
    if (base !== undefined) return { kind: 'base', spec: base };
    for (let k = this.loadedCount - 1; k >= 0; k--) {
      const extension = this.loaded[k] as LoadedExtension;
      const option = extension.info?.optionsByName.get(name);
      if (option !== undefined) return { kind: 'extension', extension, option };
    }
    if (name === '') return { kind: 'unknown' };

    const found = new Map<unknown, { resolution: Resolution; name: string }>();
    for (const spec of BASE_OPTIONS) {
      const longName = spec.long.find((candidate) => candidate.startsWith(name));
      if (longName !== undefined && !found.has(spec)) found.set(spec, { resolution: { kind: 'base', spec }, name: longName });
    }
    for (let k = this.loadedCount - 1; k >= 0; k--) {
      const extension = this.loaded[k] as LoadedExtension;
      for (const [optionName, option] of extension.info?.optionsByName ?? []) {
        if (!optionName.startsWith(name) || found.has(option)) continue;
        // Same option loaded twice (two `-m tcp`): getopt takes the newest, it is not ambiguous.
        if ([...found.values()].some((f) => f.resolution.kind === 'extension' && f.resolution.option === option)) continue;
        found.set(option, { resolution: { kind: 'extension', extension, option }, name: optionName });
      }
    }
    if (found.size === 1) return ([...found.values()][0] as { resolution: Resolution }).resolution;
    if (found.size > 1) return { kind: 'ambiguous', names: [...found.values()].map((f) => f.name) };
    return { kind: 'unknown' };
  }

  /** `-p tcp --dport 22`: load the protocol's match once, on the first option nobody knows. */
  private loadProtocolMatch(optionName: string): boolean {
    if (this.protocol === undefined || this.protocolMatchTried) return false;
    this.protocolMatchTried = true;
    const info = implicitProtocolMatch(this.text(this.protocol));
    if (info === undefined || !info.optionsByName.has(optionName) && ![...info.optionsByName.keys()].some((n) => n.startsWith(optionName))) {
      return false;
    }
    const match = new MatchNode(this.words, wordAt(info.def.name, this.words.raw(this.protocol), this.span(this.protocol)), undefined, true);
    this.addPart(match);
    this.addLoaded({ part: match, info });
    return true;
  }

  private newestOpaqueExtension(): LoadedExtension | undefined {
    for (let k = this.loadedCount - 1; k >= 0; k--) {
      const extension = this.loaded[k] as LoadedExtension;
      if (extension.info === undefined) return extension;
    }
    return undefined;
  }

  private failUnknownLongOption(name: string, optionWord: WordRef): never {
    const known = this.loaded.slice(0, this.loadedCount).filter((extension) => extension.info !== undefined);
    const candidates = [...BASE_BY_LONG.keys(), ...known.flatMap((extension) => optionNames(extension.info as ExtensionInfo))];
    const close = closestNames(name, candidates).map((n) => `--${n}`);
    const owners = EXTENSIONS.filter((def) => def.options.some((option) => option.name === name || option.aliases?.includes(name)));
    let message: string;
    if (known.length > 0) {
      const names = known.map((extension) => describeExtension(extension.part)).join(', ');
      message = `unknown option \`--${name}\`: not an option of iptables or of ${names}`;
    } else {
      message = `unknown option \`--${name}\`: not an iptables option, and no match or target is loaded before it`;
    }
    if (close.length > 0) message += ` (did you mean ${close.join(', ')}?)`;
    if (owners.length > 0) {
      const where = owners.map((def) => (def.kind === 'match' ? `-m ${def.name}` : `-j ${def.name}`)).slice(0, 4).join(', ');
      message += `; \`--${name}\` belongs to ${where}`;
    }
    const expected = close.length > 0 ? close.join(', ') : owners.length > 0 ? `\`${owners[0]?.kind === 'match' ? '-m' : '-j'} ${owners[0]?.name ?? ''}\` before \`--${name}\`` : undefined;
    this.fail('syntax/unknown-option', message, this.span(optionWord), expected);
  }

  // ------------------------------------------------------ argument access

  /** A required argument: attached, else the next word whatever it is. */
  private requiredArgument(attached: Word | undefined): WordRef | undefined {
    if (attached !== undefined) return attached;
    if (this.next < this.words.length) return this.next++;
    return undefined;
  }

  /** `xs_has_arg()`: the next word exists and does not begin with `-` or `!`. */
  private hasOperand(): boolean {
    if (this.next >= this.words.length) return false;
    const first = this.text(this.next).charCodeAt(0);
    return first !== 0x2d && first !== 0x21;
  }

  private takeOperand(): WordRef | undefined {
    return this.hasOperand() ? this.next++ : undefined;
  }

  private takeBang(): WordRef | undefined {
    const bang = this.bang;
    this.bang = undefined;
    return bang;
  }

  /** `-s ! x` / `--dport ! 22`: the old (≤ 1.4.10) place for `!`, right after the option. */
  private takeInfixBang(value: WordRef, prefix: WordRef | undefined): boolean {
    if (this.text(value) !== '!' || this.next >= this.words.length) return false;
    if (prefix !== undefined) {
      this.report('syntax/double-negation', 'the option is negated twice (`!` before and after it)', this.span(value), 'a single `!`');
    }
    return true;
  }

  // ------------------------------------------------------ base options

  private applyBase(spec: BaseOptionSpec, optionWord: WordRef, attached: Word | undefined): void {
    const id = spec.id;
    switch (id.kind) {
      case 'command':
        return this.applyCommand(id.command, spec, optionWord, attached);
      case 'option':
        if (id.name === 'fragment') return this.applyFlagOption(id.name, optionWord, attached);
        if (id.name === 'set-counters') return this.applySetCounters(optionWord, attached);
        return this.applyValueOption(id.name, spec, optionWord, attached);
      case 'match':
        return this.applyMatch(optionWord, attached);
      case 'jump':
      case 'goto':
        return this.applyTarget(id.kind, optionWord, attached);
      case 'family':
        return this.applyFamily(id.family, optionWord, attached);
      case 'table':
        this.requiredArgument(attached);
        return this.fail(
          'syntax/table-option',
          `\`${this.text(optionWord)}\` cannot be used in a ruleset file: the table comes from the \`*table\` line (iptables-restore: "The -t option cannot be used")`,
          this.span(optionWord),
        );
      case 'interactive':
        return this.fail('syntax/unsupported-option', `\`${this.text(optionWord)}\` has no place in a ruleset file: it ${id.reason}`, this.span(optionWord));
    }
  }

  private rejectBang(what: string): void {
    const bang = this.takeBang();
    if (bang !== undefined) {
      this.fail('syntax/negation-not-allowed', `\`!\` cannot be used before ${what}`, this.span(bang), `\`${what}\` without \`!\``);
    }
  }

  private applyCommand(name: CommandName, spec: BaseOptionSpec, word: WordRef, attached: Word | undefined): void {
    const written = shortFormOf(spec);
    this.rejectBang(written);
    if (this.commandWord !== undefined) {
      this.fail('syntax/multiple-commands', `only one command per line: \`${this.text(this.commandWord)}\` and \`${this.text(word)}\``, this.span(word));
    }
    this.commandName = name;
    this.commandWord = word;
    switch (name) {
      case 'append':
      case 'check':
      case 'delete':
      case 'insert':
      case 'replace':
      case 'new-chain':
      case 'rename-chain':
      case 'policy':
        this.chain = this.requiredArgument(attached);
        if (this.chain === undefined) this.fail('syntax/missing-argument', `\`${this.text(word)}\` needs a chain name`, spanAfter(this.span(word)), 'a chain name');
        break;
      default:
        this.chain = attached ?? this.takeOperand();
    }
    if (this.chain === undefined) return;
    switch (name) {
      case 'insert':
      case 'delete':
      case 'list':
      case 'list-rules':
      case 'zero':
        this.ruleNumber = this.takeOperand();
        break;
      case 'replace':
        this.ruleNumber = this.takeOperand();
        if (this.ruleNumber === undefined) this.fail('syntax/missing-argument', '`-R` needs a rule number after the chain', spanAfter(this.span(this.chain)), 'a rule number');
        break;
      case 'policy':
        this.argument = this.takeOperand();
        if (this.argument === undefined) this.fail('syntax/missing-argument', '`-P` needs a chain and a policy', spanAfter(this.span(this.chain)), 'ACCEPT or DROP');
        break;
      case 'rename-chain':
        this.argument = this.takeOperand();
        if (this.argument === undefined) this.fail('syntax/missing-argument', '`-E` needs the old and the new chain name', spanAfter(this.span(this.chain)), 'the new chain name');
        break;
      default:
        break;
    }
    if (this.ruleNumber !== undefined) this.checkRuleNumber(name, this.ruleNumber);
  }

  /** `xshared.c: parse_rulenumber()` (1 … INT_MAX); `-D` also takes a range `N:M`. */
  private checkRuleNumber(command: CommandName, word: WordRef): void {
    const text = this.text(word);
    const pattern = command === 'delete' ? RULE_RANGE : RULE_NUMBER;
    const valid = pattern.test(text) && text.split(':').every((n) => Number(n) >= 1 && Number(n) <= INT_MAX);
    if (!valid) this.report('syntax/bad-rule-number', `invalid rule number \`${text}\``, this.span(word), 'a rule number from 1');
  }

  /** `set_option()`: "multiple -s flags not allowed". Call before adding the option to `parts`. */
  private noteBaseOption(name: BaseOptionName, optionWord: WordRef): void {
    for (let k = 0; k < this.partCount; k++) {
      const part = this.parts[k] as RulePart;
      if (part.kind !== 'base' || part.name !== name) continue;
      const text = this.text(optionWord);
      this.report(
        'syntax/duplicate-option',
        `\`${text}\` given twice: iptables allows one ${name} option per rule (first at column ${part.optionWord.span.column})`,
        this.span(optionWord),
      );
      return;
    }
  }

  private applyValueOption(name: BaseOptionName, spec: BaseOptionSpec, optionWord: WordRef, attached: Word | undefined): void {
    const bang = this.takeBang();
    let negation: Negation = bang !== undefined ? 'prefix' : 'none';
    let bangWord = bang;
    let value = this.requiredArgument(attached);
    if (value !== undefined && attached === undefined && this.takeInfixBang(value, bang)) {
      negation = 'infix';
      bangWord = value;
      value = this.next++;
    }
    if (value === undefined) {
      this.fail('syntax/missing-argument', `\`${this.text(optionWord)}\` needs a value`, spanAfter(this.span(optionWord)), `a value after \`${shortFormOf(spec)}\``);
    }
    this.noteBaseOption(name, optionWord);
    this.addPart(new BaseOptionNode(this.words, name, negation, optionWord, value, bangWord, bang));
    if (name === 'protocol') {
      this.protocol = value;
      this.protocolMatchTried = false;
    }
  }

  private applyFlagOption(name: BaseOptionName, optionWord: WordRef, attached: Word | undefined): void {
    if (attached !== undefined) this.failAttachedToFlag(optionWord, attached);
    const bang = this.takeBang();
    this.noteBaseOption(name, optionWord);
    this.addPart(new BaseOptionNode(this.words, name, bang !== undefined ? 'prefix' : 'none', optionWord, undefined, bang, bang));
  }

  /** `-c P B` or `-c P,B` (`do_parse()` case 'c'). */
  private applySetCounters(optionWord: WordRef, attached: Word | undefined): void {
    const option = this.text(optionWord);
    this.rejectBang(option);
    const packets = this.requiredArgument(attached);
    if (packets === undefined) {
      this.fail('syntax/missing-argument', `\`${option}\` needs packet and byte counters`, spanAfter(this.span(optionWord)), 'PACKETS BYTES or PACKETS,BYTES');
    }
    let bytes: WordRef | undefined;
    if (!this.text(packets).includes(',')) {
      bytes = this.takeOperand();
      if (bytes === undefined) {
        this.fail('syntax/missing-argument', `\`${option}\` needs packet and byte counters`, spanAfter(this.span(packets)), 'a byte counter');
      }
    }
    const texts = bytes === undefined ? [this.text(packets)] : [this.text(packets), this.text(bytes)];
    if (texts.flatMap((text) => text.split(',')).some((n) => !COUNTER.test(n))) {
      this.report('syntax/bad-counters', `\`${option}\` counters must be numbers: \`${texts.join(' ')}\``, spanFrom(this.span(packets), this.span(bytes ?? packets)), 'PACKETS BYTES');
    }
    this.noteBaseOption('set-counters', optionWord);
    this.addPart(new BaseOptionNode(this.words, 'set-counters', 'none', optionWord, bytes === undefined ? packets : [packets, bytes], undefined, undefined));
  }

  private applyFamily(family: Family, optionWord: WordRef, attached: Word | undefined): void {
    if (attached !== undefined) this.failAttachedToFlag(optionWord, attached);
    this.rejectBang(this.text(optionWord));
    if (this.familyOnly !== undefined && this.familyOnly !== family) {
      this.report('syntax/conflicting-family', 'the line is marked both `-4` and `-6`', this.span(optionWord));
    }
    this.familyOnly = family;
  }

  private failAttachedToFlag(optionWord: WordRef, attached: Word): never {
    return this.fail('syntax/unexpected-argument', `\`${this.text(optionWord)}\` takes no value, found \`${attached.text}\``, attached.span);
  }

  // ------------------------------------------------------ matches / targets

  private applyMatch(optionWord: WordRef, attached: Word | undefined): void {
    this.rejectBang('-m');
    const name = this.requiredArgument(attached);
    if (name === undefined) return this.fail('syntax/missing-argument', `\`${this.text(optionWord)}\` needs a match name`, spanAfter(this.span(optionWord)), 'a match name');
    const info = findMatch(this.text(name));
    const match = new MatchNode(this.words, name, optionWord, info !== undefined);
    if (this.takeUnsupportedRevision()) match.markUnsupportedRevision(this.next - 1);
    this.addPart(match);
    this.addLoaded({ part: match, info });
  }

  private applyTarget(via: 'jump' | 'goto', jumpWord: WordRef, attached: Word | undefined): void {
    this.rejectBang(via === 'jump' ? '-j' : '-g');
    const name = this.requiredArgument(attached);
    if (name === undefined) {
      return this.fail('syntax/missing-argument', `\`${this.text(jumpWord)}\` needs a target`, spanAfter(this.span(jumpWord)), via === 'jump' ? 'ACCEPT, DROP, RETURN, a target or a chain' : 'a chain');
    }
    if (this.target !== undefined) {
      this.report('syntax/multiple-targets', `a rule has one target: \`${this.target.jumpWord.text} ${this.target.name.text}\` is already given`, this.span(jumpWord));
    }
    // `-g` always names a chain; only `-j` can load a target extension.
    const info = via === 'jump' ? findTarget(this.text(name)) : undefined;
    const target = new TargetNode(this.words, via, jumpWord, name, info !== undefined);
    if (this.takeUnsupportedRevision()) target.markUnsupportedRevision(this.next - 1);
    this.target = target;
    this.addPart(target);
    if (via === 'jump') this.addLoaded({ part: target, info });
  }

  /** Legacy iptables-save prints ` [unsupported revision]` after `-m NAME`/`-j NAME` (`print_match_save()`). */
  private takeUnsupportedRevision(): boolean {
    if (this.next + 1 >= this.words.length || this.text(this.next) !== '[unsupported' || this.text(this.next + 1) !== 'revision]') return false;
    this.next += 2;
    return true;
  }

  private applyExtensionOption(extension: LoadedExtension, option: OptionDef, optionWord: WordRef, attached: Word | undefined): void {
    const bang = this.takeBang();
    let negation: Negation = bang !== undefined ? 'prefix' : 'none';
    let bangWord = bang;
    if (bang !== undefined && !option.invertible) {
      this.report('syntax/negation-not-allowed', `option \`--${option.name}\` of ${describeExtension(extension.part)} cannot be negated with \`!\``, this.span(bang), `\`--${option.name}\` without \`!\``);
    }
    let values: ValueRefs;
    if (option.args === 0) {
      if (attached !== undefined) this.failAttachedToFlag(optionWord, attached);
      if (extension.info?.optionalOperands.has(option.name)) values = this.takeOperand();
    } else {
      let first = this.requiredArgument(attached);
      if (first !== undefined && attached === undefined && option.invertible && this.takeInfixBang(first, bang)) {
        negation = 'infix';
        bangWord = first;
        first = this.next++;
      }
      if (first === undefined) {
        this.fail('syntax/missing-argument', `option \`--${option.name}\` of ${describeExtension(extension.part)} needs a value`, spanAfter(this.span(optionWord)), `a value after \`--${option.name}\``);
      }
      values = first;
      if (option.args === 2) {
        // The second operand is read by hand (`argv[optind]`) and must not look like an option.
        const second = this.takeOperand();
        if (second === undefined) {
          this.fail('syntax/missing-argument', `option \`--${option.name}\` of ${describeExtension(extension.part)} needs two values`, spanAfter(this.span(first)), `a second value after \`${this.text(first)}\``);
        }
        values = [first, second];
      }
    }
    extension.part.addOption(new ExtensionOptionNode(this.words, option.name, negation, optionWord, values, bangWord, bang));
  }

  /** Options of a module iptlint does not know: the option and the non-option words after it. */
  private applyOpaqueOption(extension: LoadedExtension, name: string, optionWord: WordRef, attached: Word | undefined): void {
    const bang = this.takeBang();
    let negation: Negation = bang !== undefined ? 'prefix' : 'none';
    let bangWord = bang;
    let values: ValueRefs = attached;
    if (attached === undefined) {
      const count = this.words.length;
      if (this.next + 1 < count && this.text(this.next) === '!' && !looksLikeOption(this.text(this.next + 1)) && this.text(this.next + 1) !== '!') {
        if (bang !== undefined) this.report('syntax/double-negation', 'the option is negated twice (`!` before and after it)', this.span(this.next), 'a single `!`');
        negation = 'infix';
        bangWord = this.next++;
      }
      const first = this.next;
      while (this.next < count) {
        const text = this.text(this.next);
        if (looksLikeOption(text) || text === '!') break;
        this.next++;
      }
      values = indexRange(first, this.next);
    }
    extension.part.addOption(new ExtensionOptionNode(this.words, name, negation, optionWord, values, bangWord, bang));
  }

  // ------------------------------------------------------ result

  private buildCommand(): CommandLine | undefined {
    const name = this.commandName;
    const word = this.commandWord;
    if (name === undefined || word === undefined) {
      this.fail(
        'syntax/no-command',
        'no command on this line: a rule line starts with `-A CHAIN` (or `-I`, `-N`, `-P`…)',
        this.words.length > 0 ? this.span(0) : this.lineSpan(),
        '-A CHAIN …',
      );
    }
    let ruleParts: RulePart[] | undefined;
    if (RULE_COMMANDS.has(name) || this.partCount > 0) {
      ruleParts = this.finishedParts();
      if (!RULE_COMMANDS.has(name)) this.checkOptionsAllowed(name, word);
    }
    const fields = {
      counters: this.input.counters,
      chain: this.chain,
      ruleNumber: this.ruleNumber,
      argument: this.argument,
      familyOnly: this.familyOnly,
      ruleParts,
    };
    this.words.settle(name, word, this.input.trailingBlank, fields, this.input.position);
    return this.words;
  }

  /** Only rule commands take a rule specification; `-P` also takes `-c` (`options_v_commands[]`). */
  private checkOptionsAllowed(name: CommandName, commandWord: WordRef): void {
    for (let k = 0; k < this.partCount; k++) {
      const part = this.parts[k] as RulePart;
      if (name === 'policy' && part.kind === 'base' && part.name === 'set-counters') continue;
      const word = part.kind === 'base' ? part.optionWord : part.kind === 'match' ? (part.matchWord ?? part.name) : part.jumpWord;
      this.report('syntax/option-not-allowed', `\`${word.text}\` cannot be used with \`${this.text(commandWord)}\``, word.span);
    }
  }

  private addPart(part: RulePart): void {
    this.parts[this.partCount++] = part;
  }

  private addLoaded(extension: LoadedExtension): void {
    this.loaded[this.loadedCount++] = extension;
  }

  /** The parts in an array of their own, of the exact size (the node keeps it as long as the dump). */
  private finishedParts(): RulePart[] {
    const parts = this.parts.slice(0, this.partCount);
    for (const part of parts) if (part.kind !== 'base') (part as MatchNode | TargetNode).trim();
    return parts;
  }

  private lineSpan(): Span {
    const { line, offset, length } = this.input.position;
    return wholeLineSpan(line, offset, length);
  }

  // ------------------------------------------------------ errors

  private report(code: string, message: string, span: Span, expected?: string): void {
    const error: ParseError = { code, message, span };
    if (expected !== undefined) error.expected = expected;
    this.errors.push(error);
  }

  /** Reports a problem that leaves a word without a place in the AST, and stops reading the line. */
  private fail(code: string, message: string, span: Span, expected?: string): never {
    this.report(code, message, span, expected);
    throw STOP_READING;
  }
}

/** The line words `first … end - 1` as an option keeps its values. */
function indexRange(first: number, end: number): ValueRefs {
  if (end - first <= 1) return end > first ? first : undefined;
  const refs: number[] = [];
  for (let k = first; k < end; k++) refs.push(k);
  return refs;
}

function looksLikeOption(text: string): boolean {
  return text.length > 1 && text.charCodeAt(0) === 0x2d;
}

/** A letter of a short-option cluster (`-4f` → `-f`), for printing and locating. */
function syntheticOptionWord(word: Word, position: number, text: string): Word {
  const span = word.raw === word.text
    ? { ...word.span, column: word.span.column + position, endColumn: word.span.column + position + 1, offset: word.span.offset + position }
    : { ...word.span };
  return wordAt(text, text, span);
}

function describeExtension(part: MatchSpec | TargetSpec): string {
  return part.kind === 'match' ? `match \`${part.name.text}\`` : `target \`${part.name.text}\``;
}
