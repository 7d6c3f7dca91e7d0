import { describe, expect, it } from 'vitest';
import { formatJson, toJsonReport } from '../../src/formatters/json.js';
import { compileSchema } from '../cli/schemas.js';
import { finding, report, span, TOOL } from './fixtures.js';

const validate = compileSchema('findings.schema.json');

describe('json formatter', () => {
  it('emits one document with tool, files, findings and summary', () => {
    const doc = toJsonReport(
      [
        report([finding(), finding({ severity: 'warning', fix: undefined, span: span(2, 1, 7), related: [{ message: 'here', span: span(3, 1, 2) }] })]),
        { status: 'unreadable', file: 'gone.rules', error: 'no such file or directory' },
      ],
      TOOL,
    );
    expect(doc.tool).toEqual(TOOL);
    expect(doc.files).toEqual([
      { file: 'host.rules', status: 'checked', format: 'save', family: 'ipv4', counts: { error: 1, warning: 1, info: 0 } },
      { file: 'gone.rules', status: 'unreadable', error: 'no such file or directory' },
    ]);
    expect(doc.findings[0]).toEqual({
      ruleId: 'undefined-jump-target',
      severity: 'warning',
      category: 'correctness',
      message: 'FORWARD jumps to chain "DOCKER-MISSING", which is not declared',
      file: 'host.rules',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 7,
      related: [{ message: 'here', file: 'host.rules', line: 3, column: 1, endLine: 3, endColumn: 2 }],
    });
    expect(doc.findings[1]?.fix).toBe('declare it with ":DOCKER-MISSING - [0:0]" or remove the rule');
    expect(doc.summary).toEqual({ problems: 2, counts: { error: 1, warning: 1, info: 0 }, filesChecked: 1, filesUnreadable: 1 });
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps control characters intact (JSON escapes them) and stays valid', () => {
    const text = formatJson([report([finding({ message: 'x \x1b[31m y' })])], { color: true, tool: TOOL });
    expect(text).not.toContain('\x1b');
    expect(JSON.parse(text).findings[0].message).toBe('x \x1b[31m y');
  });

  it('rejects documents that break the schema', () => {
    const doc = toJsonReport([report([finding()])], TOOL) as unknown as { findings: Record<string, unknown>[] };
    doc.findings[0]!['line'] = 0;
    expect(validate(doc)).toBe(false);
  });
});
