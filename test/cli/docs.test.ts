import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { checkText } from '../../src/engine/lint.js';
import { expectedDocs, needsDockerInputs, orphanPages } from '../../scripts/gen-docs.js';
import { REPO } from './run-cli.js';

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
    const bad = checkText(rule.meta.docs.bad, { file: 'bad.rules' });
    // Rules that need inputs besides the dump cannot fire on it alone (their page says so).
    if (!needsDockerInputs(rule.meta)) expect(bad.findings.map((finding) => finding.ruleId)).toContain(id);
    const good = checkText(rule.meta.docs.good, { file: 'good.rules' });
    expect(good.findings.filter((finding) => finding.ruleId === id)).toEqual([]);
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
