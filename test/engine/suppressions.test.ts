import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';

/** A real Docker host's dump (examples/docker-host.rules): findings on lines 10, 34 and 36. */
const EXAMPLE = readFileSync(new URL('../../examples/docker-host.rules', import.meta.url), 'utf8');

/** The example with comment lines inserted before the given (original) line numbers. */
function withComments(insertions: Record<number, string>): string {
  const lines = EXAMPLE.split('\n');
  return lines.map((line, index) => (insertions[index + 1] === undefined ? line : `${insertions[index + 1]}\n${line}`)).join('\n');
}

const summary = (findings: readonly Finding[]) => findings.map((finding) => `${finding.span.line} ${finding.ruleId}`);

describe('inline suppressions', () => {
  it('the example has the three findings the tests below suppress', () => {
    expect(summary(checkText(EXAMPLE).findings)).toEqual(['10 port-match-without-protocol', '34 docker-user-host-port', '36 unreachable-rule']);
  });

  it('disable-next-line silences the named rule on the next rule line only, skipping comments and blank lines', () => {
    const text = withComments({ 10: '# iptlint-disable-next-line port-match-without-protocol -- node-exporter listens on tcp only\n\n# owner: monitoring' });
    expect(summary(checkText(text).findings)).toEqual(['37 docker-user-host-port', '39 unreachable-rule']);
  });

  it('names several rules, separated by commas; without a rule id it covers every rule', () => {
    const named = withComments({ 36: '# iptlint-disable-next-line unreachable-rule, duplicate-rule -- kept for the abuse desk' });
    const [unused] = checkText(named).findings.filter((finding) => finding.ruleId === 'unused-suppression');
    expect(unused).toMatchObject({ severity: 'warning', span: { line: 36, column: 1 } });
    expect(unused?.message).toBe('iptlint-disable-next-line suppresses nothing for duplicate-rule: no duplicate-rule finding on line 37');
    expect(unused?.fix).toBe('remove duplicate-rule from the directive on line 36');
    expect(summary(checkText(named).findings)).not.toContain('37 unreachable-rule');
    const all = withComments({ 34: '# iptlint-disable-next-line -- reviewed 2026-11' });
    expect(summary(checkText(all).findings)).toEqual(['10 port-match-without-protocol', '37 unreachable-rule']);
  });

  it('disable … enable silences a block, per rule', () => {
    const text = withComments({ 34: '# iptlint-disable docker-user-host-port, unreachable-rule -- legacy block, ticket 4711', 36: '# iptlint-enable unreachable-rule', 37: '# iptlint-enable docker-user-host-port' });
    // unreachable-rule is enabled again before line 36 (now 38), so that finding stays, and that half of the directive is unused.
    const findings = checkText(text).findings;
    expect(summary(findings)).toEqual(['10 port-match-without-protocol', '34 unused-suppression', '38 unreachable-rule']);
    expect(findings[1]?.message).toBe('iptlint-disable suppresses nothing for unreachable-rule: no unreachable-rule finding on the lines it covers');
  });

  it('a disable without enable runs to the end of the file; a bare enable ends every open disable', () => {
    expect(summary(checkText(withComments({ 30: '# iptlint-disable' })).findings)).toEqual(['10 port-match-without-protocol']);
    const ended = withComments({ 9: '# iptlint-disable port-match-without-protocol -- x', 11: '# iptlint-enable' });
    expect(summary(checkText(ended).findings)).toEqual(['36 docker-user-host-port', '38 unreachable-rule']);
  });

  it('reports a directive that suppresses nothing, at the directive, with the fix "delete this line"', () => {
    const text = withComments({ 12: '# iptlint-disable-next-line unreachable-rule -- obsolete' });
    const findings = checkText(text, { file: 'host.rules' }).findings;
    expect(findings.find((finding) => finding.ruleId === 'unused-suppression')).toEqual({
      ruleId: 'unused-suppression',
      severity: 'warning',
      category: 'structure',
      message: 'iptlint-disable-next-line suppresses nothing: no unreachable-rule finding on line 13',
      fix: 'delete line 12',
      file: 'host.rules',
      span: { line: 12, column: 1, endLine: 12, endColumn: 57, offset: expect.any(Number) as number },
    });
    const block = withComments({ 12: '# iptlint-disable -- nothing below is wrong', 13: '# iptlint-enable' });
    expect(checkText(block).findings.filter((finding) => finding.ruleId === 'unused-suppression').map((finding) => finding.message)).toEqual([
      'iptlint-disable suppresses nothing: no finding on the lines it covers',
    ]);
  });

  it('reports unknown rule ids with a did-you-mean, unknown directives and unmatched enables', () => {
    const text = withComments({ 10: '# iptlint-disable-next-line port-match-without-protocl -- tcp only', 20: '# iptlint-disabel unreachable-rule', 30: '# iptlint-enable jump-cycle' });
    const invalid = checkText(text).findings.filter((finding) => finding.ruleId === 'invalid-suppression');
    expect(invalid.map((finding) => [finding.span.line, finding.message, finding.fix])).toEqual([
      [10, 'iptlint-disable-next-line names unknown rule "port-match-without-protocl", so it suppresses nothing for it', 'fix the rule id (did you mean port-match-without-protocol?)'],
      [21, 'unknown directive "iptlint-disabel": did you mean iptlint-disable?', 'write iptlint-disable-next-line, iptlint-disable or iptlint-enable, or delete line 21'],
      [32, 'iptlint-enable jump-cycle matches no earlier iptlint-disable jump-cycle', 'delete line 32, or name the rule its iptlint-disable names'],
    ]);
    // The misspelt directive suppressed nothing: the finding is still there.
    expect(summary(checkText(text).findings)).toContain('11 port-match-without-protocol');
  });

  it('suppresses syntax errors by their code', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n# iptlint-disable-next-line syntax/unknown-option -- iptables 1.8.11 option\n-A INPUT --frobnicate -j ACCEPT\nCOMMIT\n';
    expect(checkText(text).findings.filter((finding) => finding.ruleId.startsWith('syntax/'))).toEqual([]);
    expect(checkText(text.replace(/^# iptlint.*\n/m, '')).findings.map((finding) => finding.ruleId)).toContain('syntax/unknown-option');
  });

  it('works in iptables -S listings', () => {
    const listing = '-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n# iptlint-disable-next-line unreferenced-chain -- hooked in by sshguard at run time\n-N SSH\n-A SSH -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\n# iptlint-disable-next-line duplicate-rule -- two owners\n-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\n';
    const result = checkText(listing, { format: 'list' });
    expect(result.parse.format).toBe('list');
    expect(summary(result.findings)).toEqual([]);
    const bare = checkText(listing.replace(/^# iptlint.*\n/gm, ''), { format: 'list' });
    expect(summary(bare.findings).sort()).toEqual(['4 unreferenced-chain', '7 duplicate-rule']);
  });

  it('a missing reason is reported only when suppression-without-reason is turned on', () => {
    const text = withComments({ 36: '# iptlint-disable-next-line unreachable-rule' });
    expect(checkText(text).findings.map((finding) => finding.ruleId)).not.toContain('suppression-without-reason');
    const strict = checkText(text, { severity: { 'suppression-without-reason': 'error' } }).findings.find((finding) => finding.ruleId === 'suppression-without-reason');
    expect(strict).toMatchObject({ severity: 'error', message: 'iptlint-disable-next-line without a reason', span: { line: 36 } });
    expect(strict?.fix).toBe('add why the finding is accepted after " -- ", e.g. "# iptlint-disable-next-line unreachable-rule -- managed by fail2ban"');
  });

  it('does not call a directive unused when its rule is turned off by the configuration', () => {
    const text = withComments({ 36: '# iptlint-disable-next-line unreachable-rule -- kept' });
    expect(checkText(text, { severity: { 'unreachable-rule': 'off' } }).findings.map((finding) => finding.ruleId)).not.toContain('unused-suppression');
    expect(checkText(text, { severity: { 'unused-suppression': 'off', 'unreachable-rule': 'off' } }).findings.map((finding) => finding.ruleId)).not.toContain('unused-suppression');
  });
});
