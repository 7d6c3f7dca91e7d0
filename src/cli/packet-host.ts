/**
 * Rebuilds the host that `trace` and `reach` reason about: the dumps (IPv4
 * and optionally IPv6), Docker's state (given, or inferred from the dump by
 * the Docker audit) and the topology given with --host-addr and --route.
 */
import { analyzeDocker } from '../docker/index.js';
import { hostFromDocker, TopologyError, type Host } from '../packet/index.js';
import type { HostSettings } from './args.js';
import { decodeDump } from './decode.js';
import { readDockerState } from './docker-state.js';
import { loadInput, resolveInputs } from './inputs.js';
import type { CliIo } from './io.js';
import { lintPrepared, prepareInput } from './lint-input.js';
import { printInputError } from './report-input-error.js';
import { formatters } from '../formatters/index.js';
import { tool } from './version.js';
import { UsageError } from './usage-error.js';

/** The host, or `undefined` after the reason (unreadable input, syntax errors) was printed. */
export async function loadHost(settings: HostSettings, io: CliIo): Promise<Host | undefined> {
  const docker = readDockerState(settings.docker, io, settings.parse.maxInputBytes);
  if (docker === 'failed') return undefined;
  const ipv4 = await loadModel(settings.file, settings, io, 'ipv4');
  const ipv6 = settings.ip6File === undefined ? undefined : await loadModel(settings.ip6File, settings, io, 'ipv6');
  if (!ipv4 || (settings.ip6File !== undefined && !ipv6)) return undefined;
  try {
    return hostFromDocker({
      ipv4,
      ...(ipv6 ? { ipv6 } : {}),
      docker: analyzeDocker(ipv4, docker),
      ...(docker ? { inputs: docker } : {}),
      topology: { hostAddrs: settings.hostAddrs, routes: settings.routes },
    });
  } catch (error) {
    if (error instanceof TopologyError) throw new UsageError(error.message, 'check --host-addr ADDR[/BITS][=IFACE] and --route CIDR=IFACE');
    throw error;
  }
}

async function loadModel(file: string, settings: HostSettings, io: CliIo, family: 'ipv4' | 'ipv6') {
  const [source] = await resolveInputs([file], io.cwd);
  if (!source) return undefined;
  const loaded = await loadInput(source, io.cwd, io.readStdin, settings.parse.maxInputBytes);
  if (!loaded.ok) {
    printInputError(io, loaded);
    return undefined;
  }
  const text = decodeDump(loaded.bytes);
  const prepared = prepareInput(loaded.name, text, { ...settings.parse, family });
  if (prepared.kind === 'parsed' && prepared.parse.errors.length === 0) return prepared.model;
  // Syntax errors: the packet model would reason about a ruleset the kernel refuses.
  const linted = lintPrepared(prepared, undefined);
  const errors = linted.findings.filter((finding) => finding.category === 'syntax');
  io.stderr(formatters.stylish([{ status: 'checked', file: loaded.name, source: text, findings: errors }], { color: settings.color ?? io.colorByDefault, tool }));
  return undefined;
}
