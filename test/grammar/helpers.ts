import { expect } from 'vitest';
import { parse, type CommandLine, type ExtensionOption, type MatchSpec, type ParseError, type ParseResult, type TargetSpec } from '../../grammar/index.js';

/** Parses `*filter\n-A INPUT <spec>\nCOMMIT\n` (or another table/chain). */
export function parseRule(spec: string, options: { table?: string; chain?: string; family?: 'ipv4' | 'ipv6' } = {}): ParseResult {
  const text = `*${options.table ?? 'filter'}\n-A ${options.chain ?? 'INPUT'} ${spec}\nCOMMIT\n`;
  return parse(text, options.family !== undefined ? { family: options.family } : {});
}

/** The command of a one-rule input that must parse without errors. */
export function ruleOf(spec: string, options: { table?: string; chain?: string; family?: 'ipv4' | 'ipv6' } = {}): CommandLine {
  const result = parseRule(spec, options);
  expect(result.errors).toEqual([]);
  const command = result.statements.find((statement): statement is CommandLine => statement.kind === 'command');
  if (command === undefined) throw new Error(`no command parsed from ${spec}`);
  return command;
}

/** The errors of a one-rule input, which must be rejected (the line kept as InvalidLine). */
export function ruleErrors(spec: string, options: { family?: 'ipv4' | 'ipv6' } = {}): ParseError[] {
  const result = parseRule(spec, options);
  expect(result.errors.length).toBeGreaterThan(0);
  return result.errors;
}

export function matches(command: CommandLine): MatchSpec[] {
  return (command.rule?.parts ?? []).filter((part): part is MatchSpec => part.kind === 'match');
}

export function targetOf(command: CommandLine): TargetSpec | undefined {
  return (command.rule?.parts ?? []).find((part): part is TargetSpec => part.kind === 'target');
}

/** `name=value value` per option of a match, for compact assertions. */
export function optionSummary(options: readonly ExtensionOption[]): string[] {
  return options.map((option) => {
    const bang = option.negation === 'none' ? '' : `!${option.negation}:`;
    return `${bang}${option.name}=${option.values.map((value) => value.text).join(' ')}`;
  });
}

/** code@line:column for compact error assertions. */
export function errorAt(error: ParseError): string {
  return `${error.code}@${error.span.line}:${error.span.column}`;
}
