import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { runCli } from './run-cli.js';
import { compileSchema } from './schemas.js';

describe('iptlint rules', () => {
  it('lists every rule as JSON matching schemas/rules.schema.json', () => {
    const result = runCli(['rules', '--format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const validate = compileSchema('rules.schema.json');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.rules.map((rule: { id: string }) => rule.id).sort()).toEqual(allRules.map((rule) => rule.meta.id).sort());
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
});
