/**
 * Every rule id a finding can carry besides the lint rules' own: the
 * parser's syntax codes, the suppression pass's checks, the engine's
 * internal error, the packet model's reach/* and the live scan's findings.
 * Config files and suppression directives may name any of them;
 * test/config/finding-ids.test.ts keeps SYNTAX_CODES in step with the codes
 * the grammar emits.
 */
import { BOTH_BACKENDS_RULE } from '../live/rulesets.js';
import { REACH_RULES } from '../packet/reach-findings.js';
import type { Severity } from './types.js';

/** What each parse error means, in one line; the message of each error says the details. */
export const SYNTAX_CODES: Readonly<Record<string, string>> = {
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

/** The suppression pass's own checks and their default severities (`off`: opt-in). */
export const SUPPRESSION_CHECKS: Readonly<Record<string, Severity | 'off'>> = {
  'unused-suppression': 'warning',
  'invalid-suppression': 'warning',
  'suppression-without-reason': 'off',
};

/** What each suppression check reports, in one line. */
export const SUPPRESSION_CHECK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'unused-suppression': 'an `iptlint-disable…` directive that suppresses no finding',
  'invalid-suppression': 'a suppression directive iptlint cannot apply: unknown directive or rule id, or an `iptlint-enable` without its `iptlint-disable`',
  'suppression-without-reason': 'a suppression directive that does not say why the finding is accepted (` -- reason`)',
};

/** Ids of findings that no rule module reports: the parser's, the suppression pass's, the packet model's (reach/*), the live scan's. */
export const ENGINE_FINDING_IDS: readonly string[] = [
  ...Object.keys(SYNTAX_CODES),
  ...Object.keys(SUPPRESSION_CHECKS),
  'internal-error',
  ...Object.keys(REACH_RULES),
  BOTH_BACKENDS_RULE,
];
