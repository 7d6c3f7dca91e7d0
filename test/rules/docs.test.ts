/**
 * Every rule documents itself with a bad dump that triggers it and a good dump
 * (the bad one fixed) that does not; every module in rules/ is registered.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import type { LintRule } from '../../src/engine/types.js';
import { allRules, structuralRules } from '../../rules/index.js';

const rulesDir = join(import.meta.dirname, '..', '..', 'rules');

describe('rule registry', () => {
  it('allRules holds exactly the modules of rules/', async () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.ts'));
    const loaded = await Promise.all(files.map(async (f) => ({ file: f, rule: (await import(join(rulesDir, f))).default as LintRule | undefined })));
    // Rule modules default-export a rule; index modules (index.ts, docker-index.ts) only list them.
    const modules = loaded.filter((m) => m.rule !== undefined);
    expect(modules.length).toBeGreaterThanOrEqual(24);
    expect(new Set(allRules)).toEqual(new Set(modules.map((m) => m.rule)));
    for (const { file, rule } of modules) expect(file).toBe(`${rule?.meta.id}.ts`);
  });

  it('rule ids are unique kebab-case', () => {
    const ids = allRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

// The Docker rules document examples that need Docker's state as input; their own tests cover them.
describe('structural rule docs', () => {
  for (const rule of structuralRules) {
    describe(rule.meta.id, () => {
      const { docs } = rule.meta;
      it('has a description and a rationale', () => {
        expect(docs.description.length).toBeGreaterThan(20);
        expect(docs.rationale.length).toBeGreaterThan(60);
      });
      it('bad example triggers the rule', () => {
        const ids = checkText(docs.bad, { file: 'bad.rules', rules: [rule] }).findings.map((f) => f.ruleId);
        expect(ids).toContain(rule.meta.id);
      });
      it('good example does not trigger the rule and parses cleanly', () => {
        const { parse, findings } = checkText(docs.good, { file: 'good.rules', rules: [rule] });
        expect(parse.errors).toEqual([]);
        expect(findings.filter((f) => f.ruleId === rule.meta.id)).toEqual([]);
      });
      it('good example is clean for every rule', () => {
        const { findings } = checkText(docs.good, { file: 'good.rules' });
        expect(findings.map((f) => `${f.span.line}:${f.span.column} ${f.ruleId}: ${f.message}`)).toEqual([]);
      });
    });
  }
});
