/**
 * With Docker's own state (network and container inspect JSON), the dump is
 * compared with what Docker should have written for exactly those networks,
 * containers and published ports.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeDocker } from '../../src/docker/analyze.js';
import { bridge1, C1, containerJson, DEFAULT_BRIDGE, writeAndLoad } from './inspect-data.js';
import { describeFindings, driftFindings, edit, lintDocker, only, readListing, SHARED_DOCKER_RULES, sharedDataAvailable } from './helpers.js';

const available = sharedDataAvailable('Docker inspect-state checks');
const listing = (name: string): string => readListing(join(SHARED_DOCKER_RULES, name));

const SCENARIOS = [
  'reconstructed/g1a_v1.10-v17.05__usernet-portmap.txt',
  'reconstructed/g1b_v17.06-v18.03.0+v18.04__usernet-portmap.txt',
  'reconstructed/g2_v18.03.1+v18.05-v27.5__usernet-portmap.txt',
  'iptablesdoc/v28.0.0__usernet-portmap.txt',
  'iptablesdoc/v28.0.1-v28.1.1__usernet-portmap.txt',
  'iptablesdoc/v28.2.2-v28.5.2__usernet-portmap.txt',
  'iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt',
  'iptablesdoc/v29.0.0-v29.7.2__usernet-portmap-noproxy.txt',
];

describe.skipIf(!available)('usernet-portmap listings agree with matching inspect JSON', () => {
  const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1] });
  for (const name of SCENARIOS) {
    it(name, () => {
      const { findings } = lintDocker(listing(name), { file: name, docker });
      expect(describeFindings(driftFindings(findings))).toEqual([]);
    });
  }

  it('the inventory names networks, bridges, containers and their rules', () => {
    const text = listing('iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt');
    const { model } = lintDocker(text, { docker });
    const analysis = analyzeDocker(model, docker);
    expect(analysis.stateSource).toBe('inspect');
    expect(analysis.networks.map((entry) => [entry.state.name, entry.state.bridge, entry.rules.length > 0])).toEqual([
      ['bridge', 'docker0', true],
      ['bridge1', 'bridge1', true],
    ]);
    const c1 = analysis.containers.find((entry) => entry.state.name === 'c1');
    expect(c1?.state.ports).toContainEqual({ protocol: 'tcp', containerPort: '80', hostPort: '8080', hostIp: '0.0.0.0' });
    expect(c1?.rules.map((entry) => entry.templateId).sort()).toEqual(['dnat', 'port-accept', 'raw-endpoint-drop']);
  });
});

describe.skipIf(!available)('drift against inspect JSON', () => {
  it('a network missing from inspect makes its rules stale, named by bridge', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE], containers: [] });
    const { findings } = lintDocker(listing('iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt'), { docker });
    const stale = only(findings, 'docker-stale-rule');
    expect(stale.length).toBeGreaterThanOrEqual(6);
    expect(stale.every((finding) => /bridge1|192\.0\.2\.2/.test(finding.message))).toBe(true);
    expect(stale.map((finding) => finding.fix).join('\n')).toContain('iptables -t nat -D DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80');
  });

  it('a stopped container leaves stale port rules', () => {
    const stopped = containerJson('c1', 'bridge1', '', { '80/tcp': null }, false);
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1({}, false)], containers: [stopped] });
    const { findings } = lintDocker(listing('reconstructed/g2_v18.03.1+v18.05-v27.5__usernet-portmap.txt'), { docker });
    const messages = only(findings, 'docker-stale-rule').map((finding) => finding.message);
    expect(messages.some((message) => message.includes('no running container has address 192.0.2.2'))).toBe(true);
  });

  it('ip-masquerade off in inspect flags the MASQUERADE that is still there', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1({ 'com.docker.network.bridge.enable_ip_masquerade': 'false' })], containers: [C1] });
    const { findings } = lintDocker(listing('iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt'), { docker });
    const masquerade = only(findings, 'docker-masquerade');
    expect(masquerade).toHaveLength(1);
    expect(masquerade[0]?.message).toContain('network "bridge1"');
    expect(masquerade[0]?.message).toContain('ip-masquerade is off');
    expect(masquerade[0]?.fix).toBe('iptables -t nat -D POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE');
  });

  it('a DNAT to another host port than the container publishes is one disagreement, naming the container', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1] });
    const text = edit(listing('iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt'), {
      replace: '-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80',
      with: '-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 192.0.2.2:80',
    });
    const { findings } = lintDocker(text, { docker });
    expect(describeFindings(driftFindings(findings))).toHaveLength(1);
    const [finding] = only(findings, 'docker-published-port');
    expect(finding?.message).toContain('container "c1"');
    expect(finding?.message).toContain('network "bridge1"');
    expect(finding?.message).toContain('host port 8081 instead of 8080');
  });

  it('user network bridges default to br-<id12> and are named by network', () => {
    const id = '3af4c2d1e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
    const web = { ...bridge1({}, false), Name: 'web', Id: id, Options: {} };
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, web], containers: [] });
    const { findings } = lintDocker(listing('iptablesdoc/v29.0.0-v29.7.2__new-daemon.txt'), { docker });
    const messages = describeFindings(driftFindings(findings));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((message) => message.includes('network "web" (br-3af4c2d1e5f6)'))).toBe(true);
  });
});
