import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canDropRoot, DATA, runCli, runJson, runMain, STACK_FRAME, type JsonOut } from './run-cli.js';

const UNDEFINED_JUMP = `${DATA}/undefined-jump.rules`;
const MINIMAL = `${DATA}/minimal.rules`;

describe('exit codes', () => {
  it('0 when nothing reaches --fail-on (default error)', () => {
    const { json } = runJson(['check', MINIMAL]);
    // Precondition: if a new rule reports an error here, pick a cleaner fixture.
    expect(json.summary.counts.error, JSON.stringify(json.findings)).toBe(0);
    expect(runCli(['check', MINIMAL]).code).toBe(0);
  });

  it('1 when a finding reaches --fail-on', () => {
    const result = runCli(['check', UNDEFINED_JUMP]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/undefined-jump-target/);
    expect(result.stderr).toBe('');
  });

  it.each(['error', 'warning', 'info', 'never'] as const)('--fail-on %s follows the worst severity reported (in-process)', async (failOn) => {
    for (const file of [UNDEFINED_JUMP, MINIMAL, 'examples/docker-host.rules']) {
      const { stdout, code } = await runMain(['check', '--format', 'json', '--fail-on', failOn, file]);
      const json = JSON.parse(stdout) as JsonOut;
      const rank = { info: 0, warning: 1, error: 2, never: 3 };
      const failing = json.findings.some((finding) => rank[finding.severity] >= rank[failOn]);
      expect(code, `${file}: ${JSON.stringify(json.findings)}`).toBe(failing ? 1 : 0);
    }
  });

  it('--fail-on never still exits 0 on error findings', () => {
    expect(runCli(['check', '--fail-on', 'never', UNDEFINED_JUMP]).code).toBe(0);
  });

  it('--quiet drops warnings and info from the output and from the exit code', () => {
    const loud = runJson(['check', '--fail-on', 'info', MINIMAL]);
    const quiet = runJson(['check', '--fail-on', 'info', '--quiet', MINIMAL]);
    expect(quiet.json.findings.every((finding) => finding.severity === 'error')).toBe(true);
    expect(quiet.json.findings.length).toBe(loud.json.summary.counts.error);
    expect(quiet.code).toBe(quiet.json.findings.length > 0 ? 1 : 0);
  });

  it('2 on syntax errors, and the rest of the dump is still linted and printed', () => {
    const result = runCli(['check', `${DATA}/syntax-and-lint.rules`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/syntax-and-lint\.rules:5:\d+ {2}error {2}.*quot/);
    expect(result.stdout).toMatch(/syntax-and-lint\.rules:6:\d+ {2}error {2}.*NO-SUCH-CHAIN.*undefined-jump-target/);
    expect(runCli(['check', '--fail-on', 'never', `${DATA}/syntax-and-lint.rules`]).code).toBe(2);
  });

  it('2 when an input cannot be read, the other inputs are still checked', () => {
    const result = runCli(['check', UNDEFINED_JUMP, `${DATA}/does-not-exist.rules`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `iptlint: cannot read '${DATA}/does-not-exist.rules': no such file or directory\n` +
        'hint: check the path; use - to read a dump from stdin\n',
    );
    expect(result.stdout).toMatch(/undefined-jump-target/);
    expect(result.stdout).toMatch(/1 file could not be read/);
  });

  it('2 for a directory', () => {
    const result = runCli(['check', DATA]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^iptlint: cannot read 'test\/cli\/data': is a directory\nhint: /);
  });

  it.runIf(canDropRoot())('2 for a file without read permission (as nobody when run as root)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iptlint-'));
    chmodSync(dir, 0o755);
    try {
      const file = join(dir, 'secret.rules');
      writeFileSync(file, '*filter\nCOMMIT\n');
      chmodSync(file, 0o000);
      const result = runCli(['check', file], { dropRoot: true });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^iptlint: cannot read '.*secret\.rules': permission denied\nhint: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('2 on usage errors, with one line of reason and one of hint, no stack trace', () => {
    for (const args of [[], ['bogus'], ['check', '--format', 'xml'], ['check', '--fail-on', 'sometimes'], ['check', '--nope'], ['check', '--table', 'a b'], ['check', 'no-match-*.rules']]) {
      const result = runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(/^iptlint: [^\n]+\nhint: [^\n]+\n$/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  });
});
