import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACK_FRAME, dockerStateArgs, labCapture, runCli, runJson } from './run-cli.js';


describe('check with Docker state (real lab captures)', () => {
  it('a healthy host gives no Docker finding against its own inspect JSON', () => {
    const { json, code } = runJson(['check', `${labCapture('multi-network')}/iptables.rules`, ...dockerStateArgs('multi-network')]);
    expect(json.findings.filter((finding) => finding.ruleId.startsWith('docker-'))).toEqual([]);
    expect(code).toBe(0);
  });

  it('a deleted isolation rule is reported with the network names', () => {
    const { json, code } = runJson(['check', `${labCapture('broken-isolation-deleted')}/iptables.rules`, ...dockerStateArgs('broken-isolation-deleted')]);
    const isolation = json.findings.filter((finding) => finding.ruleId === 'docker-isolation');
    expect(isolation.length).toBeGreaterThan(0);
    expect(isolation.map((finding) => finding.message).join('\n')).toMatch(/network "(appnet|dbnet)"/);
    expect(code).toBe(1);
  });

  it('--verbose prints the generation and the rules that decided it', () => {
    const result = runCli(['check', '--verbose', `${labCapture('multi-network')}/iptables.rules`, ...dockerStateArgs('multi-network')]);
    expect(result.stderr).toMatch(/Docker generation G2 \(18\.03\.1, 18\.05–27\.x\), decided by the dump/);
    expect(result.stderr).toMatch(/evidence: fixtures\/docker\/multi-network\/iptables\.rules:\d+:1: FORWARD jumps to DOCKER-ISOLATION-STAGE-1/);
    expect(result.stderr).toMatch(/expected state from inspect: 6 network\(s\): bridge \(docker0\), appnet/);
  });

  it('--docker-version overrides detection and a conflict is explained', () => {
    const result = runCli(['check', '--verbose', '--docker-version', '28.5.2', `${labCapture('multi-network')}/iptables.rules`]);
    expect(result.stderr).toMatch(/Docker generation G3/);
    expect(result.stderr).toMatch(/note: /);
  });
});

describe('bad Docker state files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iptlint-docker-inputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a malformed networks file is a located error, exit 2, no stack trace', () => {
    const bad = join(dir, 'networks.json');
    writeFileSync(bad, '[{"Name": "appnet", "Driver": "bridge", "IPAM": {"Config": [{"Subnet": "not-a-cidr"}]}}]\n');
    const result = runCli(['check', `${labCapture('multi-network')}/iptables.rules`, '--docker-networks', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(bad);
    expect(result.stderr).toMatch(/Subnet/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('swapped inspect files are recognised', () => {
    const result = runCli(['check', `${labCapture('multi-network')}/iptables.rules`, '--docker-networks', `${labCapture('multi-network')}/containers.json`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/this is `docker inspect` \(container\) output/);
  });

  it('a version string that is not a version is refused', () => {
    const result = runCli(['check', `${labCapture('multi-network')}/iptables.rules`, '--docker-version', 'latest']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a Docker version: "latest"/);
  });
});
