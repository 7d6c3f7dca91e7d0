import { diffHosts, diffJson, renderDiff, type DiffSideInput } from '../../diff/index.js';
import type { DiffSide, ParsedCommand } from '../args.js';
import { readDockerState } from '../docker-state.js';
import { loadDumpModel } from '../dump-model.js';
import { ExitCode } from '../exit-code.js';
import type { CliIo } from '../io.js';

type DiffCommand = Extract<ParsedCommand, { command: 'diff' }>;

/** Exit 1 when a security-relevant change was found (README: "iptlint diff"). */
export async function runDiff(cmd: DiffCommand, io: CliIo): Promise<ExitCode> {
  const old = await loadSide(cmd.old, cmd, io);
  const now = await loadSide(cmd.new, cmd, io);
  if (!old || !now) return ExitCode.failure;
  const report = diffHosts(old, now);
  io.stdout(cmd.format === 'json' ? diffJson(report) : renderDiff(report));
  return report.securityRelevant ? ExitCode.findings : ExitCode.ok;
}

async function loadSide(side: DiffSide, cmd: DiffCommand, io: CliIo): Promise<DiffSideInput | undefined> {
  const docker = readDockerState(side.docker, io, cmd.parse.maxInputBytes);
  if (docker === 'failed') return undefined;
  const ipv4 = await loadDumpModel(side.file, cmd, io, cmd.parse.family);
  const ipv6 = side.ip6File === undefined ? undefined : await loadDumpModel(side.ip6File, cmd, io, 'ipv6');
  if (!ipv4 || (side.ip6File !== undefined && !ipv6)) return undefined;
  return {
    files: { ipv4: ipv4.file, ...(ipv6 ? { ipv6: ipv6.file } : {}) },
    ipv4: ipv4.model,
    ...(ipv6 ? { ipv6: ipv6.model } : {}),
    ...(docker ? { docker } : {}),
  };
}
