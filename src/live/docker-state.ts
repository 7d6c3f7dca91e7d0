/**
 * Docker's state from the Engine API, as the same JSON documents that
 * `docker network inspect $(docker network ls -q)` and
 * `docker inspect $(docker ps -aq)` print, so the offline loaders read them.
 */
import { structuredValue, type StructuredFile } from '../docker/index.js';
import { DockerApiClient, DockerApiError, type ApiLimits, type DockerHost, type DockerVersionInfo } from './docker-api.js';

export const NETWORKS_SOURCE = 'live:docker network inspect';
export const CONTAINERS_SOURCE = 'live:docker inspect';

export interface LiveDockerState {
  version: DockerVersionInfo;
  networks: StructuredFile;
  containers: StructuredFile;
  /** Objects listed but gone before they could be inspected (Docker churn during the scan). */
  vanished: string[];
}

type JsonObject = Record<string, unknown>;

function objectsIn(value: unknown, what: string): JsonObject[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'object' && entry !== null && !Array.isArray(entry))) {
    throw new DockerApiError(`the Docker API's ${what} is not a list of objects`, 'check that --docker-host names the Docker daemon socket');
  }
  return value as JsonObject[];
}

function idOf(entry: JsonObject, what: string): string {
  const id = entry['Id'] ?? entry['ID'];
  if (typeof id !== 'string' || !/^[0-9a-zA-Z_.-]+$/.test(id)) {
    throw new DockerApiError(`the Docker API listed a ${what} without a usable Id (${JSON.stringify(id)})`, 'check that --docker-host names the Docker daemon socket');
  }
  return id;
}

/** Oldest first (creation order), name as tie-break: stable from one scan to the next. */
function byCreation(created: (entry: JsonObject) => string | number, name: (entry: JsonObject) => string) {
  return (a: JsonObject, b: JsonObject): number => {
    const [ca, cb] = [created(a), created(b)];
    if (ca !== cb) return ca < cb ? -1 : 1;
    return name(a).localeCompare(name(b));
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const numberOr0 = (value: unknown): number => (typeof value === 'number' ? value : 0);

export async function readLiveDockerState(host: DockerHost, limits: ApiLimits): Promise<LiveDockerState> {
  const client = new DockerApiClient(host, limits);
  const version = await client.negotiate();
  const vanished: string[] = [];

  // The list omits each network's containers; the per-network inspect has them.
  const networkList = objectsIn(await client.get('/networks'), 'network list');
  const networks: JsonObject[] = [];
  for (const entry of networkList) {
    const id = idOf(entry, 'network');
    const inspected = await client.get(`/networks/${encodeURIComponent(id)}`);
    if (inspected === undefined) vanished.push(`network ${text(entry['Name']) || id}`);
    else networks.push(...objectsIn([inspected], `network ${id}`));
  }
  networks.sort(byCreation((entry) => text(entry['Created']), (entry) => text(entry['Name'])));

  const containerList = objectsIn(await client.get('/containers/json?all=1'), 'container list');
  containerList.sort(byCreation((entry) => numberOr0(entry['Created']), (entry) => text((entry['Names'] as unknown[] | undefined)?.[0])));
  const containers: JsonObject[] = [];
  for (const entry of containerList) {
    const id = idOf(entry, 'container');
    const inspected = await client.get(`/containers/${encodeURIComponent(id)}/json`);
    if (inspected === undefined) vanished.push(`container ${id.slice(0, 12)}`);
    else containers.push(...objectsIn([inspected], `container ${id}`));
  }

  return {
    version,
    networks: structuredValue(NETWORKS_SOURCE, networks),
    containers: structuredValue(CONTAINERS_SOURCE, containers),
    vanished,
  };
}
