import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from './run-cli.js';

const capture = 'fixtures/docker/broken-docker-user-hostport';
const host = [
  `${capture}/iptables.rules`,
  '--docker-networks',
  `${capture}/networks.json`,
  '--docker-containers',
  `${capture}/containers.json`,
  '--host-addr',
  '198.18.0.1/24=eth0',
];
const fromOutside = ['--in', 'eth0', '--src', '203.0.113.7', '--dst', '198.18.0.1', '--proto', 'tcp'];

describe('iptlint trace (real lab capture: DOCKER-USER written against host port 8080)', () => {
  it('host port 8080 stays open: the DOCKER-USER --dport 8080 rule never sees it', () => {
    const result = runCli(['trace', ...host, ...fromOutside, '--dport', '8080', '--format', 'json']);
    const json = JSON.parse(result.stdout) as { verdict: string; nat: unknown; path: { chain: string; ruleLine?: number }[] };
    expect(json.verdict).toBe('accepted');
    expect(json.path.some((hop) => hop.chain === 'DOCKER' && hop.ruleLine === 56)).toBe(true);
    expect(result.code).toBe(0);
  });

  it('host port 8081 is closed by the --ctorigdstport rule', () => {
    const result = runCli(['trace', ...host, ...fromOutside, '--dport', '8081']);
    expect(result.stdout).toMatch(/^DROPPED/m);
    expect(result.code).toBe(1);
  });

  it('--batch answers one JSON line per packet, in order', () => {
    const packets = [8080, 8081].map((dport) => JSON.stringify({ in: 'eth0', src: '203.0.113.7', dst: '198.18.0.1', proto: 'tcp', dport }));
    const result = runCli(['trace', ...host, '--batch'], { stdin: packets.join('\n') + '\n' });
    const verdicts = result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { verdict: string }).verdict);
    expect(verdicts).toEqual(['accepted', 'dropped']);
  });

  it('a packet without addresses is a usage error, not a stack trace', () => {
    const result = runCli(['trace', ...host, '--dport', '80']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/trace needs --src and --dst/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('iptlint reach', () => {
  it('reports the ineffective DOCKER-USER rule and direct container access, exit 1', () => {
    const result = runCli(['reach', ...host, '--format', 'json']);
    const json = JSON.parse(result.stdout) as { findings: { ruleId: string }[] };
    const ids = json.findings.map((finding) => finding.ruleId);
    expect(ids).toContain('reach/ineffective-docker-user');
    expect(ids).toContain('reach/direct-container-access');
    expect(result.code).toBe(1);
  });

  it('text output starts with the isolation matrix', () => {
    const result = runCli(['reach', ...host]);
    expect(result.stdout).toMatch(/^IPv4 isolation — rows: from, columns: to/);
    expect(result.stdout).toMatch(/appnet/);
  });
});
