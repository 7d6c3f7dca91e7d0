import { formatters } from '../../formatters/index.js';
import type { FileReport } from '../../formatters/types.js';
import type { ParsedCommand } from '../args.js';
import { decodeDump } from '../decode.js';
import { ExitCode, reachesThreshold } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, resolveInputs } from '../inputs.js';
import type { CliIo } from '../io.js';
import { lintInput } from '../lint-input.js';
import { printInputError } from '../report-input-error.js';
import { tool } from '../version.js';

export async function runCheck(cmd: Extract<ParsedCommand, { command: 'check' }>, io: CliIo): Promise<ExitCode> {
  if (cmd.files.length === 0) refuseTerminalStdin(io.stdinIsTTY);
  const sources = await resolveInputs(cmd.files, io.cwd);
  const reports: FileReport[] = [];
  let failed = false;
  for (const source of sources) {
    const loaded = await loadInput(source, io.cwd, io.readStdin);
    if (!loaded.ok) {
      printInputError(io, loaded);
      reports.push({ status: 'unreadable', file: loaded.name, error: loaded.error });
      failed = true;
      continue;
    }
    const text = decodeDump(loaded.bytes);
    const linted = lintInput(loaded.name, text, cmd.parse);
    if (linted.syntaxErrors) failed = true;
    reports.push({
      status: 'checked',
      file: loaded.name,
      source: text,
      findings: cmd.quiet ? linted.findings.filter((finding) => finding.severity === 'error') : linted.findings,
      ...(linted.format ? { format: linted.format } : {}),
      ...(linted.family ? { family: linted.family } : {}),
    });
  }

  const format = formatters[cmd.format];
  io.stdout(format(reports, { color: cmd.color ?? io.colorByDefault, tool }));

  if (failed) return ExitCode.failure;
  const failing = reports.some(
    (report) => report.status === 'checked' && report.findings.some((finding) => reachesThreshold(finding.severity, cmd.failOn)),
  );
  return failing ? ExitCode.findings : ExitCode.ok;
}
