/**
 * Every Docker rule documents itself like the structural rules: a bad dump
 * that triggers it and a good dump that does not (with the inputs that
 * input-driven rules need), and the good dump is clean for every rule.
 */
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import { allRules } from '../../rules/index.js';
import { dockerDocExampleInputs, dockerRules } from '../../rules/docker-index.js';

describe('Docker rule docs', () => {
  it('ids are unique, kebab-case, docker-prefixed', () => {
    const ids = dockerRules.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^docker(-[a-z0-9]+)+$/);
  });

  for (const rule of dockerRules) {
    describe(rule.meta.id, () => {
      const { docs } = rule.meta;
      const inputs = dockerDocExampleInputs(rule.meta.id);
      it('has a description and a rationale', () => {
        expect(docs.description.length).toBeGreaterThan(20);
        expect(docs.rationale.length).toBeGreaterThan(60);
      });
      it('bad example triggers the rule', () => {
        const { findings } = checkText(docs.bad, { file: 'bad.rules', rules: [rule], inputs: inputs ? { docker: inputs.bad } : {}, ...(rule.meta.id.includes('ip6tables') ? { family: 'ipv6' as const } : {}) });
        expect(findings.map((finding) => finding.ruleId)).toContain(rule.meta.id);
      });
      it('good example does not trigger it and parses cleanly', () => {
        const { parse, findings } = checkText(docs.good, { file: 'good.rules', rules: [rule], inputs: inputs ? { docker: inputs.good } : {}, ...(rule.meta.id.includes('ip6tables') ? { family: 'ipv6' as const } : {}) });
        expect(parse.errors).toEqual([]);
        expect(findings.filter((finding) => finding.ruleId === rule.meta.id).map((finding) => finding.message)).toEqual([]);
      });
      it('good example is clean for every rule', () => {
        const { findings } = checkText(docs.good, { file: 'good.rules', rules: allRules, inputs: inputs ? { docker: inputs.good } : {}, ...(rule.meta.id.includes('ip6tables') ? { family: 'ipv6' as const } : {}) });
        expect(findings.map((finding) => `${finding.span.line}:${finding.span.column} ${finding.ruleId}: ${finding.message}`)).toEqual([]);
      });
    });
  }
});
