/**
 * Every rule id a report can carry, with what a CI system needs to show it:
 * the lint rules of `rules/`, the parse-error codes of the grammar
 * (`syntax/*`), the reachability findings of the packet model (`reach/*`)
 * and `internal-error` (a lint rule that crashed). SARIF lists them all in
 * `tool.driver.rules`; JUnit has a test case per lint rule and file.
 */
import { allRules } from '../../rules/index.js';
import type { Category, RuleMeta, Severity } from '../engine/types.js';
import { REACH_RULES } from '../packet/reach-findings.js';
import { ruleDocsPath } from './rule-list-json.js';

export interface CatalogEntry {
  id: string;
  severity: Severity;
  category: Category;
  description: string;
  /** Lint rules only: rationale and examples, as on their docs page. */
  docs?: RuleMeta['docs'];
  /** Path of the rule's docs page in the repository, when it has one. */
  docsPath?: string;
}

/** What each parse error means, in one line; the message of each error says the details. */
const SYNTAX_CODES: Readonly<Record<string, string>> = {
  'syntax/ambiguous-option': 'an abbreviated option matches more than one option of the extension',
  'syntax/bad-chain-line': 'a chain declaration (`:CHAIN POLICY [packets:bytes]`) lacks its name or policy',
  'syntax/bad-counters': 'packet and byte counters that are not numbers',
  'syntax/bad-rule-number': 'a rule number that is not a positive integer',
  'syntax/binary': 'a line with NUL or other control bytes: not iptables-save text',
  'syntax/binary-input': 'the input is binary data, not an iptables-save or iptables -S dump',
  'syntax/blank-with-spaces': 'a line of only blanks, which iptables-restore rejects',
  'syntax/bom': 'a UTF-8 byte order mark at the start, which iptables-restore reads as part of the first line',
  'syntax/commit-outside-table': '`COMMIT` without an open table',
  'syntax/commit-trailing-blank': '`COMMIT` followed by blanks, which iptables-restore does not recognise',
  'syntax/conflicting-family': 'a line marked both `-4` and `-6`',
  'syntax/crlf': 'CRLF line endings, which iptables-restore does not accept',
  'syntax/dangling-negation': '`!` with no option after it',
  'syntax/double-negation': 'an option negated more than once',
  'syntax/duplicate-option': 'an option given twice in one rule',
  'syntax/empty': 'an input with no table and no rule',
  'syntax/end-of-options': '`--` in a rule, after which iptables rejects every word',
  'syntax/line-too-long': "a line longer than iptables-restore's line buffer",
  'syntax/missing-argument': 'an option or command without the value it needs',
  'syntax/missing-commit': 'a table that is never committed',
  'syntax/missing-table-name': '`*` without a table name',
  'syntax/multiple-commands': 'more than one command (`-A`, `-I`, `-P`…) on one line',
  'syntax/multiple-targets': 'more than one `-j`/`-g` in one rule',
  'syntax/negation-not-allowed': '`!` before an option that cannot be negated',
  'syntax/nested-table': 'a `*table` line while another table is still open',
  'syntax/no-command': 'a rule line that does not start with a command such as `-A CHAIN`',
  'syntax/option-not-allowed': 'an option the command cannot take (e.g. a match with `-P`)',
  'syntax/outside-table': 'a chain or rule line before any `*table` line',
  'syntax/table-option': '`-t` in a ruleset file, where the table comes from the `*table` line',
  'syntax/too-many-words': 'a rule with more words than iptables-restore can parse',
  'syntax/unexpected-argument': 'a value after an option that takes none',
  'syntax/unexpected-in-list': 'an iptables-save line (`*table`, `:CHAIN`, `COMMIT`) in an `iptables -S` listing',
  'syntax/unexpected-word': 'a word where an option was expected',
  'syntax/unknown-option': 'an option that neither iptables nor the loaded extensions know',
  'syntax/unknown-table': 'a table name netfilter does not have',
  'syntax/unsupported-option': 'an option that has no place in a ruleset file',
  'syntax/unterminated-quote': 'a quote that is never closed',
  'syntax/word-too-long': 'a word longer than iptables-restore accepts',
};

const INTERNAL_ERROR: CatalogEntry = {
  id: 'internal-error',
  severity: 'error',
  category: 'internal',
  description: 'a lint rule crashed, so its findings are missing (a bug in iptlint, not in the dump)',
};

function lintEntry(meta: RuleMeta): CatalogEntry {
  return {
    id: meta.id,
    severity: meta.severity,
    category: meta.category,
    description: meta.docs.description,
    docs: meta.docs,
    docsPath: ruleDocsPath(meta.id),
  };
}

/** Lint rules sorted by id, then syntax codes, reach ids and internal-error. */
export function ruleCatalog(): CatalogEntry[] {
  const lint = allRules.map((rule) => lintEntry(rule.meta)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const syntax = Object.entries(SYNTAX_CODES).map(
    ([id, description]): CatalogEntry => ({ id, severity: 'error', category: 'syntax', description }),
  );
  const reach = Object.entries(REACH_RULES).map(
    ([id, rule]): CatalogEntry => ({ id, severity: rule.severity, category: 'security', description: rule.description }),
  );
  return [...lint, ...syntax, ...reach, INTERNAL_ERROR];
}

/** The lint rules alone (JUnit's test cases per file). */
export function lintRuleIds(): string[] {
  return allRules.map((rule) => rule.meta.id).sort();
}
