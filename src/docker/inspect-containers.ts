/**
 * Reads `docker inspect <container>…` output (a JSON array) into running
 * containers with their endpoint addresses and published ports.
 */
import { hostOf } from './address.js';
import { JsonReader, type JsonObject } from './json-reader.js';
import type { StructuredFile } from './structured-file.js';
import type { DockerContainerState, DockerEndpoint, PortBinding, PortProtocol } from './types.js';

export interface InspectedContainers {
  running: DockerContainerState[];
  /** Names of containers that exist but are not running (their rules should be gone). */
  stopped: string[];
}

const PORT_KEY = /^(\d+(?:-\d+)?)\/(tcp|udp|sctp)$/;

function readPorts(reader: JsonReader, settings: JsonObject, path: (string | number)[]): PortBinding[] {
  const ports = reader.optionalObject(settings, 'Ports', path);
  const bindings: PortBinding[] = [];
  for (const [key, value] of Object.entries(ports)) {
    const keyPath = [...path, 'Ports', key];
    const parsed = PORT_KEY.exec(key);
    if (!parsed) throw reader.source.error(keyPath, `not a port key like "80/tcp": ${JSON.stringify(key)}`);
    if (value === null || value === undefined) continue; // exposed, not published
    reader.array(value, keyPath).forEach((entry, index) => {
      const entryPath = [...keyPath, index];
      const binding = reader.object(entry, entryPath);
      bindings.push({
        protocol: parsed[2] as PortProtocol,
        containerPort: parsed[1] ?? '',
        hostPort: reader.optionalString(binding, 'HostPort', entryPath) ?? '',
        hostIp: reader.optionalString(binding, 'HostIp', entryPath) ?? '',
      });
    });
  }
  return bindings;
}

function readEndpoints(reader: JsonReader, settings: JsonObject, path: (string | number)[]): DockerEndpoint[] {
  const networks = reader.optionalObject(settings, 'Networks', path);
  const endpoints: DockerEndpoint[] = [];
  for (const [network, value] of Object.entries(networks)) {
    const networkPath = [...path, 'Networks', network];
    const entry = reader.object(value, networkPath);
    const ipv4 = reader.optionalString(entry, 'IPAddress', networkPath);
    const ipv6 = reader.optionalString(entry, 'GlobalIPv6Address', networkPath);
    endpoints.push({ network, ...(ipv4 ? { ipv4: hostOf(ipv4) } : {}), ...(ipv6 ? { ipv6: hostOf(ipv6) } : {}) });
  }
  return endpoints;
}

export function readContainerInspect(source: StructuredFile): InspectedContainers {
  const reader = new JsonReader(source);
  const entries = reader.array(source.value, []);
  const running: DockerContainerState[] = [];
  const stopped: string[] = [];
  entries.forEach((value, index) => {
    const path = [index];
    const entry = reader.object(value, path);
    const id = reader.optionalString(entry, 'Id', path);
    const name = (reader.optionalString(entry, 'Name', path) ?? id?.slice(0, 12) ?? `#${index}`).replace(/^\//, '');
    const state = reader.optionalObject(entry, 'State', path);
    if (reader.optionalBoolean(state, 'Running', [...path, 'State']) === false) {
      stopped.push(name);
      return;
    }
    const settings = reader.optionalObject(entry, 'NetworkSettings', path);
    const settingsPath = [...path, 'NetworkSettings'];
    running.push({
      name,
      endpoints: readEndpoints(reader, settings, settingsPath),
      ports: readPorts(reader, settings, settingsPath),
      source: 'inspect',
      ...(id ? { id } : {}),
    });
  });
  return { running, stopped };
}
