/**
 * The lint pipeline `check` and `scan` share: decoded dumps and Docker's
 * state in, one report per dump out; then the chosen formatter and the exit
 * code. Where the dumps come from (files, stdin, the live host) is the
 * commands' business.
 */
import type { ParseResult } from '../../grammar/ast.js';
import { lintedDockerAnalysis } from '../docker/index.js';
import type { DockerInputs } from '../docker/types.js';
import { compareFindings, suppressFindings, withConfiguredSeverity } from '../engine/lint.js';
import type { Finding, LintOptions } from '../engine/types.js';
import { formatters, type FormatterName } from '../formatters/index.js';
import type { CheckedFileReport, FileReport } from '../formatters/types.js';
import type { ParseSettings } from './args.js';
import { ExitCode, reachesThreshold, type FailOn } from './exit-code.js';
import type { CliIo } from './io.js';
import { reachOfChecks, type CheckedInput, type ReachTopology } from './check-reach.js';
import { companionOf, lintPrepared, prepareInput, type PreparedInput } from './lint-input.js';
import { writeOutput } from './output-file.js';
import { timed, type Timings } from './timings.js';
import { describeGeneration } from './verbose.js';
import { tool } from './version.js';

export interface DumpToLint {
  file: string;
  text: string;
  /** The text's parse, when it was made while the text was read (stdin). */
  parsed?: ParseResult;
  parse: ParseSettings;
  /**
   * Dumps of one ruleset share a group: a dump's companion (the other
   * family's model) is taken from its own group. Absent: one group.
   */
  group?: string;
  /** Findings about the dump found outside its text (e.g. by the live scan). */
  extraFindings?: readonly Finding[];
  /** The configuration's severities and rule options for this dump. */
  lintOptions?: Omit<LintOptions, 'inputs' | 'analyses'>;
}

export interface LintSettings {
  verbose: boolean;
  /** Prove reachability with the packet model when Docker state is given (default on). */
  reach?: boolean;
  topology?: ReachTopology;
  /** `check --timing`: where the time goes. */
  timings?: Timings;
}

export interface LintedDumps {
  reports: CheckedFileReport[];
  /** Some dump could not be fully parsed. */
  syntaxErrors: boolean;
}

export function lintDumps(dumps: readonly DumpToLint[], docker: DockerInputs | undefined, settings: LintSettings, io: CliIo): LintedDumps {
  const { timings } = settings;
  const prepared = dumps.map((dump) => ({ dump, input: prepareInput(dump.file, dump.text, dump.parse, dump.parsed, timings) }));
  const checked: CheckedInput[] = prepared.map(({ dump, input }) => {
    const sameGroup: PreparedInput[] = prepared.filter((other) => other.dump.group === dump.group).map((other) => other.input);
    const companionModel = companionOf(input, sameGroup);
    const dockerInputs: DockerInputs | undefined =
      docker || companionModel ? { kind: 'docker-inputs', files: {}, ...docker, ...(companionModel ? { companionModel } : {}) } : undefined;
    const linted = timed(timings, 'lint', () => lintPrepared(input, dockerInputs, timings ? { ...dump.lintOptions, timeRule: timings.rule } : dump.lintOptions));
    if (settings.verbose && input.kind === 'parsed') {
      io.stderr(describeGeneration(input.file, lintedDockerAnalysis(linted.analyses, input.model, dockerInputs)));
    }
    return { input, linted, docker: dockerInputs, ...(dump.group === undefined ? {} : { group: dump.group }) };
  });
  const reach = docker && settings.reach !== false ? timed(timings, 'reach', () => reachOfChecks(checked, settings.topology ?? { hostAddrs: [], routes: [] })) : undefined;

  const reports: CheckedFileReport[] = [];
  let syntaxErrors = false;
  checked.forEach(({ input, linted }, index) => {
    const dump = prepared[index]?.dump as DumpToLint;
    if (linted.syntaxErrors) syntaxErrors = true;
    const reachFindings = withConfiguredSeverity(reach?.findings.get(input.file) ?? [], dump.lintOptions?.severity);
    const all = [...linted.findings, ...reachFindings, ...(dump.extraFindings ?? [])];
    const findings = input.kind === 'parsed' ? suppressFindings(all, input.model, dump.lintOptions) : all.sort(compareFindings);
    const reachReport = reach?.reports.get(input.file);
    reports.push({
      status: 'checked',
      file: input.file,
      source: dump.text,
      findings,
      ...(linted.format ? { format: linted.format } : {}),
      ...(linted.family ? { family: linted.family } : {}),
      ...(reachReport ? { reach: reachReport } : {}),
    });
  });
  return { reports, syntaxErrors };
}

export interface OutputSettings {
  format: FormatterName;
  /** Report errors only (warnings and info dropped, also for --fail-on). */
  quiet: boolean;
  color?: boolean;
  failOn: FailOn;
  /** `--output FILE`; absent: stdout. */
  output?: string;
}

/** Prints (or writes) the reports in the chosen format; the exit code follows `failed` (input/syntax errors) and --fail-on. */
export function emitReports(all: readonly FileReport[], failed: boolean, settings: OutputSettings, io: CliIo): ExitCode {
  const reports = settings.quiet
    ? all.map((report) => (report.status === 'checked' ? { ...report, findings: report.findings.filter((finding) => finding.severity === 'error') } : report))
    : all;
  const format = formatters[settings.format];
  // A report written to a file is read later, not on this terminal: no colours there.
  const text = format(reports, { color: settings.output === undefined && (settings.color ?? io.colorByDefault), tool, cwd: io.cwd });
  if (settings.output === undefined) io.stdout(text);
  else if (!writeOutput(settings.output, text, io)) return ExitCode.failure;
  if (failed) return ExitCode.failure;
  const failing = reports.some(
    (report) => report.status === 'checked' && report.findings.some((finding) => reachesThreshold(finding.severity, settings.failOn)),
  );
  return failing ? ExitCode.findings : ExitCode.ok;
}
