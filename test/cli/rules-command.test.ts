import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { ENGINE_FINDING_IDS } from '../../src/engine/finding-ids.js';
import { REPO, runCli } from './run-cli.js';
import { compileSchema } from './schemas.js';

describe('iptlint rules', () => {
  it('lists every rule as JSON matching schemas/rules.schema.json', () => {
    const result = runCli(['rules', '--format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const validate = compileSchema('rules.schema.json');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.rules.map((rule: { id: string }) => rule.id).sort()).toEqual(allRules.map((rule) => rule.meta.id).sort());
    expect(doc.findings.map((finding: { id: string }) => finding.id).sort()).toEqual([...ENGINE_FINDING_IDS].sort());
    expect(doc.findings).toContainEqual(expect.objectContaining({ id: 'reach/isolation-gap', source: 'packet-model', docs: 'docs/rules/reach/isolation-gap.md' }));
    for (const finding of doc.findings as { docs?: string }[]) if (finding.docs !== undefined) expect(existsSync(`${REPO}/${finding.docs}`), finding.docs).toBe(true);
    expect(doc.findings).toContainEqual({
      id: 'suppression-without-reason',
      source: 'suppressions',
      severity: 'off',
      category: 'structure',
      description: expect.stringContaining('reason'),
    });
  });

  it('prints a table with one line per rule', () => {
    const result = runCli(['rules']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +DEFAULT +CATEGORY +DESCRIPTION$/);
    for (const rule of allRules) {
      expect(result.stdout).toMatch(new RegExp(`^${rule.meta.id} +${rule.meta.severity} +${rule.meta.category} `, 'm'));
    }
  });

  it('lists the finding ids no rule module reports after the rules, each once', () => {
    const result = runCli(['rules']);
    const lines = result.stdout.trimEnd().split('\n');
    const section = lines.indexOf('Reported by the parser, the packet model, the live scan and the suppression directives:');
    expect(section).toBeGreaterThan(allRules.length);
    for (const id of ENGINE_FINDING_IDS) {
      expect(lines.filter((line) => line.startsWith(`${id} `)), id).toHaveLength(1);
      expect(lines.findIndex((line) => line.startsWith(`${id} `)), id).toBeGreaterThan(section);
    }
    expect(result.stdout).toMatch(/^reach\/isolation-gap +error +security +two Docker networks/m);
    expect(lines.at(-1)).toBe(`${allRules.length} rules (details: docs/rules/<id>.md) and ${ENGINE_FINDING_IDS.length} other finding ids; a config file can set the severity of any of them`);
  });
});
