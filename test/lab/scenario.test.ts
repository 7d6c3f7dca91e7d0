import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planProbes, type ProbeWorld } from './probe.js';
import { LAB_DIR, loadScenario, parsePublishSpec, ScenarioError, scenarioFiles, serverPorts } from './scenario.js';

const BAD_DIR = join(LAB_DIR, 'testdata', 'bad-scenarios');

function problemsOf(file: string): string[] {
  try {
    loadScenario(join(BAD_DIR, file));
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe('lab scenario files', () => {
  it.each(scenarioFiles().map((f) => [f.slice(LAB_DIR.length + 1)]))('%s is valid', (file) => {
    expect(() => loadScenario(join(LAB_DIR, file))).not.toThrow();
  });

  it('has at least ten scenarios', () => {
    expect(scenarioFiles().length).toBeGreaterThanOrEqual(10);
  });

  it('every bad scenario in testdata is rejected', () => {
    for (const file of readdirSync(BAD_DIR)) expect(problemsOf(file).length, file).toBeGreaterThan(0);
  });

  it.each([
    ['bad-publish.json', '/containers/0/publish/1: "http:80" does not match'],
    ['bad-network-ref.json', '/containers/1/networks/0: unknown network "dbnet"'],
    ['bad-edit.json', '/edits/0: must contain exactly one action'],
    ['bad-edit.json', '/edits/1/iptables: must be array'],
    ['bad-unknown-field.json', '/containers/0/ports: unknown field'],
    ['bad-sysctl.json', '/host/sysctlsBeforeDaemon: bad key "kernel.pid_max"'],
    ['bad-lab-flag.json', '/daemon/flags/1: --data-root is set by the lab'],
    ['bad-placeholder.json', '/edits/0/iptables/7: {ip:ghost} names no container'],
    ['bad-file-name.json', '/name: must equal the file name ("bad-file-name")'],
    ['bad-missing-required.json', '/description: required field missing'],
    ['bad-missing-required.json', '/containers: must NOT have fewer than 1 items'],
    ['bad-engine.json', '/daemon/engine: must be equal to one of the allowed values'],
    ['bad-engine.json', '/expect/0/engines/0: must be equal to one of the allowed values'],
  ])('%s names the bad field: %s', (file, message) => {
    expect(problemsOf(file).some((p) => p.startsWith(message)), problemsOf(file).join('\n')).toBe(true);
  });
});

describe('publish specs', () => {
  it('parses docker -p forms', () => {
    expect(parsePublishSpec('8080:80')).toEqual({ raw: '8080:80', hostPorts: [8080], containerPorts: [80], proto: 'tcp' });
    expect(parsePublishSpec('127.0.0.1:8081:80')).toMatchObject({ hostIp: '127.0.0.1', hostPorts: [8081] });
    expect(parsePublishSpec('5353:53/udp')).toMatchObject({ hostPorts: [5353], containerPorts: [53], proto: 'udp' });
    expect(parsePublishSpec('9000-9002:9000-9002')).toMatchObject({ hostPorts: [9000, 9001, 9002], containerPorts: [9000, 9001, 9002] });
    expect(parsePublishSpec('[::1]:8080:80')).toMatchObject({ hostIp: '::1' });
  });

  it('derives the servers a container must run', () => {
    expect(serverPorts({ name: 'web', publish: ['8080:80', '9000-9001:9000-9001', '5353:53/udp'], listen: { tcp: [443] } })).toEqual({
      tcp: [80, 443, 9000, 9001],
      udp: [53],
    });
  });
});

describe('probe plan', () => {
  const world: ProbeWorld = {
    containers: [
      { name: 'web', nsPath: '/proc/1/ns/net', attachments: [{ network: 'appnet', ipv4: '172.18.0.2' }], tcpPorts: [80], udpPorts: [], bindings: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }, { containerPort: 80, proto: 'tcp', hostIp: '::', hostPort: 8080 }] },
      { name: 'db', nsPath: '/proc/2/ns/net', attachments: [{ network: 'dbnet', ipv4: '172.19.0.2', ipv6: 'fd00::2' }], tcpPorts: [80], udpPorts: [], bindings: [] },
    ],
    hostNsPath: '/var/run/netns/h',
    externalNsPath: '/var/run/netns/e',
    link: { interfaceName: 'eth0', prefix4: 24, host4: '192.0.2.1', external4: '192.0.2.2', prefix6: 64, host6: '2001:db8:100::1', external6: '2001:db8:100::2' },
    tools: { busybox: '/bin/busybox', node: 'node', udpHelper: 'x' },
  };
  const tasks = planProbes(world);

  it('probes every other container address with ICMP and TCP 80', () => {
    const towardsDb = tasks.filter((t) => t.origin.name === 'web' && t.to.name === 'db');
    expect(towardsDb.map((t) => `${t.proto}/${t.port ?? ''} ${t.to.address}`).sort()).toEqual(['icmp/ 172.19.0.2', 'icmp/ fd00::2', 'tcp/80 172.19.0.2', 'tcp/80 fd00::2']);
  });

  it('probes a published port from outside (both families), from the host and hairpin from each container', () => {
    const published = tasks.filter((t) => t.via === 'published');
    expect(published.map((t) => `${t.origin.name}→${t.to.address}:${t.port}`)).toEqual([
      'external→192.0.2.1:8080',
      'external→2001:db8:100::1:8080',
      'host→127.0.0.1:8080',
      'host→192.0.2.1:8080',
      'web→192.0.2.1:8080',
      'db→192.0.2.1:8080',
    ]);
    expect(published[0]?.published).toEqual({ container: 'web', containerPort: 80, hostIps: ['0.0.0.0', '::'] });
  });

  it('probes the external server from every container', () => {
    expect(tasks.filter((t) => t.to.kind === 'external').map((t) => `${t.origin.name}→${t.to.address}`)).toEqual([
      'web→192.0.2.2',
      'db→192.0.2.2',
      'db→2001:db8:100::2',
    ]);
  });
});
