/**
 * Contract between the rules engine, rule modules in `rules/` and formatters.
 */
import type { Span } from '../../grammar/ast.js';
import type { Model } from '../model/types.js';

export type Severity = 'error' | 'warning' | 'info';

export type Category = 'syntax' | 'structure' | 'correctness' | 'redundancy' | 'deprecation' | 'docker' | 'security';

export interface RuleDocs {
  /** One line: what the rule checks. */
  description: string;
  /** Why it matters (a short paragraph). */
  rationale: string;
  /** A dump that triggers the rule. */
  bad: string;
  /** The same dump fixed. */
  good: string;
}

export interface RuleMeta {
  /** Kebab-case id, e.g. `undefined-jump-target`. */
  id: string;
  severity: Severity;
  category: Category;
  docs: RuleDocs;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  category: Category;
  /** What is wrong, naming the chain/rule/network concerned. */
  message: string;
  /** How to fix it: the exact rule to add, delete or change where possible. */
  fix?: string;
  file: string;
  span: Span;
  /** Other places that explain the finding (the earlier rule that shadows this one…). */
  related?: { message: string; span: Span }[];
}

export interface RuleContext {
  model: Model;
  file: string;
  /** Report a finding at a span; severity/category default to the rule's meta. */
  report(finding: { message: string; span: Span; fix?: string; related?: { message: string; span: Span }[]; severity?: Severity }): void;
}

export interface LintRule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}
