/**
 * `iptlint diff` on real lab captures: each broken-* scenario against the
 * same host captured before its hand edits (fixtures/docker-recapture/
 * before-edits), and multi-network against a second capture of the same
 * setup taken later with new bridge ids.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffChange, DiffReport } from '../../src/diff/index.js';
import { runCli, runMain } from '../cli/run-cli.js';
import { scratchDir } from '../scratch.js';

const BEFORE = 'fixtures/docker-recapture/before-edits';

function states(dir: string, side: 'old' | 'new'): string[] {
  return [`--${side}-docker-networks`, `${dir}/networks.json`, `--${side}-docker-containers`, `${dir}/containers.json`];
}

async function diff(scenario: string, options: { inspect?: boolean } = {}): Promise<{ code: number; report: DiffReport }> {
  const old = `${BEFORE}/${scenario}`;
  const now = `fixtures/docker/${scenario}`;
  const result = await runMain([
    'diff',
    `${old}/iptables.rules`,
    `${now}/iptables.rules`,
    '--format',
    'json',
    ...(options.inspect ? [...states(old, 'old'), ...states(now, 'new')] : []),
  ]);
  expect(result.stderr).toBe('');
  return { code: result.code ?? -1, report: JSON.parse(result.stdout) as DiffReport };
}

const summary = (changes: readonly DiffChange[]): string[] => changes.map((change) => `${change.securityRelevant ? '!' : ' '} ${change.kind}: ${change.message}`);

describe('iptlint diff: healthy host → each broken lab variant', () => {
  it('forward-accept-all: the blanket ACCEPT inserted on top of FORWARD, nothing else', async () => {
    const { code, report } = await diff('broken-forward-accept-all');
    expect(summary(report.changes)).toEqual(['! rule-added: filter FORWARD: rule added at position 1: -A FORWARD -j ACCEPT']);
    expect(report.changes[0]?.new).toEqual({ file: 'fixtures/docker/broken-forward-accept-all/iptables.rules', line: 10, position: 1 });
    expect(code).toBe(1);
  });

  it('forward-policy-accept: the policy flip', async () => {
    const { code, report } = await diff('broken-forward-policy-accept');
    expect(summary(report.changes)).toEqual(['! policy-changed: filter FORWARD: policy DROP → ACCEPT']);
    expect(code).toBe(1);
  });

  it('docker-user-hostport: the two DOCKER-USER drops the operator added', async () => {
    const { code, report } = await diff('broken-docker-user-hostport');
    expect(summary(report.changes)).toEqual([
      '! rule-added: filter DOCKER-USER: rule added at position 1: -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8081 -j DROP',
      '! rule-added: filter DOCKER-USER: rule added at position 2: -A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP',
    ]);
    expect(code).toBe(1);
  });

  it('isolation-deleted: both isolation rules removed, named by network when the inspect JSON is given', async () => {
    const { code, report } = await diff('broken-isolation-deleted', { inspect: true });
    expect(report.matchedBy).toEqual({ networks: 'name', containers: 'name' });
    expect(summary(report.changes).sort()).toEqual(['! docker-removed: isolation rule for appnet removed', '! docker-removed: isolation rule for dbnet removed']);
    expect(report.changes.every((change) => change.invariant === 'isolation' && change.old?.line !== undefined)).toBe(true);
    expect(code).toBe(1);
  });

  it('isolation-deleted without Docker state: the networks are named by their subnets', async () => {
    const { report } = await diff('broken-isolation-deleted');
    expect(report.matchedBy).toEqual({ networks: 'subnet', containers: 'address' });
    expect(summary(report.changes).sort()).toEqual([
      '! docker-removed: isolation rule for 172.18.0.0/16 removed',
      '! docker-removed: isolation rule for 172.19.0.0/16 removed',
    ]);
  });

  it('isolation-one-side: only appnet\'s isolation rule', async () => {
    const { code, report } = await diff('broken-isolation-one-side', { inspect: true });
    expect(summary(report.changes)).toEqual(['! docker-removed: isolation rule for appnet removed']);
    expect(code).toBe(1);
  });

  it('masquerade-deleted: reported, not security-relevant (exit 0); the network is still recognised although its subnet no longer shows in the dump', async () => {
    const { code, report } = await diff('broken-masquerade-deleted');
    expect(summary(report.changes)).toEqual(['  docker-removed: network 172.18.0.0/16: masquerade of outgoing traffic removed']);
    expect(code).toBe(0);
  });

  it('stale-dnat with Docker state: port 8081 now leads to a container that never published it', async () => {
    const { code, report } = await diff('broken-stale-dnat', { inspect: true });
    expect(summary(report.changes)).toEqual([
      '! docker-removed: network appnet: forwarding accept for published old:80/tcp removed',
      '  docker-removed: hairpin masquerade for old:80/tcp removed',
      '! docker-removed: network appnet: published port 8081→old:80/tcp removed',
      '! docker-added: network appnet: forwarding accept for published newcomer:80/tcp added',
      '! docker-added: network appnet: published port 8081→newcomer:80/tcp added',
    ]);
    expect(code).toBe(1);
  });

  it('stale-dnat from the dumps alone: the restored rules are identical to what Docker wrote, only the hairpin rule is gone', async () => {
    const { code, report } = await diff('broken-stale-dnat');
    expect(summary(report.changes)).toEqual(['  docker-removed: hairpin masquerade for 172.18.0.3:80/tcp removed']);
    expect(code).toBe(0);
  });

  it('br-netfilter-off: a sysctl, not a rule, broke this host: the dumps show no change', async () => {
    const { code, report } = await diff('broken-br-netfilter-off', { inspect: true });
    expect(report.changes).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('iptlint diff: the same setup captured twice', () => {
  const first = 'fixtures/docker/multi-network';
  const second = 'fixtures/docker-recapture/multi-network';

  it('the captures really differ: other bridge ids, rule order and dates', async () => {
    const a = readFileSync(`${first}/iptables.rules`, 'utf8');
    const b = readFileSync(`${second}/iptables.rules`, 'utf8');
    const bridges = (text: string) => new Set(text.match(/br-[0-9a-f]{12}/g));
    expect([...bridges(a)].filter((bridge) => bridges(b).has(bridge))).toEqual([]);
    expect(a.split('\n')[0]).not.toBe(b.split('\n')[0]);
  });

  it('from the dumps alone: no change at all, exit 0 (built CLI)', () => {
    const result = runCli(['diff', `${first}/iptables.rules`, `${second}/iptables.rules`]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('No changes.');
    expect(result.code).toBe(0);
  });

  it('with both sides\' Docker state: networks and containers matched by name, no change', async () => {
    const result = await runMain(['diff', `${first}/iptables.rules`, `${second}/iptables.rules`, '--format', 'json', ...states(first, 'old'), ...states(second, 'new')]);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.matchedBy).toEqual({ networks: 'name', containers: 'name' });
    expect(report.changes).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('a real change on top of the churn is still found: first capture vs the broken-forward variant is not "no change"', async () => {
    const result = await runMain(['diff', `${first}/iptables.rules`, 'fixtures/docker/broken-forward-accept-all/iptables.rules']);
    expect(result.stdout).toContain('rule added at position 1: -A FORWARD -j ACCEPT');
    expect(result.code).toBe(1);
  });
});

describe('iptlint diff: what it ignores and how it fails', () => {
  it('counters, header dates and layout are not changes', async () => {
    const original = readFileSync('fixtures/docker/multi-network/iptables.rules', 'utf8');
    const dir = scratchDir('iptlint-diff-');
    const changed = original
      .replace(/^# Generated by .*$/m, '# Generated by iptables-save v1.8.9 on Mon Jan  1 00:00:00 2029')
      .replace(/\[0:0\]/g, '[12:3456]')
      .replace(/^-A DOCKER-USER -j RETURN$/m, '-A   DOCKER-USER    -j RETURN');
    expect(changed).not.toBe(original);
    writeFileSync(join(dir, 'changed.rules'), changed);
    const result = await runMain(['diff', 'fixtures/docker/multi-network/iptables.rules', join(dir, 'changed.rules')]);
    expect(result.stdout).toContain('No changes.');
    expect(result.code).toBe(0);
  });

  it('a moved rule is reported as moved', async () => {
    const dir = scratchDir('iptlint-diff-');
    const dump = (rules: string[]) => ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
    writeFileSync(join(dir, 'a.rules'), dump(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -j LOG']));
    writeFileSync(join(dir, 'b.rules'), dump(['-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT']));
    const result = await runMain(['diff', join(dir, 'a.rules'), join(dir, 'b.rules'), '--format', 'json']);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(summary(report.changes)).toEqual([
      '  rule-removed: filter INPUT: rule 3 removed: -A INPUT -j LOG',
      '! rule-moved: filter INPUT: rule moved from position 2 to 1: -A INPUT -s 10.0.0.0/8 -j DROP',
    ]);
    expect(result.code).toBe(1);
  });

  it('--ip6 compares the IPv6 dumps too: a published port removed only over IPv6 is reported as such', async () => {
    const dir = scratchDir('iptlint-diff-');
    const capture = 'fixtures/docker/ipv6';
    const ip6 = readFileSync(`${capture}/ip6tables.rules`, 'utf8');
    const edited = ip6.replace(/^-A DOCKER ! -i br-1eae0033d10d -p tcp -m tcp --dport 8081 -j DNAT --to-destination \[fd00:d0c:2::2\]:80\n/m, '');
    expect(edited).not.toBe(ip6);
    writeFileSync(join(dir, 'ip6.rules'), edited);
    const result = await runMain(['diff', `${capture}/iptables.rules`, `${capture}/iptables.rules`, '--ip6', `${capture}/ip6tables.rules`, join(dir, 'ip6.rules'), '--format', 'json', ...states(capture, 'old'), ...states(capture, 'new')]);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.changes.map((change) => [change.family, change.message])).toEqual([['ipv6', 'network v6net: published port 8081→v6a:80/tcp removed']]);
    expect(result.code).toBe(1);
  });

  it('a missing file: exit 2 with the reason', async () => {
    const result = await runMain(['diff', 'fixtures/docker/multi-network/iptables.rules', 'no/such.rules']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no\/such\.rules/);
    expect(result.stdout).toBe('');
  });

  it('--ip6 needs both files', async () => {
    const result = await runMain(['diff', 'a.rules', 'b.rules', '--ip6', 'a6.rules']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('iptlint: --ip6 takes two files (old and new), got 1\nhint: write --ip6 OLD6.rules NEW6.rules\n');
  });
});
