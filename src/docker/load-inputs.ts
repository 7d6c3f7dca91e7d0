/**
 * `loadDockerInputs`: reads the files that describe a host's Docker state and
 * returns them typed, or throws one `DockerInputError` naming the file,
 * line:column and key path of the first problem.
 */
import type { Model } from '../model/types.js';
import { parseDockerVersion } from './docker-version.js';
import { readContainerInspect } from './inspect-containers.js';
import { readNetworkInspect } from './inspect-networks.js';
import { DockerInputError } from './input-error.js';
import { isObject } from './json-reader.js';
import { readPolicy } from './policy.js';
import { readStructuredFile, type StructuredFile } from './structured-file.js';
import type { DockerInputs } from './types.js';

export interface DockerInputPaths {
  /** `docker network inspect $(docker network ls -q)` output. */
  networksPath?: string;
  /** `docker inspect $(docker ps -aq)` output. */
  containersPath?: string;
  /** Policy file, YAML or JSON. */
  policyPath?: string;
  /** `docker version --format '{{.Server.Version}}'` output, or any string containing the version. */
  dockerVersion?: string;
  /** The other family's dump of the same host, for checks that need both. */
  companionModel?: Model;
  /** Files larger than this are refused before they are read (default DEFAULT_MAX_INPUT_BYTES). */
  maxInputBytes?: number;
}

/** Catches the easy mistake of passing one inspect output for the other. */
function rejectSwappedInspect(source: StructuredFile, expected: 'networks' | 'containers'): void {
  const first = Array.isArray(source.value) ? source.value[0] : undefined;
  if (!isObject(first)) return;
  if (expected === 'networks' && 'NetworkSettings' in first) {
    throw source.error([0], 'this is `docker inspect` (container) output; the networks file must be `docker network inspect` output');
  }
  if (expected === 'containers' && 'IPAM' in first) {
    throw source.error([0], 'this is `docker network inspect` output; the containers file must be `docker inspect <container>…` output');
  }
}

export function loadDockerInputs(paths: DockerInputPaths): DockerInputs {
  const inputs: DockerInputs = { kind: 'docker-inputs', files: {} };
  if (paths.dockerVersion !== undefined) {
    if (!parseDockerVersion(paths.dockerVersion)) {
      throw new DockerInputError('<docker-version>', `not a Docker version: ${JSON.stringify(paths.dockerVersion)} (expected e.g. 20.10.24 or 28.3.1)`);
    }
    inputs.dockerVersion = paths.dockerVersion;
  }
  if (paths.networksPath !== undefined) {
    const source = readStructuredFile(paths.networksPath, paths.maxInputBytes);
    rejectSwappedInspect(source, 'networks');
    const inspected = readNetworkInspect(source);
    inputs.networks = inspected.networks;
    inputs.networkEndpoints = inspected.endpoints;
    inputs.files.networks = paths.networksPath;
  }
  if (paths.containersPath !== undefined) {
    const source = readStructuredFile(paths.containersPath, paths.maxInputBytes);
    rejectSwappedInspect(source, 'containers');
    const inspected = readContainerInspect(source);
    inputs.containers = inspected.running;
    inputs.stoppedContainers = inspected.stopped;
    inputs.files.containers = paths.containersPath;
  }
  if (paths.policyPath !== undefined) {
    inputs.policy = readPolicy(readStructuredFile(paths.policyPath, paths.maxInputBytes));
    inputs.files.policy = paths.policyPath;
  }
  if (paths.companionModel) inputs.companionModel = paths.companionModel;
  return inputs;
}

/** Narrows `context.inputs.docker` (typed `unknown` by the engine). */
export function isDockerInputs(value: unknown): value is DockerInputs {
  return isObject(value) && value['kind'] === 'docker-inputs';
}
