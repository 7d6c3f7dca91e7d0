/**
 * Rebuilds the host that `trace` and `reach` reason about: the dumps (IPv4
 * and optionally IPv6), Docker's state (given, or inferred from the dump by
 * the Docker audit) and the topology given with --host-addr and --route.
 */
import { dockerInventory } from '../docker/index.js';
import type { DockerInputs } from '../docker/types.js';
import type { Model } from '../model/types.js';
import { hostFromDocker, TopologyError, type Host } from '../packet/index.js';
import type { HostSettings } from './args.js';
import { readDockerState } from './docker-state.js';
import { loadDumpModel } from './dump-model.js';
import type { CliIo } from './io.js';
import { timed, type Timings } from './timings.js';
import { UsageError } from './usage-error.js';

/** The host, or `undefined` after the reason (unreadable input, syntax errors) was printed. */
export async function loadHost(settings: HostSettings, io: CliIo, timings?: Timings): Promise<Host | undefined> {
  const docker = readDockerState(settings.docker, io, settings.parse.maxInputBytes, timings);
  if (docker === 'failed') return undefined;
  const ipv4 = (await loadDumpModel(settings.file, settings, io, 'ipv4', timings))?.model;
  const ipv6 = settings.ip6File === undefined ? undefined : (await loadDumpModel(settings.ip6File, settings, io, 'ipv6', timings))?.model;
  if (!ipv4 || (settings.ip6File !== undefined && !ipv6)) return undefined;
  const build = () => hostOf(settings, ipv4, ipv6, docker);
  return timed(timings, 'host', build);
}

function hostOf(settings: HostSettings, ipv4: Model, ipv6: Model | undefined, docker: DockerInputs | undefined): Host {
  try {
    return hostFromDocker({
      ipv4,
      ...(ipv6 ? { ipv6 } : {}),
      docker: dockerInventory(ipv4, docker),
      ...(docker ? { inputs: docker } : {}),
      topology: { hostAddrs: settings.hostAddrs, routes: settings.routes, ...(settings.brNetfilter ? { brNetfilter: settings.brNetfilter } : {}) },
    });
  } catch (error) {
    if (error instanceof TopologyError) throw new UsageError(error.message, 'check --host-addr ADDR[/BITS][=IFACE] and --route CIDR=IFACE');
    throw error;
  }
}
