import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { checkText, lint, parseErrorFindings } from '../../src/engine/lint.js';
import type { LintRule } from '../../src/engine/types.js';
import { buildModel } from '../../src/model/build.js';

const DUMP = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -j DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A FORWARD -j NOWHERE\nCOMMIT\n';

function ruleReporting(id: string, spans: { line: number; column: number }[]): LintRule {
  return {
    meta: { id, severity: 'warning', category: 'structure', docs: { description: '', rationale: '', bad: '', good: '' } },
    check(context) {
      for (const { line, column } of spans) {
        context.report({ message: `${id} at ${line}:${column}`, span: { line, column, endLine: line, endColumn: column + 1, offset: 0 } });
      }
    },
  };
}

describe('lint', () => {
  it('sorts findings by line, column, then rule id', () => {
    const model = buildModel(parse(DUMP));
    const findings = lint(model, {
      rules: [ruleReporting('b-rule', [{ line: 3, column: 1 }, { line: 1, column: 5 }]), ruleReporting('a-rule', [{ line: 3, column: 1 }, { line: 1, column: 9 }])],
    });
    expect(findings.map((f) => `${f.span.line}:${f.span.column} ${f.ruleId}`)).toEqual(['1:5 b-rule', '1:9 a-rule', '3:1 a-rule', '3:1 b-rule']);
    expect(findings.every((f) => f.severity === 'warning' && f.category === 'structure' && f.file === '<stdin>')).toBe(true);
  });

  it('turns a crashing rule into an internal-error finding and keeps running the others', () => {
    const crashing: LintRule = { ...ruleReporting('crashy', []), check: () => { throw new Error('boom'); } };
    const findings = lint(buildModel(parse(DUMP)), { rules: [crashing, ruleReporting('fine', [{ line: 2, column: 1 }])] });
    expect(findings.map((f) => f.ruleId)).toEqual(['internal-error', 'fine']);
    expect(findings[0]).toMatchObject({ severity: 'error', category: 'internal' });
    expect(findings[0]?.message).toContain('crashy');
    expect(findings[0]?.message).toContain('boom');
  });

  it('applies severity overrides and turns rules off', () => {
    const model = buildModel(parse(DUMP));
    const findings = lint(model, { severity: { 'unreachable-rule': 'error', 'undefined-jump-target': 'off' } });
    expect(findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['unreachable-rule error']);
  });

  it('shares memoized analyses between rules of one run', () => {
    let computed = 0;
    const memoUser = (id: string): LintRule => ({
      ...ruleReporting(id, []),
      check(context) {
        context.memo('shared', () => ++computed);
      },
    });
    lint(buildModel(parse(DUMP)), { rules: [memoUser('one'), memoUser('two')] });
    expect(computed).toBe(1);
  });
});

describe('parse errors and checkText', () => {
  it('reports parse errors as syntax findings with their code as rule id', () => {
    const result = parse('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n');
    expect(result.errors.length).toBeGreaterThan(0);
    const findings = parseErrorFindings(result);
    expect(findings.map((f) => f.ruleId)).toEqual(result.errors.map((e) => e.code));
    expect(findings.every((f) => f.severity === 'error' && f.category === 'syntax')).toBe(true);
  });

  it('checkText parses, builds and lints with the file name in every finding', () => {
    const { parse: result, model, findings } = checkText(DUMP, { file: 'host.rules' });
    expect(result.file).toBe('host.rules');
    expect(model.tables.get('filter')?.chains.get('INPUT')?.rules).toHaveLength(2);
    expect(findings.map((f) => `${f.span.line} ${f.ruleId} ${f.file}`)).toEqual(['6 unreachable-rule host.rules', '7 undefined-jump-target host.rules']);
  });
});
