import type { Severity } from '../engine/types.js';

export const ExitCode = {
  /** Nothing at or above `--fail-on`. */
  ok: 0,
  /** Findings at or above `--fail-on`. */
  findings: 1,
  /** Usage error, unreadable input, syntax errors, internal error. */
  failure: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type FailOn = Severity | 'never';

export const failOnChoices: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function reachesThreshold(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && rank[severity] >= rank[failOn];
}

