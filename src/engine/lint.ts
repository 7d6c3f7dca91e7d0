/**
 * Runs lint rules over a model and turns parse errors into findings.
 */
import type { Family, ParseResult, Span } from '../../grammar/ast.js';
import { parse } from '../../grammar/index.js';
import { allRules } from '../../rules/index.js';
import { buildModel } from '../model/build.js';
import type { Model } from '../model/types.js';
import { ENGINE_FINDING_IDS } from './finding-ids.js';
import { resolveRuleOptions } from './rule-options.js';
import { applySuppressions } from './suppressions.js';
import type { Finding, LintOptions, LintRule, RuleContext, Severity } from './types.js';

const FILE_START: Span = { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0 };

export function lint(model: Model, options: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const memo = options.analyses ?? new Map<string, unknown>();
  const file = model.source.file;
  for (const rule of options.rules ?? allRules) {
    const severity = options.severity?.[rule.meta.id] ?? rule.meta.severity;
    if (severity === 'off') continue;
    const context = contextFor(rule, model, severity, options, memo, findings);
    const started = options.timeRule ? performance.now() : 0;
    try {
      rule.check(context);
    } catch (error) {
      findings.push(internalError(rule, file, error));
    }
    options.timeRule?.(rule.meta.id, performance.now() - started);
  }
  return sortFindings(findings);
}

function contextFor(rule: LintRule, model: Model, severity: Severity, options: LintOptions, memo: Map<string, unknown>, sink: Finding[]): RuleContext {
  const file = model.source.file;
  // A severity configured for the rule overrides the per-finding severity the rule chose.
  const configured = options.severity?.[rule.meta.id] !== undefined;
  return {
    model,
    file,
    inputs: options.inputs ?? {},
    options: resolveRuleOptions(rule.meta, options.ruleOptions?.[rule.meta.id]),
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
    report(report) {
      const finding: Finding = {
        ruleId: rule.meta.id,
        severity: configured ? severity : (report.severity ?? severity),
        category: rule.meta.category,
        message: report.message,
        file,
        span: report.span,
      };
      if (report.fix !== undefined) finding.fix = report.fix;
      if (report.related && report.related.length > 0) finding.related = report.related;
      sink.push(finding);
    },
  };
}

function internalError(rule: LintRule, file: string, error: unknown): Finding {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ruleId: 'internal-error',
    severity: 'error',
    category: 'internal',
    message: `lint rule "${rule.meta.id}" crashed and its findings are missing: ${reason}`,
    fix: `report this as an iptlint bug (rule ${rule.meta.id}); meanwhile disable the rule with severity "off"`,
    file,
    span: FILE_START,
  };
}

/** Parse errors as findings: ruleId is the error code, always an error of category syntax. */
export function parseErrorFindings(result: ParseResult): Finding[] {
  return result.errors.map((error) => {
    const finding: Finding = { ruleId: error.code, severity: 'error', category: 'syntax', message: error.message, file: result.file, span: error.span };
    if (error.expected !== undefined) finding.fix = `expected ${error.expected}`;
    return finding;
  });
}

export interface CheckTextOptions extends LintOptions {
  file?: string;
  format?: 'save' | 'list' | 'auto';
  table?: string;
  family?: Family;
}

/** Parse, build the model and lint in one go; parse errors come first in equal positions' sort order. */
export function checkText(text: string, options: CheckTextOptions = {}): { parse: ParseResult; model: Model; findings: Finding[] } {
  const parseOptions: Parameters<typeof parse>[1] = {};
  if (options.file !== undefined) parseOptions.file = options.file;
  if (options.format !== undefined) parseOptions.format = options.format;
  if (options.table !== undefined) parseOptions.table = options.table;
  if (options.family !== undefined) parseOptions.family = options.family;
  const result = parse(text, parseOptions);
  const model = buildModel(result);
  return { parse: result, model, findings: lintParsed(model, options) };
}

/**
 * The findings of one parsed dump: its syntax errors (with their configured
 * severities), the lint rules' findings, then the dump's inline suppressions
 * applied (src/engine/suppressions.ts).
 */
export function lintParsed(model: Model, options: LintOptions = {}): Finding[] {
  return suppressFindings(lintUnsuppressed(model, options), model, options);
}

/** lintParsed before the suppressions: for callers that add findings of their own (the packet model's) first. */
export function lintUnsuppressed(model: Model, options: LintOptions = {}): Finding[] {
  return [...withConfiguredSeverity(parseErrorFindings(model.source), options.severity), ...lint(model, options)];
}

/**
 * Findings that no lint rule reported (parse errors, the packet model's, a
 * binary input) with the severity configured for their id; `off` drops them.
 */
export function withConfiguredSeverity(findings: readonly Finding[], severity: LintOptions['severity']): Finding[] {
  if (!severity) return [...findings];
  return findings.flatMap((finding) => {
    const configured = severity[finding.ruleId];
    if (configured === 'off') return [];
    return [configured === undefined ? finding : { ...finding, severity: configured }];
  });
}

/** Applies the dump's inline suppressions to all of its findings, and sorts them. */
export function suppressFindings(findings: readonly Finding[], model: Model, options: LintOptions = {}): Finding[] {
  const ruleIds = (options.rules ?? allRules).map((rule) => rule.meta.id);
  const kept = applySuppressions(findings, model.source, {
    knownRuleIds: [...ruleIds, ...ENGINE_FINDING_IDS],
    ...(options.severity ? { severity: options.severity } : {}),
  });
  return sortFindings(kept);
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.span.line - b.span.line || a.span.column - b.span.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(compareFindings);
}
