/**
 * `check` with Docker state also proves reachability: each IPv4 dump of a
 * Docker host (with the IPv6 dump given beside it) goes through the packet
 * model, and its reach/* findings join the lint findings of the dump they
 * point into. Dumps with syntax errors are left out: the kernel would refuse
 * them, so there is no ruleset to reason about.
 */
import { lintedDockerAnalysis } from '../docker/index.js';
import type { DockerInputs } from '../docker/types.js';
import type { Finding } from '../engine/types.js';
import { analyzeReach, hostFromDocker, reachFindings, reachJson, TopologyError, type ReachJson } from '../packet/index.js';
import type { TopologySettings } from './args.js';
import type { LintedInput, PreparedInput } from './lint-input.js';
import { UsageError } from './usage-error.js';

export interface CheckedInput {
  input: PreparedInput;
  linted: LintedInput;
  docker: DockerInputs | undefined;
  /** Dumps of one ruleset (an IPv4 dump and its IPv6 companion) share a group. */
  group?: string;
}

export type ReachTopology = TopologySettings;

export interface ReachOfChecks {
  /** reach/* findings per dump file. */
  findings: Map<string, Finding[]>;
  /** The full report, under the IPv4 dump it was computed from. */
  reports: Map<string, ReachJson>;
}

/** A dump the packet model can reason about: parsed, without syntax errors. */
type UsableInput = CheckedInput & { input: Extract<PreparedInput, { kind: 'parsed' }> };

function usable(entry: CheckedInput | undefined): entry is UsableInput {
  return entry !== undefined && entry.input.kind === 'parsed' && !entry.linted.syntaxErrors;
}

export function reachOfChecks(entries: readonly CheckedInput[], topology: ReachTopology): ReachOfChecks {
  const result: ReachOfChecks = { findings: new Map(), reports: new Map() };
  for (const entry of entries) {
    if (!usable(entry) || entry.input.parse.family !== 'ipv4' || !entry.docker) continue;
    const ipv6 = entries.find((other): other is UsableInput => other.group === entry.group && usable(other) && other.input.parse.family === 'ipv6');
    const analysis = lintedDockerAnalysis(entry.linted.analyses, entry.input.model, entry.docker);
    if (analysis.detection.generation === null) continue;
    const host = buildHost(entry, ipv6, analysis, topology);
    const report = analyzeReach(host);
    const findings = reachFindings(host, report);
    result.reports.set(entry.input.file, reachJson(report, findings));
    for (const finding of findings) {
      const list = result.findings.get(finding.file) ?? [];
      list.push(finding);
      result.findings.set(finding.file, list);
    }
  }
  return result;
}

function buildHost(
  ipv4: UsableInput,
  ipv6: UsableInput | undefined,
  analysis: ReturnType<typeof lintedDockerAnalysis>,
  topology: ReachTopology,
) {
  try {
    return hostFromDocker({
      ipv4: ipv4.input.model,
      ...(ipv6 ? { ipv6: ipv6.input.model } : {}),
      docker: analysis,
      ...(ipv4.docker ? { inputs: ipv4.docker } : {}),
      topology,
    });
  } catch (error) {
    if (error instanceof TopologyError) throw new UsageError(error.message, 'check --host-addr ADDR[/BITS][=IFACE] and --route CIDR=IFACE');
    throw error;
  }
}
