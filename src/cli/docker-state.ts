/**
 * --docker-networks, --docker-containers, --policy, --docker-version: Docker's
 * own state, read once per run for check, trace and reach.
 */
import { isAbsolute, resolve } from 'node:path';
import { DockerInputError, loadDockerInputs } from '../docker/index.js';
import type { DockerInputs } from '../docker/types.js';
import { neutralize } from '../formatters/terminal-text.js';
import type { DockerSettings } from './args.js';
import type { CliIo } from './io.js';
import { timed, type Timings } from './timings.js';

/** Reads --docker-networks/--docker-containers/--policy/--docker-version; a bad file is reported with its location. */
export function readDockerState(settings: DockerSettings, io: CliIo, maxInputBytes: number, timings?: Timings): DockerInputs | undefined | 'failed' {
  if (Object.keys(settings).length === 0) return undefined;
  return timed(timings, 'docker', () => readGivenState(settings, io, maxInputBytes));
}

function readGivenState(settings: DockerSettings, io: CliIo, maxInputBytes: number): DockerInputs | 'failed' {
  // Paths as the user typed them, so error messages name the same file.
  const fromCwd = (path: string) => (isAbsolute(path) || io.cwd === process.cwd() ? path : resolve(io.cwd, path));
  try {
    return loadDockerInputs({
      ...(settings.networksPath === undefined ? {} : { networksPath: fromCwd(settings.networksPath) }),
      ...(settings.containersPath === undefined ? {} : { containersPath: fromCwd(settings.containersPath) }),
      ...(settings.policyPath === undefined ? {} : { policyPath: fromCwd(settings.policyPath) }),
      ...(settings.dockerVersion === undefined ? {} : { dockerVersion: settings.dockerVersion }),
      maxInputBytes,
    });
  } catch (error) {
    if (!(error instanceof DockerInputError)) throw error;
    io.stderr(`iptlint: ${neutralize(error.message)}\nhint: fix the Docker state file (see 'iptlint check --help'); nothing was checked\n`);
    return 'failed';
  }
}
