/**
 * One decoded dump → findings. Binary data is refused before parsing; the
 * parser's syntax errors come back as findings beside the lint findings
 * (the valid parts of a dump are still linted).
 */
import type { DumpFormat, Family } from '../../grammar/ast.js';
import { checkText } from '../engine/lint.js';
import type { Finding } from '../engine/types.js';
import type { ParseSettings } from './args.js';
import { firstNul } from './decode.js';

export interface LintedInput {
  findings: Finding[];
  /** The dump could not be fully parsed: exit 2 whatever --fail-on says. */
  syntaxErrors: boolean;
  format?: DumpFormat;
  family?: Family;
}

export function lintInput(file: string, text: string, settings: ParseSettings): LintedInput {
  const binary = binaryInputFinding(file, text);
  if (binary) return { findings: [binary], syntaxErrors: true };
  const { inputFormat, table, family } = settings;
  const { parse, findings } = checkText(text, { file, format: inputFormat, table, family });
  return { findings, syntaxErrors: parse.errors.length > 0, format: parse.format, family: parse.family };
}

export function binaryInputFinding(file: string, text: string): Finding | undefined {
  const span = firstNul(text);
  if (!span) return undefined;
  return {
    ruleId: 'syntax/binary-input',
    severity: 'error',
    category: 'syntax',
    message: 'binary data (NUL byte): expected iptables-save or iptables -S text',
    fix: 'pass the text printed by iptables-save (or iptables -S), not a binary or compressed file',
    file,
    span,
  };
}
