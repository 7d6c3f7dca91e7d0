/**
 * Contract between the rules engine, rule modules in `rules/` and formatters.
 */
import type { Span } from '../../grammar/ast.js';
import type { Model } from '../model/types.js';

export type Severity = 'error' | 'warning' | 'info';

/** `internal`: a lint rule crashed (a bug in iptlint, not in the dump). */
export type Category = 'syntax' | 'structure' | 'correctness' | 'redundancy' | 'deprecation' | 'docker' | 'security' | 'internal';

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

/** A JSON Schema (draft 2020-12 subset that ajv understands), as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One option a rule accepts in the configuration (`rules.<id>.options.<name>`). */
export interface RuleOptionSpec {
  /** JSON Schema of the value; a config file is validated against it. */
  schema: JsonSchema;
  /** The value when the configuration does not set it. */
  default: unknown;
  /** What the option changes, for docs/rules and `iptlint rules`. */
  description: string;
}

export interface RuleMeta {
  /** Kebab-case id, e.g. `undefined-jump-target`. */
  id: string;
  severity: Severity;
  category: Category;
  docs: RuleDocs;
  /** Options the rule takes, by name (camelCase); `RuleContext.options` holds their values. */
  options?: Readonly<Record<string, RuleOptionSpec>>;
}

/** Option values by option name, already validated against the rule's `meta.options`. */
export type RuleOptionValues = Readonly<Record<string, unknown>>;

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

/**
 * Inputs beyond the dump that some rules use (the Docker audit reads Docker's
 * own state). Opaque to the engine: it only passes them through.
 */
export interface LintInputs {
  docker?: unknown;
}

export interface RuleContext {
  model: Model;
  file: string;
  inputs: LintInputs;
  /** The rule's options: each `meta.options` entry's configured value, or its default. */
  options: RuleOptionValues;
  /**
   * Computes a shared analysis once per lint run (e.g. the Docker network
   * inventory many Docker rules need) and returns the cached value afterwards.
   */
  memo<T>(key: string, compute: () => T): T;
  /** Report a finding at a span; severity/category default to the rule's meta. */
  report(finding: { message: string; span: Span; fix?: string; related?: { message: string; span: Span }[]; severity?: Severity }): void;
}

export interface LintRule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export interface LintOptions {
  /** Rules to run; default: every rule in `rules/`. */
  rules?: readonly LintRule[];
  /** Per rule id (or parse error code): a different severity, or `off` to drop its findings. */
  severity?: Readonly<Record<string, Severity | 'off'>>;
  /** Per rule id: option values (validated against the rule's `meta.options`; unset options take their default). */
  ruleOptions?: Readonly<Record<string, RuleOptionValues>>;
  /** Extra inputs passed through to rules (`RuleContext.inputs`). */
  inputs?: LintInputs;
  /**
   * Where `RuleContext.memo` keeps shared analyses; pass a map to read them
   * after linting (e.g. the Docker analysis) instead of computing them again.
   */
  analyses?: Map<string, unknown>;
  /** Called after each rule's check with the milliseconds it took (`check --timing`). */
  timeRule?: (ruleId: string, milliseconds: number) => void;
}
