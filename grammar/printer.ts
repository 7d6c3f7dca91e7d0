/**
 * Canonical printer: prints the statements of a ParseResult in order, from
 * their structure (command, chain, then the rule parts in source order; `!`
 * where `negation` says; every value as its `Word.raw`).
 *
 * For anything a real iptables-save printed — any version: trailing blanks,
 * old quoting, infix `!`, `[p:b]` counters, headers, blank lines — the output
 * is byte-identical to the input. Hand-written input is normalised:
 * - words are separated by one space; leading blanks and runs of blanks or
 *   tabs disappear; a command line keeps one trailing blank if it had any;
 * - attached forms are split (`-ptcp` → `-p tcp`, `--dport=22` → `--dport 22`),
 *   `-4`/`-6` move to the front of the line; the command comes before options;
 * - `\r\n` becomes `\n` and a byte order mark is dropped;
 * - text iptables ignores after `*table` or `:CHAIN POLICY [p:b]` is kept.
 *
 * InvalidLine (a line the parser could not make sense of, see the errors) is
 * printed verbatim, so printing never rewrites or loses text it did not
 * understand.
 */
import type {
  BaseOption,
  ChainDeclaration,
  CommandLine,
  Counters,
  ExtensionOption,
  MatchSpec,
  ParseResult,
  RulePart,
  Statement,
  TableHeader,
  TargetSpec,
} from './ast.js';

const UNSUPPORTED_REVISION = '[unsupported revision]';

export function print(result: ParseResult): string {
  const statements = result.statements;
  let text = '';
  for (let k = 0; k < statements.length; k++) {
    if (k > 0) text += '\n';
    text += printStatement(statements[k] as Statement);
  }
  return statements.length > 0 && !result.missingFinalNewline ? `${text}\n` : text;
}

export function printStatement(statement: Statement): string {
  switch (statement.kind) {
    case 'blank':
      return '';
    case 'comment':
      return `#${statement.text}`;
    case 'table':
      return printTableHeader(statement);
    case 'chain':
      return printChain(statement);
    case 'commit':
      return 'COMMIT';
    case 'invalid':
      return statement.text;
    case 'command':
      return printCommand(statement);
  }
}

function printTableHeader(header: TableHeader): string {
  return header.trailing !== undefined ? `*${header.name.raw} ${header.trailing}` : `*${header.name.raw}`;
}

function printChain(chain: ChainDeclaration): string {
  let text = `:${chain.name.raw} ${chain.policy.raw}`;
  if (chain.counters !== undefined) text += ` ${printCounters(chain.counters)}`;
  if (chain.trailing !== undefined) text += ` ${chain.trailing}`;
  return text;
}

function printCounters(counters: Counters): string {
  return `[${counters.packets}:${counters.bytes}]`;
}

export function printCommand(command: CommandLine): string {
  let text = command.counters !== undefined ? `${printCounters(command.counters)} ` : '';
  if (command.familyOnly !== undefined) text += command.familyOnly === 'ipv4' ? '-4 ' : '-6 ';
  text += command.commandWord.raw;
  if (command.chain !== undefined) text += ` ${command.chain.raw}`;
  if (command.ruleNumber !== undefined) text += ` ${command.ruleNumber.raw}`;
  if (command.argument !== undefined) text += ` ${command.argument.raw}`;
  const parts = command.rule?.parts;
  if (parts !== undefined) for (const part of parts) text += printPart(part);
  return command.trailingBlank ? `${text} ` : text;
}

/** Each printer below returns its words, each preceded by one space. */
function printPart(part: RulePart): string {
  switch (part.kind) {
    case 'base':
      return printOption(part);
    case 'match':
      return printMatch(part);
    case 'target':
      return printTarget(part);
  }
}

function printMatch(match: MatchSpec): string {
  // A match loaded implicitly by `-p tcp` has no `-m` word of its own.
  let text = match.matchWord !== undefined ? ` ${match.matchWord.raw} ${match.name.raw}` : '';
  if (match.unsupportedRevision === true) text += ` ${UNSUPPORTED_REVISION}`;
  for (const option of match.options) text += printOption(option);
  return text;
}

function printTarget(target: TargetSpec): string {
  let text = ` ${target.jumpWord.raw} ${target.name.raw}`;
  if (target.unsupportedRevision === true) text += ` ${UNSUPPORTED_REVISION}`;
  for (const option of target.options) text += printOption(option);
  return text;
}

function printOption(option: BaseOption | ExtensionOption): string {
  let text = option.negation === 'prefix' ? ` ! ${option.optionWord.raw}` : ` ${option.optionWord.raw}`;
  if (option.negation === 'infix') text += ' !';
  for (const value of option.values) text += ` ${value.raw}`;
  return text;
}
