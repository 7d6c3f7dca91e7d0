import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerDocExampleInputs } from '../../rules/docker-index.js';
import { allRules } from '../../rules/index.js';
import { checkText } from '../../src/engine/lint.js';
import { exampleCommand, exampleFindings, expectedDocs, orphanPages } from '../../scripts/gen-docs.js';
import { REPO, runCli } from './run-cli.js';

const expected = await expectedDocs(readFileSync(`${REPO}/README.md`, 'utf8'));

describe('generated docs', () => {
  it.each([...expected.keys()])('%s is up to date (npx tsx scripts/gen-docs.ts)', (path) => {
    let actual = '';
    try {
      actual = readFileSync(`${REPO}/${path}`, 'utf8');
    } catch {
      // missing: compared as empty so the diff shows the whole file
    }
    expect(actual).toBe(expected.get(path));
  });

  it('has no page for a rule that no longer exists', () => {
    expect(orphanPages(expected)).toEqual([]);
  });
});

describe('rule examples in the docs', () => {
  it.each(allRules.map((rule) => [rule.meta.id, rule] as const))('%s: the bad example triggers it, the good one does not', (id, rule) => {
    expect(exampleFindings(rule.meta, 'bad').map((finding) => finding.ruleId)).toContain(id);
    expect(exampleFindings(rule.meta, 'good').filter((finding) => finding.ruleId === id)).toEqual([]);
  });

  const inputDriven = allRules.flatMap((rule) => {
    const inputs = dockerDocExampleInputs(rule.meta.id);
    return inputs === undefined ? [] : [[rule.meta.id, rule.meta, inputs] as const];
  });
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('documents the Docker rules that need more than the dump with the files they need', () => {
    expect(inputDriven.map(([id]) => id).sort()).toEqual([
      'docker-ip6tables-docker-user',
      'docker-iptables-disabled',
      'docker-policy-network',
      'docker-policy-published-port',
      'docker-user-restricts-external',
    ]);
  });

  it.each(inputDriven)('%s: the command its page shows finds it in the bad example and not in the good one', (id, meta, inputs) => {
    for (const [which, files] of [['bad', inputs.badFiles], ['good', inputs.goodFiles]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'iptlint-docs-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'example.rules'), meta.docs[which]);
      for (const file of files) writeFileSync(join(dir, file.name), file.text);
      const args = exampleCommand(files).split(' ').slice(1);
      const result = runCli([...args, '--format', 'json', '--fail-on', 'never'], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { findings: { ruleId: string; file: string }[] };
      const ids = report.findings.filter((finding) => finding.file === 'example.rules').map((finding) => finding.ruleId);
      if (which === 'bad') expect(ids, which).toContain(id);
      else expect(ids, which).not.toContain(id);
    }
  });
});

describe('examples/README.md', () => {
  const ruleIds = (file: string): string[] =>
    checkText(readFileSync(`${REPO}/${file}`, 'utf8'), { file })
      .findings.map((finding) => finding.ruleId)
      .sort();

  it('docker-host.rules: the three hand edits add exactly the three findings it describes', () => {
    const { findings } = checkText(readFileSync(`${REPO}/examples/docker-host.rules`, 'utf8'), { file: 'examples/docker-host.rules' });
    const at = (ruleId: string, severity: string, line: number) => expect.objectContaining({ ruleId, severity, span: expect.objectContaining({ line }) });
    expect(findings).toContainEqual(at('port-match-without-protocol', 'error', 10));
    expect(findings).toContainEqual(at('docker-user-host-port', 'error', 34));
    expect(findings).toContainEqual(at('unreachable-rule', 'warning', 36));
    const added = ruleIds('examples/docker-host.rules');
    for (const id of ruleIds('fixtures/docker/published-ports/iptables.rules')) added.splice(added.indexOf(id), 1);
    expect(added).toEqual(['docker-user-host-port', 'port-match-without-protocol', 'unreachable-rule']);
  });

  it('the unedited capture lints clean, as examples/README.md says', () => {
    expect(ruleIds('fixtures/docker/published-ports/iptables.rules')).toEqual([]);
  });
});
