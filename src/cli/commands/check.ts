import type { FileReport } from '../../formatters/types.js';
import { lintOptionsFor } from '../../config/index.js';
import { neutralize } from '../../formatters/terminal-text.js';
import type { ParsedCommand, ParseSettings } from '../args.js';
import { BaselineRun } from '../baseline-run.js';
import { readConfigState } from '../config-state.js';
import { readDockerState } from '../docker-state.js';
import { ExitCode } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, resolveInputs, STDIN_NAME } from '../inputs.js';
import type { CliIo } from '../io.js';
import { emitReports, lintDumps, type DumpToLint } from '../lint-pipeline.js';
import { parseOptionsFor } from '../parse-options.js';
import { printInputError } from '../report-input-error.js';
import { timed, timedAsync, withTimings, type Timings } from '../timings.js';

type CheckCommand = Extract<ParsedCommand, { command: 'check' }>;

export function runCheck(cmd: CheckCommand, io: CliIo): Promise<ExitCode> {
  return withTimings(cmd.timing, io, (timings) => check(cmd, io, timings));
}

async function check(cmd: CheckCommand, io: CliIo, timings: Timings | undefined): Promise<ExitCode> {
  if (cmd.files.length === 0) refuseTerminalStdin(io.stdinIsTTY);
  const sources = await resolveInputs(cmd.files, io.cwd);
  const configState = readConfigState(cmd.configPath, io);
  if (configState === 'failed') return ExitCode.failure;
  const { config } = configState;
  if (cmd.verbose) io.stderr(neutralize(configState.description) + '\n');
  // Command-line options override the configuration, key by key.
  const docker = readDockerState({ ...config?.docker, ...cmd.docker }, io, cmd.parse.maxInputBytes, timings);
  if (docker === 'failed') return ExitCode.failure;
  const parseSettings: ParseSettings = { inputFormat: 'auto', ...config?.input, ...cmd.parse };
  const baseline = BaselineRun.open(cmd.baselinePath, cmd.updateBaseline, io);
  if (baseline === 'failed') return ExitCode.failure;

  const unreadable: FileReport[] = [];
  const dumps: DumpToLint[] = [];
  for (const source of sources) {
    const load = () => loadInput(source, io, cmd.parse.maxInputBytes, parseOptionsFor(source.name, parseSettings));
    const loaded = await timedAsync(timings, 'read', load);
    if (!loaded.ok) {
      printInputError(io, loaded);
      unreadable.push({ status: 'unreadable', file: loaded.name, error: loaded.error });
      continue;
    }
    dumps.push({
      file: loaded.name,
      text: loaded.text,
      ...(loaded.parsed ? { parsed: loaded.parsed } : {}),
      parse: parseSettings,
      lintOptions: lintOptionsFor(config, loaded.name === STDIN_NAME ? undefined : loaded.name, io.cwd),
    });
  }

  const linted = lintDumps(dumps, docker, timings ? { ...cmd, timings } : cmd, io);
  const reports: FileReport[] = [
    ...unreadable,
    ...linted.reports.map((report) => (baseline ? { ...report, findings: baseline.findingsToReport(report.file, report.source, [...report.findings]) } : report)),
  ];
  if (cmd.updateBaseline) {
    // Recording accepts the findings as they are: only unreadable inputs or an unwritable baseline fail.
    const written = baseline?.finish() ?? false;
    return written && unreadable.length === 0 ? ExitCode.ok : ExitCode.failure;
  }
  const emit = () => emitReports(reports, unreadable.length > 0 || linted.syntaxErrors, cmd, io);
  const exit = timed(timings, 'report', emit);
  baseline?.finish();
  return exit;
}
