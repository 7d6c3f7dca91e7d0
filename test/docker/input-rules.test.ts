/**
 * The rules that need more than the dump: Docker's iptables integration off
 * on a host with containers, DOCKER-USER missing from ip6tables (paired dump),
 * and the policy checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { buildModel } from '../../src/model/build.js';
import { bridge1, C1, DEFAULT_BRIDGE, writeAndLoad } from './inspect-data.js';
import { edit, lintDocker, only, readListing, SHARED_DOCKER_RULES, sharedDataAvailable } from './helpers.js';

const available = sharedDataAvailable('Docker rules that need inputs');
const listing = (name: string): string => readListing(join(SHARED_DOCKER_RULES, name));
const G4 = 'iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt';
const G4_V6 = 'reconstructed/v29.0.0-v29.7.2__usernet-portmap_ip6tables.txt';

describe.skipIf(!available)('docker-iptables-disabled', () => {
  it('29.x firewall golden with iptables disabled, while c1 runs on bridge1', () => {
    const text = readFileSync(join(SHARED_DOCKER_RULES, 'iptabler-golden-v29', 'no__iptables.golden'), 'utf8');
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1] });
    const [finding] = only(lintDocker(text, { docker }).findings, 'docker-iptables-disabled');
    expect(finding?.message).toContain('c1');
    expect(finding?.message).toContain('--iptables=false');
    expect(finding?.severity).toBe('error');
  });
  it('no containers, no finding; no inputs, no finding', () => {
    const text = readFileSync(join(SHARED_DOCKER_RULES, 'iptabler-golden-v29', 'no__iptables.golden'), 'utf8');
    expect(only(lintDocker(text, { docker: writeAndLoad({ networks: [DEFAULT_BRIDGE], containers: [] }) }).findings, 'docker-iptables-disabled')).toEqual([]);
    expect(only(lintDocker(text).findings, 'docker-iptables-disabled')).toEqual([]);
  });
  it('a Docker host dump is not "disabled"', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1] });
    expect(only(lintDocker(listing(G4), { docker }).findings, 'docker-iptables-disabled')).toEqual([]);
  });
  it('29.x with only a leftover DOCKER-USER: the nftables backend, reported as info', () => {
    const leftover = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\nCOMMIT\n';
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1], dockerVersion: '29.1.2' });
    const [finding] = only(lintDocker(leftover, { docker }).findings, 'docker-iptables-disabled');
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toContain('nftables');
  });
});

describe.skipIf(!available)('docker-ip6tables-docker-user', () => {
  const ipv4 = edit(listing(G4), { append: '-A DOCKER-USER -i eth0 ! -s 198.51.100.0/24 -j DROP', after: '-A DOCKER-FORWARD -i bridge1 -j ACCEPT' });
  const companion = buildModel(parse(ipv4, { file: 'iptables.rules', family: 'ipv4' }));

  it('ip6tables lost DOCKER-USER while iptables restricts with it', () => {
    const ipv6 = edit(listing(G4_V6), { remove: '-N DOCKER-USER' }, { remove: '-A FORWARD -j DOCKER-USER' });
    const docker = writeAndLoad({ companionModel: companion });
    const [finding] = only(lintDocker(ipv6, { family: 'ipv6', file: 'ip6tables.rules', docker }).findings, 'docker-ip6tables-docker-user');
    expect(finding?.message).toContain('iptables has DOCKER-USER (iptables.rules:');
    expect(finding?.message).toContain('restrict IPv4 only');
    expect(finding?.fix).toContain('ip6tables -t filter -N DOCKER-USER && ip6tables -t filter -I FORWARD 1 -j DOCKER-USER');
  });
  it('both have it: nothing to report', () => {
    const docker = writeAndLoad({ companionModel: companion });
    expect(only(lintDocker(listing(G4_V6), { family: 'ipv6', docker }).findings, 'docker-ip6tables-docker-user')).toEqual([]);
  });
});

describe.skipIf(!available)('docker-user-restricts-external', () => {
  const policy = 'version: 1\ndockerUser:\n  restrictExternal: true\n  externalInterfaces: [eth0]\n';
  it('29.x with an empty DOCKER-USER', () => {
    const [finding] = only(lintDocker(listing(G4), { docker: writeAndLoad({ policy }) }).findings, 'docker-user-restricts-external');
    expect(finding?.message).toContain('no rule in DOCKER-USER drops or rejects it');
    expect(finding?.fix).toBe('iptables -t filter -I DOCKER-USER 1 -i eth0 ! -s <allowed-sources> -j DROP');
  });
  it('a restriction on eth0 satisfies it', () => {
    const text = edit(listing(G4), { append: '-A DOCKER-USER -i eth0 ! -s 198.51.100.0/24 -j DROP', after: '-A DOCKER-FORWARD -i bridge1 -j ACCEPT' });
    expect(only(lintDocker(text, { docker: writeAndLoad({ policy }) }).findings, 'docker-user-restricts-external')).toEqual([]);
  });
  it('28.0.1: a restriction appended after DOCKER-USER\'s RETURN never runs', () => {
    const text = edit(listing('iptablesdoc/v28.0.1-v28.1.1__usernet-portmap.txt'), { append: '-A DOCKER-USER -i eth0 -j DROP', after: '-A DOCKER-USER -j RETURN' });
    const [finding] = only(lintDocker(text, { docker: writeAndLoad({ policy }) }).findings, 'docker-user-restricts-external');
    expect(finding?.message).toContain('never runs');
  });
});

describe.skipIf(!available)('docker-policy-published-port', () => {
  const policy = 'version: 1\npublishedPorts:\n  - port: 443\n    protocol: tcp\n';
  it('with inspect JSON: c1 publishes 8080, not allowed', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1], policy });
    const [finding] = only(lintDocker(listing(G4), { docker }).findings, 'docker-policy-published-port');
    expect(finding?.message).toContain('network "bridge1", container "c1": publishes 0.0.0.0:8080→80/tcp');
    expect(finding?.fix).toContain('iptables -t nat -D DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80');
  });
  it('allowed only on 127.0.0.1: the loopback-published listing passes, the wildcard one fails', () => {
    const loopbackOnly = 'version: 1\npublishedPorts:\n  - port: 8080\n    hostIps: [127.0.0.1]\n';
    expect(only(lintDocker(listing('iptablesdoc/v29.0.0-v29.7.2__usernet-portmap-lo.txt'), { docker: writeAndLoad({ policy: loopbackOnly }) }).findings, 'docker-policy-published-port')).toEqual([]);
    expect(only(lintDocker(listing(G4), { docker: writeAndLoad({ policy: loopbackOnly }) }).findings, 'docker-policy-published-port')).toHaveLength(1);
  });
});

describe.skipIf(!available)('docker-policy-network', () => {
  it('28.2.2: bridge1 runs with icc=false, the policy wants icc', () => {
    const docker = writeAndLoad({ policy: 'version: 1\nnetworks:\n  bridge1: {bridge: bridge1, icc: true}\n' });
    const [finding] = only(lintDocker(listing('iptablesdoc/v28.2.2-v28.5.2__usernet-portmap-noicc.txt'), { docker }).findings, 'docker-policy-network');
    expect(finding?.message).toContain('network "bridge1": has icc=false');
  });
  it('a DOCKER-USER ACCEPT between networks the policy keeps apart', () => {
    const docker = writeAndLoad({ policy: 'version: 1\nnetworks:\n  bridge: {}\n  bridge1: {bridge: bridge1}\n' });
    const text = edit(listing(G4), { append: '-A DOCKER-USER -i bridge1 -o docker0 -j ACCEPT', after: '-A DOCKER-FORWARD -i bridge1 -j ACCEPT' });
    const [finding] = only(lintDocker(text, { docker }).findings, 'docker-policy-network');
    expect(finding?.message).toContain('network "bridge1"');
    expect(finding?.message).toContain('may not talk');
    expect(finding?.fix).toBe('iptables -t filter -D DOCKER-USER -i bridge1 -o docker0 -j ACCEPT');
  });
  it('a declared network without rules', () => {
    const docker = writeAndLoad({ policy: 'version: 1\nnetworks:\n  backend: {bridge: br-backend, internal: true, subnets: [10.20.0.0/24]}\n' });
    const [finding] = only(lintDocker(listing(G4), { docker }).findings, 'docker-policy-network');
    expect(finding?.message).toContain('declares network "backend" on br-backend');
  });
  it('allowed pair still isolated: info with the DOCKER-USER rules that open it', () => {
    const docker = writeAndLoad({ policy: 'version: 1\nnetworks:\n  bridge: {mayTalkTo: [bridge1]}\n  bridge1: {bridge: bridge1}\n' });
    const [finding] = only(lintDocker(listing(G4), { docker }).findings, 'docker-policy-network');
    expect(finding?.severity).toBe('info');
    expect(finding?.fix).toContain('-I DOCKER-USER 1 -i docker0 -o bridge1 -j ACCEPT');
  });
});
