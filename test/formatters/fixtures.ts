/** Hand-made findings for formatter tests: the formatters must not depend on any rule's wording. */
import type { Span } from '../../grammar/ast.js';
import type { Finding } from '../../src/engine/types.js';
import type { CheckedFileReport } from '../../src/formatters/types.js';

export const DUMP = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', '-A FORWARD -j DOCKER-MISSING', 'COMMIT', ''].join('\n');

export function span(line: number, column: number, endColumn: number, endLine = line): Span {
  return { line, column, endLine, endColumn, offset: 0 };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'undefined-jump-target',
    severity: 'error',
    category: 'correctness',
    message: 'FORWARD jumps to chain "DOCKER-MISSING", which is not declared',
    fix: 'declare it with ":DOCKER-MISSING - [0:0]" or remove the rule',
    file: 'host.rules',
    span: span(4, 15, 29),
    ...overrides,
  };
}

export function report(findings: Finding[], source = DUMP, file = 'host.rules'): CheckedFileReport {
  return { status: 'checked', file, source, findings, format: 'save', family: 'ipv4' };
}

export const TOOL = { name: 'iptlint', version: '0.0.0-test' };
