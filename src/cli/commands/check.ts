import type { DockerInputs } from '../../docker/types.js';
import { formatters } from '../../formatters/index.js';
import type { FileReport } from '../../formatters/types.js';
import { lintOptionsFor } from '../../config/index.js';
import { neutralize } from '../../formatters/terminal-text.js';
import type { ParsedCommand, ParseSettings } from '../args.js';
import { BaselineRun } from '../baseline-run.js';
import { readConfigState } from '../config-state.js';
import { readDockerState } from '../docker-state.js';
import { decodeDump } from '../decode.js';
import { ExitCode, reachesThreshold } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, resolveInputs, STDIN_NAME } from '../inputs.js';
import type { CliIo } from '../io.js';
import { companionOf, lintPrepared, prepareInput, type PreparedInput } from '../lint-input.js';
import { printInputError } from '../report-input-error.js';
import { tool } from '../version.js';
import { describeGeneration } from '../verbose.js';

type CheckCommand = Extract<ParsedCommand, { command: 'check' }>;

export async function runCheck(cmd: CheckCommand, io: CliIo): Promise<ExitCode> {
  if (cmd.files.length === 0) refuseTerminalStdin(io.stdinIsTTY);
  const sources = await resolveInputs(cmd.files, io.cwd);
  const configState = readConfigState(cmd.configPath, io);
  if (configState === 'failed') return ExitCode.failure;
  const { config } = configState;
  if (cmd.verbose) io.stderr(neutralize(configState.description) + '\n');
  // Command-line options override the configuration, key by key.
  const docker = readDockerState({ ...config?.docker, ...cmd.docker }, io);
  if (docker === 'failed') return ExitCode.failure;
  const parseSettings: ParseSettings = { inputFormat: 'auto', ...config?.input, ...cmd.parse };
  const baseline = BaselineRun.open(cmd.baselinePath, cmd.updateBaseline, io);
  if (baseline === 'failed') return ExitCode.failure;

  const reports: FileReport[] = [];
  const prepared: { input: PreparedInput; source: string }[] = [];
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
    prepared.push({ input: prepareInput(loaded.name, text, parseSettings), source: text });
  }

  const inputs = prepared.map((entry) => entry.input);
  for (const { input, source } of prepared) {
    const companionModel = companionOf(input, inputs);
    const dockerInputs: DockerInputs | undefined =
      docker || companionModel ? { kind: 'docker-inputs', files: {}, ...docker, ...(companionModel ? { companionModel } : {}) } : undefined;
    if (cmd.verbose && input.kind === 'parsed') io.stderr(describeGeneration(input.file, input.model, dockerInputs));
    const linted = lintPrepared(input, dockerInputs, lintOptionsFor(config, input.file === STDIN_NAME ? undefined : input.file, io.cwd));
    if (linted.syntaxErrors) failed = true;
    const findings = baseline ? baseline.findingsToReport(input.file, source, linted.findings) : linted.findings;
    reports.push({
      status: 'checked',
      file: input.file,
      source,
      findings: cmd.quiet ? findings.filter((finding) => finding.severity === 'error') : findings,
      ...(linted.format ? { format: linted.format } : {}),
      ...(linted.family ? { family: linted.family } : {}),
    });
  }

  if (cmd.updateBaseline) {
    // Recording accepts the findings as they are: only unreadable inputs or an unwritable baseline fail.
    const written = baseline?.finish() ?? false;
    return written && !reports.some((report) => report.status === 'unreadable') ? ExitCode.ok : ExitCode.failure;
  }
  const format = formatters[cmd.format];
  io.stdout(format(reports, { color: cmd.color ?? io.colorByDefault, tool }));
  baseline?.finish();

  if (failed) return ExitCode.failure;
  const failing = reports.some(
    (report) => report.status === 'checked' && report.findings.some((finding) => reachesThreshold(finding.severity, cmd.failOn)),
  );
  return failing ? ExitCode.findings : ExitCode.ok;
}
