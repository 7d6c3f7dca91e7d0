import { lintedDockerAnalysis } from '../../docker/index.js';
import type { DockerInputs } from '../../docker/types.js';
import { compareFindings } from '../../engine/lint.js';
import { formatters } from '../../formatters/index.js';
import type { FileReport } from '../../formatters/types.js';
import type { ParsedCommand } from '../args.js';
import { readDockerState } from '../docker-state.js';
import { decodeDump } from '../decode.js';
import { ExitCode, reachesThreshold } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, resolveInputs } from '../inputs.js';
import type { CliIo } from '../io.js';
import { reachOfChecks, type CheckedInput } from '../check-reach.js';
import { companionOf, lintPrepared, prepareInput, type PreparedInput } from '../lint-input.js';
import { writeOutput } from '../output-file.js';
import { printInputError } from '../report-input-error.js';
import { tool } from '../version.js';
import { describeGeneration } from '../verbose.js';

type CheckCommand = Extract<ParsedCommand, { command: 'check' }>;

export async function runCheck(cmd: CheckCommand, io: CliIo): Promise<ExitCode> {
  if (cmd.files.length === 0) refuseTerminalStdin(io.stdinIsTTY);
  const sources = await resolveInputs(cmd.files, io.cwd);
  const docker = readDockerState(cmd.docker, io);
  if (docker === 'failed') return ExitCode.failure;

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
    prepared.push({ input: prepareInput(loaded.name, text, cmd.parse), source: text });
  }

  const inputs = prepared.map((entry) => entry.input);
  const checked: CheckedInput[] = inputs.map((input) => {
    const companionModel = companionOf(input, inputs);
    const dockerInputs: DockerInputs | undefined =
      docker || companionModel ? { kind: 'docker-inputs', files: {}, ...docker, ...(companionModel ? { companionModel } : {}) } : undefined;
    const linted = lintPrepared(input, dockerInputs);
    if (cmd.verbose && input.kind === 'parsed') {
      io.stderr(describeGeneration(input.file, lintedDockerAnalysis(linted.analyses, input.model, dockerInputs)));
    }
    return { input, linted, docker: dockerInputs };
  });
  const reach = docker && cmd.reach ? reachOfChecks(checked, cmd.topology) : undefined;

  checked.forEach(({ input, linted }, index) => {
    if (linted.syntaxErrors) failed = true;
    const reachFindings = reach?.findings.get(input.file) ?? [];
    const all = reachFindings.length > 0 ? [...linted.findings, ...reachFindings].sort(compareFindings) : linted.findings;
    const reachReport = reach?.reports.get(input.file);
    reports.push({
      status: 'checked',
      file: input.file,
      source: prepared[index]?.source ?? '',
      findings: cmd.quiet ? all.filter((finding) => finding.severity === 'error') : all,
      ...(linted.format ? { format: linted.format } : {}),
      ...(linted.family ? { family: linted.family } : {}),
      ...(reachReport ? { reach: reachReport } : {}),
    });
  });

  const format = formatters[cmd.format];
  // A report written to a file is read later, not on this terminal: no colours there.
  const text = format(reports, { color: cmd.output === undefined && (cmd.color ?? io.colorByDefault), tool, cwd: io.cwd });
  if (cmd.output === undefined) io.stdout(text);
  else if (!writeOutput(cmd.output, text, io)) return ExitCode.failure;

  if (failed) return ExitCode.failure;
  const failing = reports.some(
    (report) => report.status === 'checked' && report.findings.some((finding) => reachesThreshold(finding.severity, cmd.failOn)),
  );
  return failing ? ExitCode.findings : ExitCode.ok;
}
