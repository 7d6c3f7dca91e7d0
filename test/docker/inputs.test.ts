/**
 * loadDockerInputs: typed state from inspect JSON and policy files, and one
 * located, user-facing DockerInputError for anything wrong in them.
 */
import { describe, expect, it } from 'vitest';
import { DockerInputError } from '../../src/docker/input-error.js';
import { isDockerInputs, loadDockerInputs } from '../../src/docker/load-inputs.js';
import { bridge1, C1, DEFAULT_BRIDGE, tempFile, writeAndLoad } from './inspect-data.js';

function loadError(run: () => unknown): DockerInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof DockerInputError) return error;
    throw error;
  }
  throw new Error('expected a DockerInputError');
}

describe('inspect JSON', () => {
  it('reads bridge networks with their options and skips other drivers', () => {
    const host = { Name: 'host', Id: 'a'.repeat(64), Driver: 'host', IPAM: { Config: [] }, Options: {} };
    const inputs = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1({ 'com.docker.network.bridge.enable_icc': 'false' }), host], containers: [C1] });
    expect(isDockerInputs(inputs)).toBe(true);
    expect(inputs.networks?.map((network) => [network.name, network.bridge, network.icc, network.subnets.map((subnet) => subnet.cidr)])).toEqual([
      ['bridge', 'docker0', true, ['172.17.0.0/16']],
      ['bridge1', 'bridge1', false, ['192.0.2.0/24']],
    ]);
    expect(inputs.networkEndpoints).toEqual([{ network: 'bridge1', containerId: expect.any(String), containerName: 'c1', ipv4: '192.0.2.2' }]);
    expect(inputs.containers?.[0]).toMatchObject({
      name: 'c1',
      endpoints: [{ network: 'bridge1', ipv4: '192.0.2.2' }],
      ports: [
        { protocol: 'tcp', containerPort: '80', hostPort: '8080', hostIp: '0.0.0.0' },
        { protocol: 'tcp', containerPort: '80', hostPort: '8080', hostIp: '::' },
      ],
    });
  });

  it('a JSON file with a repeated key is refused at the repeat (JSON.parse would keep the last silently)', () => {
    const path = tempFile('networks.json', '[\n  {"Name": "bridge",\n   "Name": "other", "Driver": "bridge"}\n]\n');
    const error = loadError(() => loadDockerInputs({ networksPath: path }));
    expect(error.message).toContain('not valid JSON/YAML: Map keys must be unique');
    expect(error.location).toEqual({ line: 3, column: 4 });
  });

  // Valid networks otherwise: only the repeat-key scan can refuse them.
  const network = (labels: string): string => `[{"Name": "bridge", "Driver": "bridge", "Labels": {${labels}}}]`;
  it.each([
    ['an escaped quote inside the key', network('"a\\"b": "1", "a\\"b": "2"'), true],
    ['the same key written with a \\u escape', network('"a": "1", "\\u0061": "2"'), true],
    ['a value ending in an escaped backslash before the next key', network('"x": "a\\\\", "y": "x", "Name": "y"'), false],
    ['a value that names a key of the same object', network('"a": "Name", "Name": "a"'), false],
  ])('repeated keys in JSON: %s', (_, text, repeated) => {
    const path = tempFile('networks.json', text);
    if (repeated) expect(loadError(() => loadDockerInputs({ networksPath: path })).message).toContain('Map keys must be unique');
    else expect(loadDockerInputs({ networksPath: path }).networks).toHaveLength(1);
  });

  it('invalid JSON: file, line and column', () => {
    const path = tempFile('networks.json', '[\n  {"Name": "bridge",\n   "Driver": "bridge" "IPAM": {}}\n]\n');
    const error = loadError(() => loadDockerInputs({ networksPath: path }));
    expect(error.file).toBe(path);
    expect(error.location?.line).toBe(3);
    expect(error.message).toContain(`${path}:3:`);
  });

  it('a wrong value names its key path and position', () => {
    const bad = bridge1();
    (bad['IPAM'] as { Config: { Subnet: string }[] }).Config[0] = { Subnet: '192.0.2.0/33' };
    const error = loadError(() => writeAndLoad({ networks: [DEFAULT_BRIDGE, bad] }));
    expect(error.keyPath).toBe('[1].IPAM.Config[0].Subnet');
    expect(error.location?.line).toBeGreaterThan(1);
    expect(error.message).toContain('not a CIDR');
  });

  it('a bad option value names the option', () => {
    const error = loadError(() => writeAndLoad({ networks: [bridge1({ 'com.docker.network.bridge.enable_icc': 'maybe' })] }));
    expect(error.keyPath).toBe('[0].Options.com.docker.network.bridge.enable_icc');
  });

  it('container inspect given as the networks file is recognised', () => {
    const error = loadError(() => writeAndLoad({ networks: [C1] }));
    expect(error.message).toContain('`docker inspect` (container) output');
  });

  it('a missing file is a located error too', () => {
    const error = loadError(() => loadDockerInputs({ containersPath: '/nonexistent/containers.json' }));
    expect(error.message).toBe('/nonexistent/containers.json: file not found');
  });

  it('a version string that is no version', () => {
    expect(loadError(() => loadDockerInputs({ dockerVersion: 'latest' })).message).toContain('not a Docker version');
    expect(loadDockerInputs({ dockerVersion: 'Docker version 20.10.24, build 297e128' }).dockerVersion).toContain('20.10.24');
  });
});

describe('policy files', () => {
  const policy = `version: 1
networks:
  bridge:
    icc: true
  web:
    bridge: br-web
    subnets: [172.20.0.0/16]
    icc: false
    gatewayMode: nat
    mayTalkTo: [db]
  db:
    internal: true
publishedPorts:
  - port: 443
    protocol: tcp
  - port: "8000-8010"
    hostIps: [127.0.0.1]
dockerUser:
  restrictExternal: true
  externalInterfaces: [eth0]
`;

  it('YAML policy loads into typed state', () => {
    const inputs = writeAndLoad({ policy });
    expect(inputs.policy?.networks.map((network) => [network.name, network.bridge, network.icc, network.internal])).toEqual([
      ['bridge', 'docker0', true, false],
      ['web', 'br-web', false, false],
      ['db', '', true, true],
    ]);
    expect(inputs.policy?.mayTalk).toEqual([['web', 'db']]);
    expect(inputs.policy?.publishedPorts?.allowed).toEqual([
      { port: '443', protocol: 'tcp' },
      { port: '8000-8010', protocol: 'any', hostIps: ['127.0.0.1'] },
    ]);
    expect(inputs.policy?.dockerUser).toEqual({ restrictExternal: true, externalInterfaces: ['eth0'] });
  });

  it('JSON policy works the same', () => {
    const inputs = writeAndLoad({ policy: JSON.stringify({ version: 1, publishedPorts: [{ port: 80 }] }) });
    expect(inputs.policy?.publishedPorts?.allowed).toEqual([{ port: '80', protocol: 'any' }]);
  });

  it('a misspelt key: the error names its path and line', () => {
    const error = loadError(() => writeAndLoad({ policy: policy.replace('    icc: false', '    iccc: false') }));
    expect(error.keyPath).toBe('networks.web.iccc');
    expect(error.message).toContain('unknown key "iccc"');
    expect(error.location?.line).toBe(8);
  });

  it('a wrong enum value names the key', () => {
    const error = loadError(() => writeAndLoad({ policy: policy.replace('gatewayMode: nat', 'gatewayMode: bridged') }));
    expect(error.keyPath).toBe('networks.web.gatewayMode');
    expect(error.location?.line).toBe(9);
  });

  it('a port out of range names the list entry', () => {
    const error = loadError(() => writeAndLoad({ policy: policy.replace('port: 443', 'port: 70000') }));
    expect(error.keyPath).toBe('publishedPorts[0].port');
  });

  it('missing version', () => {
    const error = loadError(() => writeAndLoad({ policy: 'networks: {}\n' }));
    expect(error.message).toContain('missing required key "version"');
  });

  it('mayTalkTo naming an undeclared network', () => {
    const error = loadError(() => writeAndLoad({ policy: policy.replace('mayTalkTo: [db]', 'mayTalkTo: [cache]') }));
    expect(error.keyPath).toBe('networks.web.mayTalkTo');
    expect(error.message).toContain('"cache"');
  });

  it('YAML syntax error is located', () => {
    const error = loadError(() => writeAndLoad({ policy: 'version: 1\nnetworks:\n  web: {icc: true\n' }));
    expect(error.location?.line).toBeGreaterThan(0);
    expect(error.message).toContain('not valid JSON/YAML');
  });
});
