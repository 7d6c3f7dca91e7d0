import { parse, print } from '../../../grammar/index.js';
import { parseErrorFindings } from '../../engine/lint.js';
import type { Finding } from '../../engine/types.js';
import { formatStylish } from '../../formatters/stylish.js';
import { neutralize } from '../../formatters/terminal-text.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, STDIN_NAME, type InputSource } from '../inputs.js';
import type { CliIo } from '../io.js';
import { binaryInputFinding } from '../lint-input.js';
import { parseOptionsFor } from '../parse-options.js';
import { printInputError } from '../report-input-error.js';
import { tool } from '../version.js';

type FmtCommand = Extract<ParsedCommand, { command: 'fmt' }>;

export async function runFmt(cmd: FmtCommand, io: CliIo): Promise<ExitCode> {
  const source: InputSource =
    cmd.file === undefined || cmd.file === '-' ? { kind: 'stdin', name: STDIN_NAME } : { kind: 'file', name: cmd.file };
  if (cmd.file === undefined) refuseTerminalStdin(io.stdinIsTTY);
  const loaded = await loadInput(source, io, cmd.parse.maxInputBytes, parseOptionsFor(source.name, cmd.parse));
  if (!loaded.ok) {
    printInputError(io, loaded);
    return ExitCode.failure;
  }
  const { text } = loaded;
  const binary = binaryInputFinding(loaded.name, text);
  if (binary) return printSyntaxErrors(io, cmd, loaded.name, text, [binary]);
  const result = loaded.parsed ?? parse(text, parseOptionsFor(loaded.name, cmd.parse));
  if (result.errors.length > 0) return printSyntaxErrors(io, cmd, loaded.name, text, parseErrorFindings(result));

  const formatted = print(result);
  if (!cmd.check) {
    io.stdout(formatted);
    return ExitCode.ok;
  }
  if (formatted === text) return ExitCode.ok;
  const line = firstDifferentLine(text, formatted);
  io.stderr(
    `iptlint: '${neutralize(loaded.name)}' is not in canonical layout (first difference at line ${line})\n` +
      `hint: run 'iptlint fmt ${neutralize(loaded.name)}' to see the canonical form\n`,
  );
  return ExitCode.findings;
}

function printSyntaxErrors(io: CliIo, cmd: FmtCommand, file: string, source: string, findings: Finding[]): ExitCode {
  io.stderr(formatStylish([{ status: 'checked', file, source, findings }], { color: cmd.color ?? io.colorByDefault, tool }));
  return ExitCode.failure;
}

function firstDifferentLine(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  let index = 0;
  while (index < left.length && index < right.length && left[index] === right[index]) index++;
  return index + 1;
}
