/**
 * Every rule id a report can carry, with what a CI system needs to show it:
 * the lint rules of `rules/`, the parse-error codes of the grammar
 * (`syntax/*`), the reachability findings of the packet model (`reach/*`),
 * the live scan's `live/*`, the suppression directives' own checks and
 * `internal-error` (a lint rule that crashed). SARIF lists them all in
 * `tool.driver.rules`, `iptlint rules` prints them; JUnit has a test case per
 * lint rule and file.
 */
import { allRules } from '../../rules/index.js';
import type { Category, RuleMeta, Severity } from '../engine/types.js';
import { SUPPRESSION_CHECK_DESCRIPTIONS, SUPPRESSION_CHECKS, SYNTAX_CODES } from '../engine/finding-ids.js';
import { BOTH_BACKENDS_RULE } from '../live/rulesets.js';
import { REACH_RULES } from '../packet/reach-findings.js';
import { ruleDocsPath } from './rule-list-json.js';

/** What reports findings under an id: a rule module, or another part of iptlint. */
export type FindingSource = 'rule' | 'parser' | 'packet-model' | 'live-scan' | 'suppressions' | 'engine';

export interface CatalogEntry {
  id: string;
  source: FindingSource;
  /** The severity when enabled; see `enabledByDefault`. */
  severity: Severity;
  /** False for the checks a config file must turn on; absent means on. */
  enabledByDefault?: false;
  category: Category;
  description: string;
  /** Lint rules only: rationale and examples, as on their docs page. */
  docs?: RuleMeta['docs'];
  /** Path of the rule's docs page in the repository, when it has one. */
  docsPath?: string;
}

const INTERNAL_ERROR: CatalogEntry = {
  id: 'internal-error',
  source: 'engine',
  severity: 'error',
  category: 'internal',
  description: 'a lint rule crashed, so its findings are missing (a bug in iptlint, not in the dump)',
};

const LIVE_ENTRIES: readonly CatalogEntry[] = [
  {
    id: BOTH_BACKENDS_RULE,
    source: 'live-scan',
    severity: 'warning',
    category: 'security',
    description: 'the host has rules in both the legacy and the nft backend, and each tool sees only one of them',
  },
];

/** The suppression checks; one that is off by default has a warning's level when a config turns it on. */
const SUPPRESSION_ENTRIES: readonly CatalogEntry[] = Object.entries(SUPPRESSION_CHECKS).map(([id, severity]) => ({
  id,
  source: 'suppressions',
  ...(severity === 'off' ? { severity: 'warning', enabledByDefault: false } : { severity }),
  category: 'structure',
  description: SUPPRESSION_CHECK_DESCRIPTIONS[id] ?? id,
}));

function lintEntry(meta: RuleMeta): CatalogEntry {
  return {
    id: meta.id,
    source: 'rule',
    severity: meta.severity,
    category: meta.category,
    description: meta.docs.description,
    docs: meta.docs,
    docsPath: ruleDocsPath(meta.id),
  };
}

/** Lint rules sorted by id, then syntax codes, reach ids, the live scan's, the suppression checks and internal-error. */
export function ruleCatalog(): CatalogEntry[] {
  const lint = allRules.map((rule) => lintEntry(rule.meta)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const syntax = Object.entries(SYNTAX_CODES).map(
    ([id, description]): CatalogEntry => ({ id, source: 'parser', severity: 'error', category: 'syntax', description }),
  );
  const reach = Object.entries(REACH_RULES).map(
    ([id, rule]): CatalogEntry => ({ id, source: 'packet-model', severity: rule.severity, category: 'security', description: rule.description, docsPath: ruleDocsPath(id) }),
  );
  return [...lint, ...syntax, ...reach, ...LIVE_ENTRIES, ...SUPPRESSION_ENTRIES, INTERNAL_ERROR];
}

/** The lint rules alone (JUnit's test cases per file). */
export function lintRuleIds(): string[] {
  return allRules.map((rule) => rule.meta.id).sort();
}
