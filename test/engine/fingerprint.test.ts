import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprintFindings } from '../../src/engine/fingerprint.js';
import { checkText } from '../../src/engine/index.js';
import type { Finding } from '../../src/engine/types.js';

const dir = 'fixtures/docker/broken-isolation-deleted';
const source = readFileSync(`${dir}/iptables.rules`, 'utf8');

function findingsOf(text: string): Finding[] {
  return checkText(text, { file: 'iptables.rules' }).findings;
}

describe('fingerprintFindings', () => {
  it('survives lines moving and Docker renaming the bridges and re-addressing containers', () => {
    const before = findingsOf(source);
    expect(before.length).toBeGreaterThan(0);
    const churned = `# saved again\n# later\n${source}`
      .replaceAll('br-36785ab7e582', 'br-0123456789ab')
      .replaceAll('br-f52599059b8d', 'br-ba9876543210')
      .replace(/\b172\.(\d+)\.0\.([2-9])\b/g, (_m, net: string, host: string) => `172.${net}.0.${Number(host) + 10}`);
    expect(churned).not.toContain('br-36785ab7e582');
    const after = findingsOf(churned);
    expect(fingerprintFindings(after, churned)).toEqual(fingerprintFindings(before, source));
  });

  it('tells findings of different rules or rule text apart and numbers repeats', () => {
    const base: Finding = {
      ruleId: 'duplicate-rule', severity: 'warning', category: 'redundancy', message: 'same rule',
      file: 'f', span: { line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0 },
    };
    const text = '-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp --dport 23 -j ACCEPT\n';
    const prints = fingerprintFindings(
      [base, { ...base, span: { ...base.span, line: 2 } }, { ...base, ruleId: 'unreachable-rule' }, base],
      text,
    );
    expect(new Set(prints).size).toBe(4);
    expect(prints[0]?.endsWith(':1')).toBe(true);
    expect(prints[3]).toBe(`${prints[0]?.slice(0, -2)}:2`);
  });
});

describe('fingerprints of messages that cite other lines', () => {
  it('ignore the line and rule numbers a message mentions, which move when lines are inserted above', () => {
    const example = readFileSync('examples/docker-host.rules', 'utf8');
    const before = checkText(example, { file: 'host.rules' }).findings;
    expect(before.some((finding) => /\bline \d+/.test(finding.message))).toBe(true);
    const moved = example.replace('*filter\n', '*filter\n# reviewed 2026-11\n').replace('-A DOCKER-USER ! -s', '-A DOCKER-USER -s 192.0.2.7/32 -j DROP\n-A DOCKER-USER ! -s');
    const after = checkText(moved, { file: 'host.rules' }).findings;
    expect(after.map((finding) => finding.message)).not.toEqual(before.map((finding) => finding.message));
    expect(fingerprintFindings(after, moved)).toEqual(fingerprintFindings(before, example));
  });
});
