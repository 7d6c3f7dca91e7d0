import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA, REPO, runCli } from './run-cli.js';

const SHARED = `${REPO}../shared`;
/** Real iptables-save output, byte for byte as iptables printed it. */
const canonical = [
  `${SHARED}/netfilter-corpus/dumps/ipt-save/dumps/wireless.txt`,
  `${SHARED}/netfilter-corpus/dumps/ipt-save/dumps/ipt-save-filter.txt`,
  `${SHARED}/netfilter-corpus/dumps/ipt-save/dumps/fedora27-iptables`,
  ...readdirSync(`${SHARED}/docker-rules/iptabler-golden-v29`)
    .filter((name) => name.endsWith('__iptables.golden'))
    .slice(0, 5)
    .map((name) => `${SHARED}/docker-rules/iptabler-golden-v29/${name}`),
];

describe('iptlint fmt', () => {
  it.each(canonical)('prints real iptables-save output back unchanged: %s', (file) => {
    const result = runCli(['fmt', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('--check exits 0 on real iptables-save output', () => {
    expect(runCli(['fmt', '--check', canonical[0] ?? '']).code).toBe(0);
  });

  it('is idempotent on hand-written input, and --check tells whether it would change', () => {
    const file = `${DATA}/hand-written.rules`;
    const once = runCli(['fmt', file]);
    expect(once.code).toBe(0);
    const twice = runCli(['fmt', '-'], { stdin: once.stdout });
    expect(twice.stdout).toBe(once.stdout);
    expect(runCli(['fmt', '--check', '-'], { stdin: once.stdout }).code).toBe(0);

    const original = readFileSync(`${REPO}/${file}`, 'utf8');
    const check = runCli(['fmt', '--check', file]);
    expect(check.stdout).toBe('');
    if (once.stdout === original) {
      expect(check.code).toBe(0);
    } else {
      expect(check.code).toBe(1);
      expect(check.stderr).toMatch(/^iptlint: 'test\/cli\/data\/hand-written\.rules' is not in canonical layout \(first difference at line \d+\)\nhint: /);
    }
  });

  it('reads stdin', () => {
    const dump = readFileSync(`${REPO}/${DATA}/minimal.rules`, 'utf8');
    expect(runCli(['fmt'], { stdin: dump }).stdout).toBe(dump);
  });

  it('exits 2 on syntax errors and prints them to stderr, located', () => {
    const result = runCli(['fmt', `${DATA}/syntax-and-lint.rules`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^test\/cli\/data\/syntax-and-lint\.rules:5:\d+ {2}error {2}/m);
  });

  it('exits 2 on a missing file', () => {
    const result = runCli(['fmt', `${DATA}/nope.rules`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^iptlint: cannot read 'test\/cli\/data\/nope\.rules': no such file or directory\n/);
  });
});
