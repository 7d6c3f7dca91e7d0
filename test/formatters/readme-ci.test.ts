/**
 * The "Use in CI" snippets of the README must work as printed: the workflow
 * is valid YAML that uploads the file iptlint writes, and each `iptlint
 * check` command line in it runs, unchanged but for the program path, on a
 * repository laid out the way the snippet expects.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { SarifLog } from '../../src/formatters/sarif.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { compileSarifSchema } from './sarif-validators.js';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

/** The fenced block right after an `<!-- name -->` marker. */
function snippet(marker: string): string {
  const at = readme.indexOf(`<!-- ${marker} -->`);
  expect(at, `README.md has no <!-- ${marker} --> marker`).toBeGreaterThan(-1);
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block?.[1]) throw new Error(`no yaml block after <!-- ${marker} -->`);
  return block[1];
}

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}

/** Splits a command line the way the shell does for what the snippets use: words and single-quoted words. */
function shellWords(line: string): string[] {
  expect(line, 'the test runs only plain commands (no pipes, redirections, variables or double quotes)').not.toMatch(/[|&;<>$`"\\]/);
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** A checkout as the workflow expects it: dumps under firewall/ (a real Docker-host dump and a nested one). */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iptlint-readme-ci-'));
  mkdirSync(join(dir, 'firewall/hosts'), { recursive: true });
  copyFileSync(join(REPO, 'examples/docker-host.rules'), join(dir, 'firewall/docker-host.rules'));
  copyFileSync(join(REPO, 'fixtures/docker/broken-stale-dnat/iptables.rules'), join(dir, 'firewall/hosts/web-1.rules'));
  return dir;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function runStep(step: Step | undefined): { dir: string; code: number | null; stdout: string; stderr: string; args: string[] } {
  const words = shellWords(step?.run ?? '');
  expect(words.slice(0, 2)).toEqual(['iptlint', 'check']);
  const dir = repository();
  dirs.push(dir);
  const args = words.slice(1);
  return { dir, args, ...runCli(args, { cwd: dir }) };
}

describe('README "Use in CI"', () => {
  const workflow = parseYaml(snippet('ci-workflow')) as { permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
  const steps = Object.values(workflow.jobs)[0]?.steps ?? [];

  it('is a workflow whose iptlint step writes SARIF that the upload step uploads', () => {
    const lint = steps.find((step) => step.run?.startsWith('iptlint check'));
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(workflow.permissions['security-events']).toBe('write');
    const words = shellWords(lint?.run ?? '');
    expect(words).toContain('--format');
    expect(words[words.indexOf('--format') + 1]).toBe('sarif');
    expect(upload?.with?.['sarif_file']).toBe(words[words.indexOf('--output') + 1]);
    expect(steps.indexOf(upload ?? {})).toBeGreaterThan(steps.indexOf(lint ?? {}));
  });

  it('runs its iptlint command line as printed: the SARIF file it writes is valid and holds the dumps\' findings', () => {
    const lint = steps.find((step) => step.run?.startsWith('iptlint check'));
    const result = runStep(lint);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    const output = result.args[result.args.indexOf('--output') + 1] ?? '';
    const log = JSON.parse(readFileSync(join(result.dir, output), 'utf8')) as SarifLog;
    const validate = compileSarifSchema();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const uris = new Set(log.runs[0].results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri));
    expect(uris).toEqual(new Set(['firewall/docker-host.rules', 'firewall/hosts/web-1.rules']));
  });

  it('runs the annotations command line as printed', () => {
    const step = (parseYaml(snippet('ci-annotations')) as Step[])[0];
    const result = runStep(step);
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) file=firewall\/[^,]+\.rules,line=\d+,col=\d+,/);
  });
});
