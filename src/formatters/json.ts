/**
 * One JSON document for all inputs; its shape is `schemas/findings.schema.json`.
 */
import type { Span } from '../../grammar/ast.js';
import type { Category } from '../engine/types.js';
import { compareFindings } from '../engine/lint.js';
import { stringifyJson } from './json-text.js';
import { summarize } from './summary.js';
import type { FileReport, Formatter, Severity, SeverityCounts } from './types.js';

export interface JsonLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  /** Exclusive, in UTF-16 units like `column`. */
  endColumn: number;
}

export interface JsonFinding extends JsonLocation {
  ruleId: string;
  severity: Severity;
  category: Category;
  message: string;
  fix?: string;
  related?: (JsonLocation & { message: string })[];
}

export type JsonFileEntry =
  | { file: string; status: 'checked'; format?: string; family?: string; counts: SeverityCounts }
  | { file: string; status: 'unreadable'; error: string };

export interface JsonReport {
  tool: { name: string; version: string };
  files: JsonFileEntry[];
  findings: JsonFinding[];
  summary: {
    problems: number;
    counts: SeverityCounts;
    filesChecked: number;
    filesUnreadable: number;
  };
}

export function toJsonReport(reports: readonly FileReport[], tool: { name: string; version: string }): JsonReport {
  const files: JsonFileEntry[] = [];
  const findings: JsonFinding[] = [];
  for (const report of reports) {
    if (report.status === 'unreadable') {
      files.push({ file: report.file, status: 'unreadable', error: report.error });
      continue;
    }
    const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
    for (const finding of [...report.findings].sort(compareFindings)) {
      counts[finding.severity]++;
      findings.push({
        ruleId: finding.ruleId,
        severity: finding.severity,
        category: finding.category,
        message: finding.message,
        ...(finding.fix === undefined ? {} : { fix: finding.fix }),
        ...location(report.file, finding.span),
        ...(finding.related && finding.related.length > 0
          ? { related: finding.related.map((r) => ({ message: r.message, ...location(report.file, r.span) })) }
          : {}),
      });
    }
    files.push({
      file: report.file,
      status: 'checked',
      ...(report.format ? { format: report.format } : {}),
      ...(report.family ? { family: report.family } : {}),
      counts,
    });
  }
  const summary = summarize(reports);
  return {
    tool: { name: tool.name, version: tool.version },
    files,
    findings,
    summary: {
      problems: summary.problems,
      counts: { error: summary.error, warning: summary.warning, info: summary.info },
      filesChecked: summary.filesChecked,
      filesUnreadable: summary.filesUnreadable,
    },
  };
}

function location(file: string, span: Span): JsonLocation {
  return { file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

export const formatJson: Formatter = (reports, options) => stringifyJson(toJsonReport(reports, options.tool), 2) + '\n';
