import type { DockerInputs } from '../../docker/types.js';
import { formatters } from '../../formatters/index.js';
import type { FileReport } from '../../formatters/types.js';
import type { ParsedCommand } from '../args.js';
import { readDockerState } from '../docker-state.js';
import { decodeDump } from '../decode.js';
import { ExitCode, reachesThreshold } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, resolveInputs } from '../inputs.js';
import type { CliIo } from '../io.js';
import { companionOf, lintPrepared, prepareInput, type PreparedInput } from '../lint-input.js';
import { printInputError } from '../report-input-error.js';
import { tool } from '../version.js';
import { describeGeneration } from '../verbose.js';

type CheckCommand = Extract<ParsedCommand, { command: 'check' }>;

export async function runCheck(cmd: CheckCommand, io: CliIo): Promise<ExitCode> {
  if (cmd.files.length === 0) refuseTerminalStdin(io.stdinIsTTY);
  const sources = await resolveInputs(cmd.files, io.cwd);
  const docker = readDockerState(cmd.docker, io, cmd.parse.maxInputBytes);
  if (docker === 'failed') return ExitCode.failure;

  const reports: FileReport[] = [];
  const prepared: { input: PreparedInput; source: string }[] = [];
  let failed = false;
  for (const source of sources) {
    const loaded = await loadInput(source, io.cwd, io.readStdin, cmd.parse.maxInputBytes);
    if (!loaded.ok) {
      printInputError(io, loaded);
      reports.push({ status: 'unreadable', file: loaded.name, error: loaded.error });
      failed = true;
      continue;
    }
    const text = decodeDump(loaded.bytes);
    prepared.push({ input: prepareInput(loaded.name, text, cmd.parse), source: text });
  }

  const inputs = prepared.map((entry) => entry.input);
  for (const { input, source } of prepared) {
    const companionModel = companionOf(input, inputs);
    const dockerInputs: DockerInputs | undefined =
      docker || companionModel ? { kind: 'docker-inputs', files: {}, ...docker, ...(companionModel ? { companionModel } : {}) } : undefined;
    if (cmd.verbose && input.kind === 'parsed') io.stderr(describeGeneration(input.file, input.model, dockerInputs));
    const linted = lintPrepared(input, dockerInputs);
    if (linted.syntaxErrors) failed = true;
    reports.push({
      status: 'checked',
      file: input.file,
      source,
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
