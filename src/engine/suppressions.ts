/**
 * Inline suppressions: comment lines in a dump that silence findings.
 *
 *   # iptlint-disable-next-line RULE[, RULE…] -- reason
 *   # iptlint-disable RULE[, RULE…] -- reason
 *   # iptlint-enable RULE[, RULE…]
 *
 * `disable-next-line` covers the next line that is neither a comment nor
 * blank (so several directives can stack above one rule); `disable` covers
 * every line after it up to the `enable` that names the same rule, or to
 * the end of the file. Without RULE a directive covers every rule; a bare
 * `enable` ends every open `disable`. Suppressions match a finding by the
 * line it starts on.
 *
 * The pass then reports its own problems: a directive (or one of its rules)
 * that suppressed nothing (`unused-suppression`), an unknown directive or
 * rule id, or an `enable` with no matching `disable` (`invalid-suppression`),
 * and, when enabled, a directive without `-- reason`
 * (`suppression-without-reason`). These cannot themselves be suppressed
 * inline; configure their severity instead.
 */
import type { CommentLine, ParseResult, Span } from '../../grammar/ast.js';
import { closestNames } from '../../grammar/suggest.js';
import { SUPPRESSION_CHECKS } from './finding-ids.js';
import type { Finding, LintOptions, Severity } from './types.js';

const ALL = '*';
const DIRECTIVE = /^\s*iptlint-([A-Za-z-]*)(.*)$/;
const KINDS = ['disable-next-line', 'disable', 'enable'] as const;
type DirectiveKind = (typeof KINDS)[number];

interface Directive {
  kind: DirectiveKind;
  /** Rule ids as written, or [ALL] when none is named. */
  rules: string[];
  reason: string;
  span: Span;
}

/** One rule of one directive, over a range of lines (inclusive). */
interface Suppression {
  directive: Directive;
  rule: string;
  from: number;
  to: number;
  used: boolean;
}

export interface SuppressionOptions {
  /** Every rule id a directive may name (rules, syntax codes…). */
  knownRuleIds: Iterable<string>;
  /** Configured severities: also for the suppression checks themselves, and rules turned `off`. */
  severity?: LintOptions['severity'];
}

/** The findings that no directive suppresses, plus the directives' own problems. */
export function applySuppressions(findings: readonly Finding[], result: ParseResult, options: SuppressionOptions): Finding[] {
  const known = new Set(options.knownRuleIds);
  const report = reporter(result.file, options.severity);
  const { suppressions, problems } = collectSuppressions(result, known, report);
  if (suppressions.length === 0 && problems.length === 0) return [...findings];

  const kept = findings.filter((finding) => {
    const line = finding.span.line;
    const matching = suppressions.filter((entry) => line >= entry.from && line <= entry.to && (entry.rule === ALL || entry.rule === finding.ruleId));
    for (const entry of matching) entry.used = true;
    return matching.length === 0;
  });
  return [...kept, ...problems, ...unusedProblems(suppressions, options.severity, report)];
}

type Report = (ruleId: string, message: string, span: Span, fix: string) => Finding | undefined;

function reporter(file: string, severities: LintOptions['severity']): Report {
  return (ruleId, message, span, fix) => {
    const severity = severities?.[ruleId] ?? SUPPRESSION_CHECKS[ruleId] ?? 'warning';
    if (severity === 'off') return undefined;
    return { ruleId, severity: severity satisfies Severity, category: 'structure', message, fix, file, span };
  };
}

function collectSuppressions(result: ParseResult, known: ReadonlySet<string>, report: Report): { suppressions: Suppression[]; problems: Finding[] } {
  const suppressions: Suppression[] = [];
  const problems: Finding[] = [];
  const add = (finding: Finding | undefined) => void (finding && problems.push(finding));
  const statements = result.statements;
  const open: Suppression[] = [];
  statements.forEach((statement, index) => {
    if (statement.kind !== 'comment') return;
    const parsed = parseDirective(statement);
    if (parsed === undefined) return;
    if (typeof parsed === 'string') {
      add(report('invalid-suppression', parsed, statement.span, `write iptlint-disable-next-line, iptlint-disable or iptlint-enable, or delete line ${statement.span.line}`));
      return;
    }
    const directive = { ...parsed, rules: parsed.rules.filter((rule) => rule === ALL || known.has(rule)) };
    for (const rule of parsed.rules) {
      if (rule === ALL || known.has(rule)) continue;
      const close = closestNames(rule, known);
      const hint = close.length > 0 ? `did you mean ${close.join(', ')}?` : "run 'iptlint rules' for the rule ids";
      add(report('invalid-suppression', `iptlint-${parsed.kind} names unknown rule "${rule}", so it suppresses nothing for it`, statement.span, `fix the rule id (${hint})`));
    }
    if (directive.kind !== 'enable' && directive.reason === '') {
      add(report('suppression-without-reason', `iptlint-${directive.kind} without a reason`, statement.span, `add why the finding is accepted after " -- ", e.g. "# iptlint-${directive.kind} ${parsed.rules.join(', ').replace(ALL, '').trim() || 'RULE'} -- managed by fail2ban"`));
    }
    switch (directive.kind) {
      case 'disable-next-line': {
        const target = nextCodeLine(statements, index);
        if (target === undefined) {
          add(report('unused-suppression', 'iptlint-disable-next-line is not followed by any rule line', statement.span, `delete line ${statement.span.line}`));
          return;
        }
        for (const rule of directive.rules) suppressions.push({ directive, rule, from: target, to: target, used: false });
        return;
      }
      case 'disable':
        for (const rule of directive.rules) {
          const entry = { directive, rule, from: statement.span.line + 1, to: Number.POSITIVE_INFINITY, used: false };
          suppressions.push(entry);
          open.push(entry);
        }
        return;
      case 'enable':
        for (const rule of directive.rules) {
          const closing = open.filter((entry) => rule === ALL || entry.rule === rule);
          if (closing.length === 0) {
            const named = rule === ALL ? '' : ` ${rule}`;
            add(report('invalid-suppression', `iptlint-enable${named} matches no earlier iptlint-disable${named}`, statement.span, `delete line ${statement.span.line}, or name the rule its iptlint-disable names`));
          }
          for (const entry of closing) {
            entry.to = statement.span.line - 1;
            open.splice(open.indexOf(entry), 1);
          }
        }
        return;
    }
  });
  return { suppressions, problems };
}

/** A directive, an error message for a malformed `iptlint-…` comment, or undefined for an ordinary comment. */
function parseDirective(comment: CommentLine): Directive | string | undefined {
  const match = DIRECTIVE.exec(comment.text);
  if (!match) return undefined;
  const word = match[1] ?? '';
  const rest = match[2] ?? '';
  const kind = KINDS.find((candidate) => candidate === word);
  if (!kind || (rest !== '' && !/^\s/.test(rest))) {
    const close = closestNames(word, KINDS);
    return `unknown directive "iptlint-${word}${rest.split(/\s/)[0] ?? ''}"${close.length > 0 ? `: did you mean iptlint-${close[0] ?? ''}?` : ''}`;
  }
  const separator = /(?:^|\s)--(?:\s|$)/.exec(rest);
  const list = separator ? rest.slice(0, separator.index) : rest;
  const reason = separator ? rest.slice(separator.index + separator[0].length).trim() : '';
  const rules = list.split(/[\s,]+/).filter((rule) => rule !== '');
  return { kind, rules: rules.length > 0 ? rules : [ALL], reason, span: comment.span };
}

function nextCodeLine(statements: ParseResult['statements'], index: number): number | undefined {
  for (let next = index + 1; next < statements.length; next++) {
    const statement = statements[next];
    if (statement && statement.kind !== 'comment' && statement.kind !== 'blank') return statement.span.line;
  }
  return undefined;
}

/** One finding per directive with rules that suppressed nothing (rules turned off by the configuration excepted). */
function unusedProblems(suppressions: readonly Suppression[], severities: LintOptions['severity'], report: Report): Finding[] {
  const byDirective = new Map<Directive, Suppression[]>();
  for (const entry of suppressions) byDirective.set(entry.directive, [...(byDirective.get(entry.directive) ?? []), entry]);
  const problems: Finding[] = [];
  for (const [directive, entries] of byDirective) {
    const unused = entries.filter((entry) => !entry.used && severities?.[entry.rule] !== 'off');
    if (unused.length === 0) continue;
    const line = directive.span.line;
    const scope = directive.kind === 'disable-next-line' ? `line ${entries[0]?.from ?? line + 1}` : 'the lines it covers';
    const everything = unused.length === entries.length;
    const names = unused.map((entry) => entry.rule).filter((rule) => rule !== ALL);
    const what = names.length === 0 ? 'no finding' : `no ${names.join(' or ')} finding`;
    const message = `iptlint-${directive.kind} suppresses nothing${everything ? '' : ` for ${names.join(', ')}`}: ${what} on ${scope}`;
    const fix = everything ? `delete line ${line}` : `remove ${names.join(', ')} from the directive on line ${line}`;
    const finding = report('unused-suppression', message, directive.span, fix);
    if (finding) problems.push(finding);
  }
  return problems;
}
