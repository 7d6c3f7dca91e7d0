/**
 * One decoded dump → findings, in two steps so that dumps given together can
 * see each other: `prepareInput` parses and builds the model of every dump
 * first; `lintPrepared` then lints each one, with Docker's state and the
 * other family's model (ip6tables-save beside iptables-save of one host).
 * Binary data is refused before parsing; the parser's syntax errors come back
 * as findings beside the lint findings (the valid parts are still linted).
 */
import type { DumpFormat, Family, ParseResult } from '../../grammar/ast.js';
import { parse } from '../../grammar/index.js';
import type { DockerInputs } from '../docker/types.js';
import { lintUnsuppressed, withConfiguredSeverity } from '../engine/lint.js';
import type { Finding, LintOptions } from '../engine/types.js';
import { buildModel } from '../model/build.js';
import type { Model } from '../model/types.js';
import type { ParseSettings } from './args.js';
import { firstNul } from './decode.js';
import { parseOptionsFor } from './parse-options.js';
import { timed, type Timings } from './timings.js';

export type PreparedInput =
  | { kind: 'binary'; file: string; finding: Finding }
  | { kind: 'parsed'; file: string; parse: ParseResult; model: Model };

export interface LintedInput {
  /** Syntax and lint findings, before the dump's inline suppressions (lint-pipeline applies them last). */
  findings: Finding[];
  /** The analyses the lint rules shared (see LintOptions.analyses), for later stages. */
  analyses: Map<string, unknown>;
  /** The dump could not be fully parsed: exit 2 whatever --fail-on says. */
  syntaxErrors: boolean;
  format?: DumpFormat;
  family?: Family;
}

/** `parsed`: the text's parse when it was made while the text was read (stdin). */
export function prepareInput(file: string, text: string, settings: ParseSettings, parsed?: ParseResult, timings?: Timings): PreparedInput {
  const binary = binaryInputFinding(file, text);
  if (binary) return { kind: 'binary', file, finding: binary };
  const result = parsed ?? timed(timings, 'parse', () => parse(text, parseOptionsFor(file, settings)));
  return { kind: 'parsed', file, parse: result, model: timed(timings, 'model', () => buildModel(result)) };
}

/** `options`: the configuration's severities and rule options for this file. */
export function lintPrepared(prepared: PreparedInput, docker: DockerInputs | undefined, options: Omit<LintOptions, 'inputs'> = {}): LintedInput {
  const analyses = new Map<string, unknown>();
  if (prepared.kind === 'binary') return { findings: withConfiguredSeverity([prepared.finding], options.severity), analyses, syntaxErrors: true };
  const { parse: result, model } = prepared;
  const findings = lintUnsuppressed(model, { ...options, analyses, ...(docker ? { inputs: { docker } } : {}) });
  return { findings, analyses, syntaxErrors: findings.some((finding) => finding.category === 'syntax'), format: result.format, family: result.family };
}

/** The first dump of the other address family, if several dumps were given together. */
export function companionOf(prepared: PreparedInput, all: readonly PreparedInput[]): Model | undefined {
  if (prepared.kind !== 'parsed') return undefined;
  const other = all.find((candidate) => candidate.kind === 'parsed' && candidate.parse.family !== prepared.parse.family);
  return other?.kind === 'parsed' ? other.model : undefined;
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
