/** `iptlint rules --format json`; shape in `schemas/rules.schema.json`. */
import type { Category, RuleMeta, Severity } from '../engine/types.js';

export interface JsonRuleEntry {
  id: string;
  severity: Severity;
  category: Category;
  description: string;
  rationale: string;
  /** Path of the rule's page in the repository. */
  docs: string;
}

export interface JsonRuleList {
  tool: { name: string; version: string };
  rules: JsonRuleEntry[];
}

export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

export function toRuleListJson(rules: readonly RuleMeta[], tool: { name: string; version: string }): JsonRuleList {
  return {
    tool: { name: tool.name, version: tool.version },
    rules: rules.map((meta) => ({
      id: meta.id,
      severity: meta.severity,
      category: meta.category,
      description: meta.docs.description,
      rationale: meta.docs.rationale,
      docs: ruleDocsPath(meta.id),
    })),
  };
}

export function formatRuleListJson(rules: readonly RuleMeta[], tool: { name: string; version: string }): string {
  return JSON.stringify(toRuleListJson(rules, tool), null, 2) + '\n';
}
