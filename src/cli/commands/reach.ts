import { stringifyJson } from '../../formatters/json-text.js';
import { neutralizeReport } from '../../formatters/terminal-text.js';
import { analyzeReach, reachFindings, reachJson, renderReach } from '../../packet/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode } from '../exit-code.js';
import type { CliIo } from '../io.js';
import { loadHost } from '../packet-host.js';
import { timed, withTimings, type Timings } from '../timings.js';

type ReachCommand = Extract<ParsedCommand, { command: 'reach' }>;

/** Exit 1 when the analysis found an isolation gap or unexpected exposure (an error finding). */
export function runReach(cmd: ReachCommand, io: CliIo): Promise<ExitCode> {
  return withTimings(cmd.timing, io, (timings) => reach(cmd, io, timings));
}

async function reach(cmd: ReachCommand, io: CliIo, timings: Timings | undefined): Promise<ExitCode> {
  const host = await loadHost(cmd, io, timings);
  if (!host) return ExitCode.failure;
  const report = analyzeReach(host, timings ? { timeSection: timings.record } : {});
  const findings = timed(timings, 'findings', () => reachFindings(host, report));
  const color = cmd.color ?? io.colorByDefault;
  timed(timings, 'report', () =>
    io.stdout(cmd.format === 'json' ? stringifyJson(reachJson(report, findings), 2) + '\n' : neutralizeReport(renderReach(report, findings, { color }), color)),
  );
  return findings.some((finding) => finding.severity === 'error') ? ExitCode.findings : ExitCode.ok;
}
