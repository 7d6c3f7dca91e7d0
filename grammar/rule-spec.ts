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
  BaseOption,
  BaseOptionName,
  CommandLine,
  CommandName,
  Counters,
  ExtensionOption,
  Family,
  MatchSpec,
  Negation,
  ParseError,
  RulePart,
  RuleSpec,
  Span,
  TargetSpec,
  Word,
} from './ast.js';
import { BASE_BY_FLAG, BASE_BY_LONG, BASE_BY_SHORT, BASE_OPTIONS, RULE_COMMANDS, shortFormOf, type BaseOptionSpec } from './base-options.js';
import type { OptionDef } from './extension-types.js';
import { EXTENSIONS } from './extensions-data.js';
import { findMatch, findTarget, implicitProtocolMatch, optionNames, type ExtensionInfo } from './extensions.js';
import { closestNames } from './suggest.js';
import { BaseOptionNode, CommandNode, ExtensionOptionNode, MatchNode, RuleSpecNode, TargetNode, type LinePosition, type OptionRefs } from './nodes.js';
import { LineWords, sliceWord, spanAfter, spanFrom, wordAt, type LexedWord, type WordRef } from './words.js';

export interface CommandWords {
  words: readonly LexedWord[];
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

export function readCommandLine(input: CommandWords): CommandReading {
  return new CommandLineReader(input).read();
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

class CommandLineReader {
  private readonly words: readonly Word[];
  private next = 0;
  private bang: Word | undefined;
  private readonly errors: ParseError[] = [];

  private command: { name: CommandName; word: Word } | undefined;
  private chain: Word | undefined;
  private ruleNumber: Word | undefined;
  private argument: Word | undefined;
  private familyOnly: Family | undefined;
  private readonly parts: RulePart[] = [];
  private readonly loaded: LoadedExtension[] = [];

  private target: TargetSpec | undefined;
  private protocol: Word | undefined;
  private protocolMatchTried = false;

  /** The words as the nodes keep them. */
  private readonly lineWords: LineWords;

  constructor(private readonly input: CommandWords) {
    this.words = input.words;
    this.lineWords = new LineWords(input.position.line, input.position.offset, input.words);
  }

  read(): CommandReading {
    try {
      while (this.next < this.words.length) this.readWord(this.words[this.next++] as Word);
      if (this.bang !== undefined) {
        this.fail('syntax/dangling-negation', 'nothing follows `!`: it must stand right before the option it negates', this.bang.span, 'an option after `!`');
      }
      return { command: this.buildCommand(), errors: this.errors };
    } catch (error) {
      if (error instanceof StopReading) return { errors: this.errors };
      throw error;
    }
  }

  // ---------------------------------------------------------------- words

  private readWord(word: Word): void {
    const text = word.text;
    if (text === '!') return this.readBang(word);
    if (text.length >= 2 && text.charCodeAt(0) === 0x2d) {
      if (text.charCodeAt(1) !== 0x2d) return this.readShortOptions(word);
      if (text.length > 2) return this.readLongOption(word);
      this.fail('syntax/end-of-options', '`--` ends option parsing; iptables then rejects every word after it', word.span, 'an option');
    }
    this.failBareWord(word);
  }

  private readBang(word: Word): void {
    if (this.bang !== undefined) {
      this.fail('syntax/double-negation', 'multiple consecutive `!` are not allowed', word.span, 'one `!` before an option');
    }
    this.bang = word;
  }

  private failBareWord(word: Word): never {
    const hints: string[] = [];
    const previous = this.words[this.next - 2];
    if (word.text.includes("'") || previous?.text.startsWith("'")) hints.push('single quotes are ordinary characters for iptables-restore; quote with "…"');
    if (word.text === 'COMMIT') hints.push('`COMMIT` must be alone on its line, with nothing after it');
    const hint = hints.length > 0 ? ` (${hints.join('; ')})` : '';
    this.fail(
      'syntax/unexpected-word',
      `Bad argument \`${word.text}\`: a bare word where an option or \`!\` was expected${hint}`,
      word.span,
      'an option such as `-j`, `--dport` or `!`',
    );
  }

  private readShortOptions(word: Word): void {
    const text = word.text;
    for (let position = 1; position < text.length; position++) {
      const letter = text[position] as string;
      const optionWord = position > 1 ? syntheticOptionWord(word, position, `-${letter}`) : text.length === 2 ? word : sliceWord(word, 0, 2);
      const spec = BASE_BY_SHORT.get(letter);
      if (spec === undefined) {
        const close = closestNames(`-${letter}`, [...BASE_BY_SHORT.keys()].map((key) => `-${key}`));
        this.fail('syntax/unknown-option', `unknown option \`-${letter}\``, optionWord.span, close.length > 0 ? close.join(', ') : undefined);
      }
      if (spec.argument === 'none') {
        this.applyBase(spec, optionWord, undefined);
        continue;
      }
      const attached = position + 1 < text.length ? sliceWord(word, position + 1) : undefined;
      this.applyBase(spec, optionWord, attached);
      return;
    }
  }

  private readLongOption(word: Word): void {
    if (word.text.indexOf('=') < 0 && this.applyExactFlag(word)) return;

    const body = word.text.slice(2);
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    const optionWord = equals < 0 ? word : sliceWord(word, 0, 2 + equals);
    const attached = equals < 0 ? undefined : sliceWord(word, 3 + equals);

    let resolution = this.resolveLong(name);
    if ((resolution.kind === 'unknown' || resolution.kind === 'ambiguous') && this.loadProtocolMatch(name)) {
      resolution = this.resolveLong(name);
    }
    this.applyResolution(resolution, name, optionWord, attached);
  }

  private applyResolution(resolution: Resolution, name: string, optionWord: Word, attached: Word | undefined): void {
    switch (resolution.kind) {
      case 'base':
        return this.applyBase(resolution.spec, optionWord, attached);
      case 'extension':
        return this.applyExtensionOption(resolution.extension, resolution.option, optionWord, attached);
      case 'ambiguous':
        return this.fail(
          'syntax/ambiguous-option',
          `option \`--${name}\` is ambiguous: it abbreviates ${resolution.names.map((n) => `--${n}`).join(', ')}`,
          optionWord.span,
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
  private applyExactFlag(word: Word): boolean {
    const base = BASE_BY_FLAG.get(word.text);
    if (base !== undefined) {
      this.applyBase(base, word, undefined);
      return true;
    }
    for (let k = this.loaded.length - 1; k >= 0; k--) {
      const extension = this.loaded[k] as LoadedExtension;
      const option = extension.info?.optionsByFlag.get(word.text);
      if (option !== undefined) {
        this.applyExtensionOption(extension, option, word, undefined);
        return true;
      }
    }
    return false;
  }

  /** getopt_long over iptables' options + loaded extensions (newest first): exact name, else a unique prefix. */
  private resolveLong(name: string): Resolution {
    const base = BASE_BY_LONG.get(name);
    if (base !== undefined) return { kind: 'base', spec: base };
    for (let k = this.loaded.length - 1; k >= 0; k--) {
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
    for (let k = this.loaded.length - 1; k >= 0; k--) {
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
    const info = implicitProtocolMatch(this.protocol.text);
    if (info === undefined || !info.optionsByName.has(optionName) && ![...info.optionsByName.keys()].some((n) => n.startsWith(optionName))) {
      return false;
    }
    const match = new MatchNode(this.lineWords, wordAt(info.def.name, this.protocol.raw, this.protocol.span), undefined, true);
    this.parts.push(match);
    this.loaded.push({ part: match, info });
    return true;
  }

  private newestOpaqueExtension(): LoadedExtension | undefined {
    for (let k = this.loaded.length - 1; k >= 0; k--) {
      const extension = this.loaded[k] as LoadedExtension;
      if (extension.info === undefined) return extension;
    }
    return undefined;
  }

  private failUnknownLongOption(name: string, optionWord: Word): never {
    const known = this.loaded.filter((extension) => extension.info !== undefined);
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
    this.fail('syntax/unknown-option', message, optionWord.span, expected);
  }

  // ------------------------------------------------------ argument access

  /** A required argument: attached, else the next word whatever it is. */
  private requiredArgument(attached: Word | undefined): Word | undefined {
    if (attached !== undefined) return attached;
    if (this.next < this.words.length) return this.words[this.next++];
    return undefined;
  }

  /** `xs_has_arg()`: the next word exists and does not begin with `-` or `!`. */
  private hasOperand(): boolean {
    const word = this.words[this.next];
    if (word === undefined) return false;
    const first = word.text.charCodeAt(0);
    return first !== 0x2d && first !== 0x21;
  }

  private takeOperand(): Word | undefined {
    return this.hasOperand() ? this.words[this.next++] : undefined;
  }

  private takeBang(): Word | undefined {
    const bang = this.bang;
    this.bang = undefined;
    return bang;
  }

  /** `-s ! x` / `--dport ! 22`: the old (≤ 1.4.10) place for `!`, right after the option. */
  private takeInfixBang(value: Word, prefix: Word | undefined): boolean {
    if (value.text !== '!' || this.next >= this.words.length) return false;
    if (prefix !== undefined) {
      this.report('syntax/double-negation', 'the option is negated twice (`!` before and after it)', value.span, 'a single `!`');
    }
    return true;
  }

  // ------------------------------------------------------ base options

  private applyBase(spec: BaseOptionSpec, optionWord: Word, attached: Word | undefined): void {
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
          `\`${optionWord.text}\` cannot be used in a ruleset file: the table comes from the \`*table\` line (iptables-restore: "The -t option cannot be used")`,
          optionWord.span,
        );
      case 'interactive':
        return this.fail('syntax/unsupported-option', `\`${optionWord.text}\` has no place in a ruleset file: it ${id.reason}`, optionWord.span);
    }
  }

  private rejectBang(what: string): void {
    const bang = this.takeBang();
    if (bang !== undefined) {
      this.fail('syntax/negation-not-allowed', `\`!\` cannot be used before ${what}`, bang.span, `\`${what}\` without \`!\``);
    }
  }

  private applyCommand(name: CommandName, spec: BaseOptionSpec, word: Word, attached: Word | undefined): void {
    const written = shortFormOf(spec);
    this.rejectBang(written);
    if (this.command !== undefined) {
      this.fail('syntax/multiple-commands', `only one command per line: \`${this.command.word.text}\` and \`${word.text}\``, word.span);
    }
    this.command = { name, word };
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
        if (this.chain === undefined) this.fail('syntax/missing-argument', `\`${word.text}\` needs a chain name`, spanAfter(word.span), 'a chain name');
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
        if (this.ruleNumber === undefined) this.fail('syntax/missing-argument', '`-R` needs a rule number after the chain', spanAfter(this.chain.span), 'a rule number');
        break;
      case 'policy':
        this.argument = this.takeOperand();
        if (this.argument === undefined) this.fail('syntax/missing-argument', '`-P` needs a chain and a policy', spanAfter(this.chain.span), 'ACCEPT or DROP');
        break;
      case 'rename-chain':
        this.argument = this.takeOperand();
        if (this.argument === undefined) this.fail('syntax/missing-argument', '`-E` needs the old and the new chain name', spanAfter(this.chain.span), 'the new chain name');
        break;
      default:
        break;
    }
    if (this.ruleNumber !== undefined) this.checkRuleNumber(name, this.ruleNumber);
  }

  /** `xshared.c: parse_rulenumber()` (1 … INT_MAX); `-D` also takes a range `N:M`. */
  private checkRuleNumber(command: CommandName, word: Word): void {
    const pattern = command === 'delete' ? RULE_RANGE : RULE_NUMBER;
    const valid = pattern.test(word.text) && word.text.split(':').every((n) => Number(n) >= 1 && Number(n) <= INT_MAX);
    if (!valid) this.report('syntax/bad-rule-number', `invalid rule number \`${word.text}\``, word.span, 'a rule number from 1');
  }

  /** `set_option()`: "multiple -s flags not allowed". Call before adding the option to `parts`. */
  private noteBaseOption(name: BaseOptionName, optionWord: Word): void {
    const previous = this.parts.find((part): part is BaseOption => part.kind === 'base' && part.name === name);
    if (previous === undefined) return;
    this.report(
      'syntax/duplicate-option',
      `\`${optionWord.text}\` given twice: iptables allows one ${name} option per rule (first at column ${previous.optionWord.span.column})`,
      optionWord.span,
    );
  }

  private applyValueOption(name: BaseOptionName, spec: BaseOptionSpec, optionWord: Word, attached: Word | undefined): void {
    const bang = this.takeBang();
    let negation: Negation = bang !== undefined ? 'prefix' : 'none';
    let bangWord = bang;
    const values: Word[] = [];
    let value = this.requiredArgument(attached);
    if (value !== undefined && attached === undefined && this.takeInfixBang(value, bang)) {
      negation = 'infix';
      bangWord = value;
      value = this.words[this.next++] as Word;
    }
    if (value === undefined) {
      this.fail('syntax/missing-argument', `\`${optionWord.text}\` needs a value`, spanAfter(optionWord.span), `a value after \`${shortFormOf(spec)}\``);
    } else {
      values.push(value);
    }
    this.noteBaseOption(name, optionWord);
    this.parts.push(new BaseOptionNode(this.lineWords, name, negation, this.optionRefs(optionWord, values, bangWord, bang)));
    if (name === 'protocol' && value !== undefined) {
      this.protocol = value;
      this.protocolMatchTried = false;
    }
  }

  private applyFlagOption(name: BaseOptionName, optionWord: Word, attached: Word | undefined): void {
    if (attached !== undefined) this.failAttachedToFlag(optionWord, attached);
    const bang = this.takeBang();
    this.noteBaseOption(name, optionWord);
    this.parts.push(new BaseOptionNode(this.lineWords, name, bang !== undefined ? 'prefix' : 'none', this.optionRefs(optionWord, [], bang, bang)));
  }

  /** `-c P B` or `-c P,B` (`do_parse()` case 'c'). */
  private applySetCounters(optionWord: Word, attached: Word | undefined): void {
    this.rejectBang(optionWord.text);
    const values: Word[] = [];
    const packets = this.requiredArgument(attached);
    if (packets === undefined) {
      this.fail('syntax/missing-argument', `\`${optionWord.text}\` needs packet and byte counters`, spanAfter(optionWord.span), 'PACKETS BYTES or PACKETS,BYTES');
    } else {
      values.push(packets);
      if (!packets.text.includes(',')) {
        const bytes = this.takeOperand();
        if (bytes === undefined) {
          this.fail('syntax/missing-argument', `\`${optionWord.text}\` needs packet and byte counters`, spanAfter(packets.span), 'a byte counter');
        } else {
          values.push(bytes);
        }
      }
      const numbers = values.flatMap((value) => value.text.split(','));
      if (numbers.some((n) => !COUNTER.test(n))) {
        this.report('syntax/bad-counters', `\`${optionWord.text}\` counters must be numbers: \`${values.map((v) => v.text).join(' ')}\``, spanFrom(packets.span, (values[values.length - 1] as Word).span), 'PACKETS BYTES');
      }
    }
    this.noteBaseOption('set-counters', optionWord);
    this.parts.push(new BaseOptionNode(this.lineWords, 'set-counters', 'none', this.optionRefs(optionWord, values, undefined, undefined)));
  }

  private applyFamily(family: Family, optionWord: Word, attached: Word | undefined): void {
    if (attached !== undefined) this.failAttachedToFlag(optionWord, attached);
    this.rejectBang(optionWord.text);
    if (this.familyOnly !== undefined && this.familyOnly !== family) {
      this.report('syntax/conflicting-family', 'the line is marked both `-4` and `-6`', optionWord.span);
    }
    this.familyOnly = family;
  }

  private failAttachedToFlag(optionWord: Word, attached: Word): never {
    return this.fail('syntax/unexpected-argument', `\`${optionWord.text}\` takes no value, found \`${attached.text}\``, attached.span);
  }

  // ------------------------------------------------------ matches / targets

  private applyMatch(optionWord: Word, attached: Word | undefined): void {
    this.rejectBang('-m');
    const name = this.requiredArgument(attached);
    if (name === undefined) return this.fail('syntax/missing-argument', `\`${optionWord.text}\` needs a match name`, spanAfter(optionWord.span), 'a match name');
    const info = findMatch(name.text);
    const match = new MatchNode(this.lineWords, this.ref(name), this.ref(optionWord), info !== undefined);
    if (this.takeUnsupportedRevision()) match.markUnsupportedRevision(this.next - 1);
    this.parts.push(match);
    this.loaded.push({ part: match, info });
  }

  private applyTarget(via: 'jump' | 'goto', jumpWord: Word, attached: Word | undefined): void {
    this.rejectBang(via === 'jump' ? '-j' : '-g');
    const name = this.requiredArgument(attached);
    if (name === undefined) return this.fail('syntax/missing-argument', `\`${jumpWord.text}\` needs a target`, spanAfter(jumpWord.span), via === 'jump' ? 'ACCEPT, DROP, RETURN, a target or a chain' : 'a chain');
    if (this.target !== undefined) {
      this.report('syntax/multiple-targets', `a rule has one target: \`${this.target.jumpWord.text} ${this.target.name.text}\` is already given`, jumpWord.span);
    }
    // `-g` always names a chain; only `-j` can load a target extension.
    const info = via === 'jump' ? findTarget(name.text) : undefined;
    const target = new TargetNode(this.lineWords, via, this.ref(jumpWord), this.ref(name), info !== undefined);
    if (this.takeUnsupportedRevision()) target.markUnsupportedRevision(this.next - 1);
    this.target = target;
    this.parts.push(target);
    if (via === 'jump') this.loaded.push({ part: target, info });
  }

  /** Legacy iptables-save prints ` [unsupported revision]` after `-m NAME`/`-j NAME` (`print_match_save()`). */
  private takeUnsupportedRevision(): boolean {
    if (this.words[this.next]?.text !== '[unsupported' || this.words[this.next + 1]?.text !== 'revision]') return false;
    this.next += 2;
    return true;
  }

  private applyExtensionOption(extension: LoadedExtension, option: OptionDef, optionWord: Word, attached: Word | undefined): void {
    const bang = this.takeBang();
    let negation: Negation = bang !== undefined ? 'prefix' : 'none';
    let bangWord = bang;
    if (bang !== undefined && !option.invertible) {
      this.report('syntax/negation-not-allowed', `option \`--${option.name}\` of ${describeExtension(extension.part)} cannot be negated with \`!\``, bang.span, `\`--${option.name}\` without \`!\``);
    }
    const values: Word[] = [];
    if (option.args === 0) {
      if (attached !== undefined) this.failAttachedToFlag(optionWord, attached);
      if (extension.info?.optionalOperands.has(option.name)) {
        const operand = this.takeOperand();
        if (operand !== undefined) values.push(operand);
      }
    } else {
      let first = this.requiredArgument(attached);
      if (first !== undefined && attached === undefined && option.invertible && this.takeInfixBang(first, bang)) {
        negation = 'infix';
        bangWord = first;
        first = this.words[this.next++] as Word;
      }
      if (first === undefined) {
        this.fail('syntax/missing-argument', `option \`--${option.name}\` of ${describeExtension(extension.part)} needs a value`, spanAfter(optionWord.span), `a value after \`--${option.name}\``);
      } else {
        values.push(first);
        if (option.args === 2) {
          // The second operand is read by hand (`argv[optind]`) and must not look like an option.
          const second = this.takeOperand();
          if (second === undefined) {
            this.fail('syntax/missing-argument', `option \`--${option.name}\` of ${describeExtension(extension.part)} needs two values`, spanAfter(first.span), `a second value after \`${first.text}\``);
          } else {
            values.push(second);
          }
        }
      }
    }
    this.addExtensionOption(extension, new ExtensionOptionNode(this.lineWords, option.name, negation, this.optionRefs(optionWord, values, bangWord, bang)));
  }

  /** Options of a module iptlint does not know: the option and the non-option words after it. */
  private applyOpaqueOption(extension: LoadedExtension, name: string, optionWord: Word, attached: Word | undefined): void {
    const bang = this.takeBang();
    let negation: Negation = bang !== undefined ? 'prefix' : 'none';
    let bangWord = bang;
    const values: Word[] = [];
    if (attached !== undefined) {
      values.push(attached);
    } else {
      const maybeBang = this.words[this.next];
      const afterBang = this.words[this.next + 1];
      if (maybeBang?.text === '!' && afterBang !== undefined && !looksLikeOption(afterBang) && afterBang.text !== '!') {
        if (bang !== undefined) this.report('syntax/double-negation', 'the option is negated twice (`!` before and after it)', maybeBang.span, 'a single `!`');
        negation = 'infix';
        bangWord = maybeBang;
        this.next++;
      }
      while (this.next < this.words.length) {
        const word = this.words[this.next] as Word;
        if (looksLikeOption(word) || word.text === '!') break;
        values.push(word);
        this.next++;
      }
    }
    this.addExtensionOption(extension, new ExtensionOptionNode(this.lineWords, name, negation, this.optionRefs(optionWord, values, bangWord, bang)));
  }

  private addExtensionOption(extension: LoadedExtension, option: ExtensionOption): void {
    extension.part.addOption(option);
  }

  // ------------------------------------------------------ result

  private buildCommand(): CommandLine | undefined {
    if (this.command === undefined) {
      const first = this.words[0];
      this.fail(
        'syntax/no-command',
        'no command on this line: a rule line starts with `-A CHAIN` (or `-I`, `-N`, `-P`…)',
        first !== undefined ? first.span : this.lineSpan(),
        '-A CHAIN …',
      );
    }
    const { name, word } = this.command;
    let rule: RuleSpec | undefined;
    if (RULE_COMMANDS.has(name) || this.parts.length > 0) {
      rule = this.ruleSpec();
      if (!RULE_COMMANDS.has(name)) this.checkOptionsAllowed(name, word);
    }
    const fields = {
      counters: this.input.counters,
      chain: this.optionalRef(this.chain),
      ruleNumber: this.optionalRef(this.ruleNumber),
      argument: this.optionalRef(this.argument),
      familyOnly: this.familyOnly,
      rule,
    };
    return new CommandNode(this.lineWords, name, this.ref(word), this.input.trailingBlank, fields, this.input.position);
  }

  /** Only rule commands take a rule specification; `-P` also takes `-c` (`options_v_commands[]`). */
  private checkOptionsAllowed(name: CommandName, commandWord: Word): void {
    for (const part of this.parts) {
      if (name === 'policy' && part.kind === 'base' && part.name === 'set-counters') continue;
      const word = part.kind === 'base' ? part.optionWord : part.kind === 'match' ? (part.matchWord ?? part.name) : part.jumpWord;
      this.report('syntax/option-not-allowed', `\`${word.text}\` cannot be used with \`${commandWord.text}\``, word.span);
    }
  }

  private ruleSpec(): RuleSpec {
    const anchor = this.ruleNumber ?? this.argument ?? this.chain ?? (this.command as { word: Word }).word;
    return new RuleSpecNode(trimmed(this.parts), this.lineWords, this.ref(anchor));
  }

  private ref(word: Word): WordRef {
    return LineWords.ref(this.words, word);
  }

  private optionalRef(word: Word | undefined): WordRef | undefined {
    return word === undefined ? undefined : this.ref(word);
  }

  private optionRefs(option: Word, values: readonly Word[], bang: Word | undefined, prefixBang: Word | undefined): OptionRefs {
    return { option: this.ref(option), values: values.map((value) => this.ref(value)), bang: this.optionalRef(bang), prefixBang: this.optionalRef(prefixBang) };
  }

  private lineSpan(): Span {
    const { line, offset, length } = this.input.position;
    return { line, column: 1, endLine: line, endColumn: length + 1, offset };
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

/**
 * An array filled by push() keeps 16 or more spare slots for as long as it
 * lives: a copy has exactly the size it needs.
 */
function trimmed(parts: RulePart[]): RulePart[] {
  for (const part of parts) if (part.kind !== 'base') (part as MatchNode | TargetNode).trim();
  return parts.slice();
}

function looksLikeOption(word: Word): boolean {
  return word.text.length > 1 && word.text.charCodeAt(0) === 0x2d;
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
