/**
 * `iptlint scan --live`: this host's rulesets and Docker state, read without
 * changing anything, through the same lint pipeline and formatters as check.
 */
import { isAbsolute, resolve } from 'node:path';
import { DockerInputError, dockerInputsFrom, readStructuredFile, type DockerInputSources } from '../../docker/index.js';
import type { DockerInputs } from '../../docker/types.js';
import type { FileReport } from '../../formatters/types.js';
import { neutralize } from '../../formatters/terminal-text.js';
import { DockerApiError, resolveDockerHost, type ApiLimits, type DockerHost } from '../../live/docker-api.js';
import { readBridgeNetfilter } from '../../live/bridge-netfilter.js';
import { readLiveDockerState } from '../../live/docker-state.js';
import { readLiveRulesets, type LiveRulesets } from '../../live/rulesets.js';
import { liveFileName } from '../../live/save-commands.js';
import type { ParsedCommand } from '../args.js';
import { decodeDump } from '../decode.js';
import { ExitCode } from '../exit-code.js';
import type { CliIo } from '../io.js';
import { emitReports, lintDumps, type DumpToLint } from '../lint-pipeline.js';
import { UsageError } from '../usage-error.js';

type ScanCommand = Extract<ParsedCommand, { command: 'scan' }>;

/** The sysctls of the namespace the scan runs in: the host's. */
const PROC_SYS = '/proc/sys';

/** Largest save output or API answer read (a 100k-rule dump is about 10 MB). */
export const LIVE_MAX_BYTES = 256 * 1024 * 1024;

export async function runScan(cmd: ScanCommand, io: CliIo): Promise<ExitCode> {
  const host = resolveDockerHost(cmd.dockerHost, process.env['DOCKER_HOST']);
  if ('error' in host) throw new UsageError(host.error, 'give the socket as --docker-host unix:///path/to/docker.sock');
  const limits = { timeoutMs: cmd.timeoutSeconds * 1000, maxBytes: LIVE_MAX_BYTES };
  // Messages hold names from the host and from Docker: neutralised line by line.
  const say = (text: string): void => io.stderr(text.split('\n').map((line) => `${neutralize(line)}\n`).join(''));

  const docker = await readDocker(cmd, host, limits, io.cwd, say);
  if (docker === 'failed') return ExitCode.failure;

  const pathVar = process.env['PATH'] ?? '';
  const rulesets = await readLiveRulesets(pathVar, limits);
  if (cmd.verbose) for (const line of rulesets.log) say(line);
  const unreadable = unreadableReports(rulesets, pathVar, say);

  const dumps: DumpToLint[] = rulesets.dumps.filter((dump) => dump.holdsTables).map((dump) => ({
    file: dump.file,
    text: decodeDump(dump.bytes),
    parse: { inputFormat: 'save', family: dump.family, maxInputBytes: limits.maxBytes },
    group: dump.backend,
    extraFindings: dump.hostFindings,
  }));
  const bridge = readBridgeNetfilter(PROC_SYS);
  if (cmd.verbose) for (const line of bridge.log) say(line);
  const linted = lintDumps(dumps, docker, { ...cmd, topology: { hostAddrs: [], routes: [], brNetfilter: bridge.brNetfilter } }, io);
  // A family without tables has nothing to lint (the parser would call it an empty input): reported clean.
  const reports = rulesets.dumps.map(
    (dump): FileReport =>
      linted.reports.find((report) => report.file === dump.file) ?? { status: 'checked', file: dump.file, source: '', findings: [], format: 'save', family: dump.family },
  );
  return emitReports([...unreadable, ...reports], unreadable.length > 0 || linted.syntaxErrors, cmd, io);
}

/**
 * The policy file and Docker's live state. Docker out of reach is a note
 * (or, with --require-docker, a failure); a bad policy or unreadable API
 * JSON is a failure: nothing is scanned then.
 */
async function readDocker(cmd: ScanCommand, host: DockerHost, limits: ApiLimits, cwd: string, say: (text: string) => void): Promise<DockerInputs | undefined | 'failed'> {
  const sources: DockerInputSources = {};
  try {
    if (cmd.policyPath !== undefined) {
      sources.policy = readStructuredFile(isAbsolute(cmd.policyPath) ? cmd.policyPath : resolve(cwd, cmd.policyPath));
      // Validated now, so that a bad policy stops the scan before anything is read from the host.
      dockerInputsFrom({ policy: sources.policy });
    }
  } catch (error) {
    if (!(error instanceof DockerInputError)) throw error;
    say(`iptlint: ${error.message}\nhint: fix the policy file; nothing was scanned`);
    return 'failed';
  }

  try {
    const state = await readLiveDockerState(host, limits);
    sources.networks = state.networks;
    sources.containers = state.containers;
    sources.dockerVersion = state.version.version;
    if (cmd.verbose) say(`Docker ${state.version.version} at ${host.socketPath} (${host.origin}), API ${state.version.apiVersion}, spoken ${state.version.negotiated}`);
    if (state.vanished.length > 0) say(`iptlint: note: gone while the scan read them: ${state.vanished.join(', ')}`);
  } catch (error) {
    if (!(error instanceof DockerApiError)) throw error;
    if (cmd.requireDocker) {
      say(`iptlint: ${error.message}\nhint: ${error.hint}; nothing was scanned (--require-docker)`);
      return 'failed';
    }
    say(`iptlint: note: scanning without Docker's state: ${error.message}\nhint: ${error.hint}; the docker-* rules audit against the state inferred from the rules`);
  }

  try {
    return Object.keys(sources).length > 0 ? dockerInputsFrom(sources) : undefined;
  } catch (error) {
    if (!(error instanceof DockerInputError)) throw error;
    say(`iptlint: ${error.message}\nhint: the Docker API answered JSON iptlint cannot read; nothing was scanned`);
    return 'failed';
  }
}

/** Families without a save program and programs that failed, reported on stderr and as unreadable inputs. */
function unreadableReports(rulesets: LiveRulesets, pathVar: string, say: (text: string) => void): FileReport[] {
  const unreadable: FileReport[] = [];
  for (const family of rulesets.missing) {
    const file = liveFileName(family, 'default');
    say(`iptlint: cannot read '${file}': no ${family === 'ipv4' ? 'iptables' : 'ip6tables'}-save program on PATH (${pathVar})\nhint: install iptables, or set PATH to include /usr/sbin and /sbin (cron's default PATH does not)`);
    unreadable.push({ status: 'unreadable', file, error: 'no save program on PATH' });
  }
  for (const failure of rulesets.failures) {
    say(`iptlint: cannot read '${failure.file}': ${failure.error}\nhint: ${failure.hint}`);
    unreadable.push({ status: 'unreadable', file: failure.file, error: failure.error });
  }
  return unreadable;
}
