import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerStateArgs, labCapture, runCli, runJson } from './run-cli.js';

const reachIds = (findings: readonly { ruleId: string }[]) => findings.map((finding) => finding.ruleId).filter((id) => id.startsWith('reach/'));

describe('check joins the packet model when Docker state is given (real lab captures)', () => {
  it('proves the isolation gap that a deleted isolation rule opens, naming both networks', () => {
    const { json, code } = runJson(['check', `${labCapture('broken-isolation-deleted')}/iptables.rules`, ...dockerStateArgs('broken-isolation-deleted')]);
    const gaps = json.findings.filter((finding) => finding.ruleId === 'reach/isolation-gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.message).toMatch(/network "appnet" \(br-36785ab7e582\) can open connections to network "dbnet"/);
    expect(gaps[0]?.message).toMatch(/witness tcp 172\.18\.0\.\d+:\d+ → 172\.19\.0\.\d+:80/);
    expect(code).toBe(1);
  });

  it('reports the same reach findings as `iptlint reach` on the same host', () => {
    for (const scenario of ['broken-forward-policy-accept', 'broken-docker-user-hostport', 'multi-network']) {
      const dump = `${labCapture(scenario)}/iptables.rules`;
      const checked = runJson(['check', dump, ...dockerStateArgs(scenario)]).json;
      const reach = runCli(['reach', dump, ...dockerStateArgs(scenario), '--format', 'json']);
      const reachFindings = (JSON.parse(reach.stdout) as { findings: { ruleId: string; span: { line: number } }[] }).findings;
      const fromCheck = checked.findings.filter((finding) => finding.ruleId.startsWith('reach/')).map((finding) => `${finding.ruleId}@${finding.line}`);
      expect(fromCheck.sort(), scenario).toEqual(reachFindings.map((finding) => `${finding.ruleId}@${finding.span.line}`).sort());
    }
  });

  it('a healthy host has no isolation gap and no unexpected exposure', () => {
    const { json } = runJson(['check', `${labCapture('multi-network')}/iptables.rules`, ...dockerStateArgs('multi-network')]);
    expect(reachIds(json.findings).filter((id) => id !== 'reach/direct-container-access')).toEqual([]);
  });

  it('br_netfilter off (real capture): icc=false is void, given --bridge-nf-call-iptables 0, with the sysctl as the fix', () => {
    const scenario = 'broken-br-netfilter-off';
    const dump = `${labCapture(scenario)}/iptables.rules`;
    // The dump alone cannot show it: the rules are exactly what Docker wrote.
    expect(reachIds(runJson(['check', dump, ...dockerStateArgs(scenario)]).json.findings)).not.toContain('reach/icc-violation');
    const { json, code } = runJson(['check', dump, ...dockerStateArgs(scenario), '--bridge-nf-call-iptables', '0']);
    const violations = json.findings.filter((finding) => finding.ruleId === 'reach/icc-violation');
    expect(violations.map((finding) => /network "(\w+)"/.exec(finding.message)?.[1]).sort()).toEqual(['bridge', 'iccoff']);
    expect(violations[0]?.fix).toMatch(/^sysctl -w net\.bridge\.bridge-nf-call-iptables=1, and keep it across reboots/);
    expect(code).toBe(1);
    const reach = runCli(['reach', dump, ...dockerStateArgs(scenario), '--bridge-nf-call-iptables', '0', '--format', 'json']);
    expect((JSON.parse(reach.stdout) as { findings: { ruleId: string }[] }).findings.map((finding) => finding.ruleId)).toEqual(['reach/icc-violation', 'reach/icc-violation']);
    // Only the IPv4 sysctl is 0: the IPv6 one keeps its default.
    expect(runCli(['check', dump, ...dockerStateArgs(scenario), '--bridge-nf-call-ip6tables', '0', '--format', 'json']).stdout).not.toContain('reach/icc-violation');
  });

  it('every reach finding says how to fix it, naming the policy or the rule that let the witness through', () => {
    const fixes = (scenario: string) =>
      runJson(['check', `${labCapture(scenario)}/iptables.rules`, ...dockerStateArgs(scenario)]).json.findings.filter((finding) => finding.ruleId.startsWith('reach/'));
    const policy = fixes('broken-forward-policy-accept').filter((finding) => finding.ruleId === 'reach/unexpected-exposure');
    expect(policy.length).toBeGreaterThan(0);
    for (const finding of policy) expect(finding.fix).toMatch(/^iptables -t filter -P FORWARD DROP, after an ACCEPT for the other traffic/);
    const acceptAll = fixes('broken-forward-accept-all');
    expect(acceptAll.find((finding) => finding.ruleId === 'reach/unexpected-exposure')?.fix).toBe(
      'delete or narrow the rule that accepts it (line 10: `-A FORWARD -j ACCEPT`) if you added it, else restart dockerd to restore the rules that stop this packet before it',
    );
    expect(fixes('broken-isolation-deleted').find((finding) => finding.ruleId === 'reach/isolation-gap')?.fix).toMatch(/^restart dockerd to restore its isolation rules/);
    for (const finding of [...policy, ...acceptAll]) expect(finding.fix, finding.ruleId).toBeTruthy();
  });

  it('refuses a bridge netfilter value other than 0 or 1', () => {
    const result = runCli(['check', `${labCapture('default-bridge')}/iptables.rules`, '--bridge-nf-call-iptables', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bridge-nf-call-iptables/);
  });

  it('FORWARD policy ACCEPT exposes unpublished ports', () => {
    const { json } = runJson(['check', `${labCapture('broken-forward-policy-accept')}/iptables.rules`, ...dockerStateArgs('broken-forward-policy-accept')]);
    expect(reachIds(json.findings)).toContain('reach/unexpected-exposure');
  });

  it('IPv6 findings land in the ip6tables dump given beside the iptables one', () => {
    const dir = labCapture('ipv6');
    const { json } = runJson(['check', `${dir}/iptables.rules`, `${dir}/ip6tables.rules`, ...dockerStateArgs('ipv6')]);
    const files = new Set(json.findings.filter((finding) => finding.ruleId.startsWith('reach/')).map((finding) => finding.file));
    expect(files).toEqual(new Set([`${dir}/iptables.rules`, `${dir}/ip6tables.rules`]));
  });

  it('--no-reach and a missing Docker state leave the packet model out', () => {
    const dump = `${labCapture('broken-isolation-deleted')}/iptables.rules`;
    expect(reachIds(runJson(['check', dump, ...dockerStateArgs('broken-isolation-deleted'), '--no-reach']).json.findings)).toEqual([]);
    expect(reachIds(runJson(['check', dump]).json.findings)).toEqual([]);
  });

  it('inline suppressions and configured severities apply to reach/* findings too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iptlint-reach-'));
    try {
      const lines = readFileSync(`${labCapture('broken-isolation-deleted')}/iptables.rules`, 'utf8').split('\n');
      lines.splice(17, 0, '# iptlint-disable-next-line reach/isolation-gap -- appnet and dbnet may talk (ticket 42)');
      writeFileSync(join(dir, 'iptables.rules'), lines.join('\n'));
      const suppressed = runJson(['check', join(dir, 'iptables.rules'), ...dockerStateArgs('broken-isolation-deleted')]).json;
      expect(reachIds(suppressed.findings)).not.toContain('reach/isolation-gap');
      expect(suppressed.findings.map((finding) => finding.ruleId)).not.toContain('unused-suppression');

      writeFileSync(join(dir, '.iptlintrc.json'), JSON.stringify({ rules: { 'reach/direct-container-access': 'off', 'reach/isolation-gap': 'warning' } }));
      const configured = runJson(['check', '--config', join(dir, '.iptlintrc.json'), `${labCapture('broken-isolation-deleted')}/iptables.rules`, ...dockerStateArgs('broken-isolation-deleted')]).json;
      expect(configured.findings.filter((finding) => finding.ruleId.startsWith('reach/')).map((finding) => `${finding.ruleId} ${finding.severity}`)).toEqual(['reach/isolation-gap warning']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad --host-addr is a usage error naming the value', () => {
    const result = runCli(['check', `${labCapture('multi-network')}/iptables.rules`, ...dockerStateArgs('multi-network'), '--host-addr', 'bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not an address or ADDR\/BITS: "bogus"\nhint: check --host-addr/);
  });
});
