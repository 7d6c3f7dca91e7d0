/**
 * Every rule id a finding can carry besides the lint rules' own: the
 * parser's syntax codes, the suppression pass's checks, the engine's
 * internal error, the packet model's reach/* and the live scan's findings. Config files and suppression directives may name any of
 * them; test/config/finding-ids.test.ts keeps SYNTAX_CODES in step with the
 * codes the grammar emits.
 */
import { BOTH_BACKENDS_RULE } from '../live/rulesets.js';
import { REACH_RULES } from '../packet/reach-findings.js';
import type { Severity } from './types.js';

export const SYNTAX_CODES: readonly string[] = [
  'syntax/ambiguous-option',
  'syntax/bad-chain-line',
  'syntax/bad-counters',
  'syntax/bad-rule-number',
  'syntax/binary',
  'syntax/binary-input',
  'syntax/blank-with-spaces',
  'syntax/bom',
  'syntax/commit-outside-table',
  'syntax/commit-trailing-blank',
  'syntax/conflicting-family',
  'syntax/crlf',
  'syntax/dangling-negation',
  'syntax/double-negation',
  'syntax/duplicate-option',
  'syntax/empty',
  'syntax/end-of-options',
  'syntax/line-too-long',
  'syntax/missing-argument',
  'syntax/missing-commit',
  'syntax/missing-table-name',
  'syntax/multiple-commands',
  'syntax/multiple-targets',
  'syntax/negation-not-allowed',
  'syntax/nested-table',
  'syntax/no-command',
  'syntax/option-not-allowed',
  'syntax/outside-table',
  'syntax/table-option',
  'syntax/too-many-words',
  'syntax/unexpected-argument',
  'syntax/unexpected-in-list',
  'syntax/unexpected-word',
  'syntax/unknown-option',
  'syntax/unknown-table',
  'syntax/unsupported-option',
  'syntax/unterminated-quote',
  'syntax/word-too-long',
];

/** The suppression pass's own checks and their default severities (`off`: opt-in). */
export const SUPPRESSION_CHECKS: Readonly<Record<string, Severity | 'off'>> = {
  'unused-suppression': 'warning',
  'invalid-suppression': 'warning',
  'suppression-without-reason': 'off',
};

/** Ids of findings that no rule module reports: the parser's, the suppression pass's, the packet model's (reach/*), the live scan's. */
export const ENGINE_FINDING_IDS: readonly string[] = [
  ...SYNTAX_CODES,
  ...Object.keys(SUPPRESSION_CHECKS),
  'internal-error',
  ...Object.keys(REACH_RULES),
  BOTH_BACKENDS_RULE,
];
