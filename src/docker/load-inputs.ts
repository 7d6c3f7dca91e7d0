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
  return dockerInputsFrom({
    ...(paths.networksPath === undefined ? {} : { networks: readStructuredFile(paths.networksPath, paths.maxInputBytes) }),
    ...(paths.containersPath === undefined ? {} : { containers: readStructuredFile(paths.containersPath, paths.maxInputBytes) }),
    ...(paths.policyPath === undefined ? {} : { policy: readStructuredFile(paths.policyPath, paths.maxInputBytes) }),
    ...(paths.dockerVersion === undefined ? {} : { dockerVersion: paths.dockerVersion }),
    ...(paths.companionModel ? { companionModel: paths.companionModel } : {}),
  });
}

/** Docker's state already read (from files, or from the Docker Engine API as the same JSON). */
export interface DockerInputSources {
  networks?: StructuredFile;
  containers?: StructuredFile;
  policy?: StructuredFile;
  dockerVersion?: string;
  companionModel?: Model;
}

export function dockerInputsFrom(sources: DockerInputSources): DockerInputs {
  const inputs: DockerInputs = { kind: 'docker-inputs', files: {} };
  if (sources.dockerVersion !== undefined) {
    if (!parseDockerVersion(sources.dockerVersion)) {
      throw new DockerInputError('<docker-version>', `not a Docker version: ${JSON.stringify(sources.dockerVersion)} (expected e.g. 20.10.24 or 28.3.1)`);
    }
    inputs.dockerVersion = sources.dockerVersion;
  }
  if (sources.networks) {
    rejectSwappedInspect(sources.networks, 'networks');
    const inspected = readNetworkInspect(sources.networks);
    inputs.networks = inspected.networks;
    inputs.networkEndpoints = inspected.endpoints;
    inputs.files.networks = sources.networks.file;
  }
  if (sources.containers) {
    rejectSwappedInspect(sources.containers, 'containers');
    const inspected = readContainerInspect(sources.containers);
    inputs.containers = inspected.running;
    inputs.stoppedContainers = inspected.stopped;
    inputs.files.containers = sources.containers.file;
  }
  if (sources.policy) {
    inputs.policy = readPolicy(sources.policy);
    inputs.files.policy = sources.policy.file;
  }
  if (sources.companionModel) inputs.companionModel = sources.companionModel;
  return inputs;
}

/** Narrows `context.inputs.docker` (typed `unknown` by the engine). */
export function isDockerInputs(value: unknown): value is DockerInputs {
  return isObject(value) && value['kind'] === 'docker-inputs';
}
