/** `iptlint rules --format json`; shape in `schemas/rules.schema.json`. */
import type { Category, Severity } from '../engine/types.js';
import type { CatalogEntry, FindingSource } from './rule-catalog.js';

export interface JsonRuleEntry {
  id: string;
  severity: Severity;
  category: Category;
  description: string;
  rationale: string;
  /** Path of the rule's page in the repository. */
  docs: string;
}

/** A finding id that no rule module reports (`syntax/*`, `reach/*`, …). */
export interface JsonFindingEntry {
  id: string;
  source: Exclude<FindingSource, 'rule'>;
  /** `off`: reported only when a config file gives it a severity. */
  severity: Severity | 'off';
  category: Category;
  description: string;
  /** Path of its page in the repository, where it has one. */
  docs?: string;
}

export interface JsonRuleList {
  tool: { name: string; version: string };
  rules: JsonRuleEntry[];
  findings: JsonFindingEntry[];
}

export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** The severity a finding has unless a config file changes it. */
export function defaultSeverity(entry: CatalogEntry): Severity | 'off' {
  return entry.enabledByDefault === false ? 'off' : entry.severity;
}

export function toRuleListJson(catalog: readonly CatalogEntry[], tool: { name: string; version: string }): JsonRuleList {
  const rules: JsonRuleEntry[] = [];
  const findings: JsonFindingEntry[] = [];
  for (const entry of catalog) {
    const { id, category, description } = entry;
    if (entry.source === 'rule') {
      rules.push({ id, severity: entry.severity, category, description, rationale: entry.docs?.rationale ?? description, docs: entry.docsPath ?? ruleDocsPath(id) });
    } else {
      findings.push({ id, source: entry.source, severity: defaultSeverity(entry), category, description, ...(entry.docsPath === undefined ? {} : { docs: entry.docsPath }) });
    }
  }
  return { tool: { name: tool.name, version: tool.version }, rules, findings };
}

export function formatRuleListJson(catalog: readonly CatalogEntry[], tool: { name: string; version: string }): string {
  return JSON.stringify(toRuleListJson(catalog, tool), null, 2) + '\n';
}
