/**
 * The lint pipeline `check` and `scan` share: decoded dumps and Docker's
 * state in, one report per dump out; then the chosen formatter and the exit
 * code. Where the dumps come from (files, stdin, the live host) is the
 * commands' business.
 */
import type { DockerInputs } from '../docker/types.js';
import { compareFindings } from '../engine/lint.js';
import type { Finding } from '../engine/types.js';
import { formatters, type FormatterName } from '../formatters/index.js';
import type { CheckedFileReport, FileReport } from '../formatters/types.js';
import type { ParseSettings } from './args.js';
import { ExitCode, reachesThreshold, type FailOn } from './exit-code.js';
import type { CliIo } from './io.js';
import { companionOf, lintPrepared, prepareInput, type PreparedInput } from './lint-input.js';
import { describeGeneration } from './verbose.js';
import { tool } from './version.js';

export interface DumpToLint {
  file: string;
  text: string;
  parse: ParseSettings;
  /**
   * Dumps of one ruleset share a group: a dump's companion (the other
   * family's model) is taken from its own group. Absent: one group.
   */
  group?: string;
  /** Findings about the dump found outside its text (e.g. by the live scan). */
  extraFindings?: readonly Finding[];
}

export interface LintSettings {
  quiet: boolean;
  verbose: boolean;
}

export interface LintedDumps {
  reports: CheckedFileReport[];
  /** Some dump could not be fully parsed. */
  syntaxErrors: boolean;
}

export function lintDumps(dumps: readonly DumpToLint[], docker: DockerInputs | undefined, settings: LintSettings, io: CliIo): LintedDumps {
  const prepared = dumps.map((dump) => ({ dump, input: prepareInput(dump.file, dump.text, dump.parse) }));
  const reports: CheckedFileReport[] = [];
  let syntaxErrors = false;
  for (const { dump, input } of prepared) {
    const sameGroup: PreparedInput[] = prepared.filter((other) => other.dump.group === dump.group).map((other) => other.input);
    const companionModel = companionOf(input, sameGroup);
    const dockerInputs: DockerInputs | undefined =
      docker || companionModel ? { kind: 'docker-inputs', files: {}, ...docker, ...(companionModel ? { companionModel } : {}) } : undefined;
    if (settings.verbose && input.kind === 'parsed') io.stderr(describeGeneration(input.file, input.model, dockerInputs));
    const linted = lintPrepared(input, dockerInputs);
    if (linted.syntaxErrors) syntaxErrors = true;
    const findings = [...linted.findings, ...(dump.extraFindings ?? [])].sort(compareFindings);
    reports.push({
      status: 'checked',
      file: input.file,
      source: dump.text,
      findings: settings.quiet ? findings.filter((finding) => finding.severity === 'error') : findings,
      ...(linted.format ? { format: linted.format } : {}),
      ...(linted.family ? { family: linted.family } : {}),
    });
  }
  return { reports, syntaxErrors };
}

export interface OutputSettings {
  format: FormatterName;
  color?: boolean;
  failOn: FailOn;
}

/** Prints the reports in the chosen format; the exit code follows `failed` (input/syntax errors) and --fail-on. */
export function emitReports(reports: readonly FileReport[], failed: boolean, settings: OutputSettings, io: CliIo): ExitCode {
  const format = formatters[settings.format];
  io.stdout(format(reports, { color: settings.color ?? io.colorByDefault, tool }));
  if (failed) return ExitCode.failure;
  const failing = reports.some(
    (report) => report.status === 'checked' && report.findings.some((finding) => reachesThreshold(finding.severity, settings.failOn)),
  );
  return failing ? ExitCode.findings : ExitCode.ok;
}
