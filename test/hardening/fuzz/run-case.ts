/**
 * One fuzz case through iptlint, the way a user would feed it: through the
 * API (decode → parse → model → every lint rule → every formatter, and
 * parse∘print) and, when asked, through the CLI's `main()` with the bytes on
 * stdin. Returns the broken promises, not a boolean, so a failing case says
 * what went wrong.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Span } from '../../../grammar/ast.js';
import { parse, print } from '../../../grammar/index.js';
import { decodeDump } from '../../../src/cli/decode.js';
import { lintPrepared, prepareInput } from '../../../src/cli/lint-input.js';
import { main } from '../../../src/cli/main.js';
import { sourceLines } from '../../../src/engine/source-lines.js';
import type { Finding } from '../../../src/engine/types.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../../../src/input-limit.js';
import { formatterNames, formatters } from '../../../src/formatters/index.js';

export interface CaseOutcome {
  /** Broken promises (crash, internal error, finding outside the input…); empty when the case passed. */
  problems: string[];
  /** Set when the case took longer than timeBudgetMs() for its size. */
  overBudget?: string;
  milliseconds: number;
  bytes: number;
  findings: number;
}

const TOOL = { name: 'iptlint', version: 'fuzz' };

/** Passes over the input of a case with every option: API with every formatter, reprint, CLI check, CLI fmt. */
export const MAX_PASSES = 4;

/**
 * How many times slower than unloaded the machine is now: the 1-minute load
 * average per core, at least 1. Fuzz runs share their machine; a budget that
 * ignores the load is either too tight under load or too loose without it.
 */
export function loadFactor(): number {
  return Math.max(1, (loadavg()[0] ?? 0) / availableParallelism());
}

/**
 * Time allowed for one case: per pass over the input 250 ms plus 2 ms per KB,
 * plus 1 ms per finding (every formatter renders each one), times the load
 * factor. Measured warm and unloaded: at most about 0.4 ms per KB and pass on
 * the largest generated inputs (3–14 MB), about 100 ms per pass for small ones,
 * and 0.27 ms per finding (a 28 KB input with 1,696 findings); the budget is 2–5
 * times that, so a case over it did work that grows faster than its input.
 */
export function timeBudgetMs(bytes: number, passes: number, findings: number, load = loadFactor()): number {
  return (passes * (250 + 2 * (bytes / 1024)) + findings) * load;
}

function spanProblem(span: Span, lines: readonly string[], offsets: readonly number[]): string | undefined {
  const { line, column, endLine, endColumn, offset } = span;
  const at = `${line}:${column}-${endLine}:${endColumn}@${offset}`;
  if (![line, column, endLine, endColumn, offset].every(Number.isSafeInteger)) return `non-integer span ${at}`;
  if (line < 1 || line > lines.length || endLine < line || endLine > lines.length) return `span ${at} outside lines 1..${lines.length}`;
  const first = lines[line - 1] as string;
  const last = lines[endLine - 1] as string;
  if (column < 1 || column > first.length + 1) return `span ${at} starts outside line ${line} (length ${first.length})`;
  if (endColumn < 1 || endColumn > last.length + 1 || (endLine === line && endColumn < column)) return `span ${at} ends outside line ${endLine} (length ${last.length})`;
  if (offset !== (offsets[line - 1] as number) + column - 1) return `span ${at}: offset does not match line:column`;
  return undefined;
}

/** Where each line starts in the text; line 1 after a BOM, which is not a column (src/engine/source-lines.ts). */
function lineOffsets(lines: readonly string[], bom: boolean): number[] {
  const offsets: number[] = [];
  let at = bom ? 1 : 0;
  for (const line of lines) {
    offsets.push(at);
    at += line.length + 1;
  }
  return offsets;
}

function findingProblems(findings: readonly Finding[], file: string, text: string): string[] {
  const lines = sourceLines(text);
  const offsets = lineOffsets(lines, text.charCodeAt(0) === 0xfeff);
  const problems: string[] = [];
  for (const finding of findings) {
    // The one finding about the BOM itself points at it: offset 0, shown at 1:1.
    if (finding.ruleId === 'syntax/bom' && finding.span.offset === 0 && finding.span.line === 1 && finding.span.column === 1) continue;
    if (finding.ruleId.startsWith('internal')) problems.push(`${finding.ruleId} at ${finding.span.line}:${finding.span.column}: ${finding.message}`);
    if (finding.file !== file) problems.push(`${finding.ruleId}: file ${JSON.stringify(finding.file)} instead of ${JSON.stringify(file)}`);
    for (const span of [finding.span, ...(finding.related ?? []).map((related) => related.span)]) {
      const problem = spanProblem(span, lines, offsets);
      if (problem) problems.push(`${finding.ruleId}: ${problem}`);
    }
  }
  return problems;
}

export interface CaseOptions {
  /** Also run `check` and `fmt` through the CLI's main() with the bytes on stdin. */
  cli: boolean;
  /** Also check that printing is idempotent (print∘parse∘print∘parse = print∘parse). */
  reprint: boolean;
  /** Told the number of findings as soon as the input is linted (the fuzz watchdog's budget depends on it). */
  onLinted?: (findings: number) => void;
}

function apiProblems(file: string, bytes: Uint8Array, options: CaseOptions): { problems: string[]; findings: number } {
  const text = decodeDump(bytes);
  const prepared = prepareInput(file, text, { inputFormat: 'auto', maxInputBytes: DEFAULT_MAX_INPUT_BYTES });
  const linted = lintPrepared(prepared, undefined);
  options.onLinted?.(linted.findings.length);
  const problems = findingProblems(linted.findings, file, text);
  const reports = [{ status: 'checked' as const, file, source: text, findings: linted.findings }];
  for (const name of formatterNames) {
    const output = formatters[name](reports, { color: name === 'stylish', tool: TOOL });
    if (name === 'github') {
      // One workflow command per finding, and none for a clean file (README, Output formats).
      const commands = output === '' ? 0 : output.split('\n').length - 1;
      if (commands !== linted.findings.length) problems.push(`formatter github printed ${commands} commands for ${linted.findings.length} findings`);
    } else if (output.length === 0) problems.push(`formatter ${name} printed nothing`);
  }
  JSON.parse(formatters.json(reports, { color: false, tool: TOOL }));
  if (options.reprint && prepared.kind === 'parsed') {
    const once = print(prepared.parse);
    const twice = print(parse(once, { file }));
    if (twice !== once) problems.push('print(parse(print(parse(x)))) differs from print(parse(x))');
  }
  return { problems, findings: linted.findings.length };
}

async function cliProblems(bytes: Uint8Array): Promise<string[]> {
  const problems: string[] = [];
  for (const argv of [['check', '--format', 'json', '-'], ['fmt', '-']]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      stdinChunks: () => [bytes],
      stdinIsTTY: false,
      cwd: process.cwd(),
      colorByDefault: false,
    });
    const command = argv.join(' ');
    if (![0, 1, 2].includes(code)) problems.push(`${command}: exit code ${code}`);
    if (/internal error|please report/.test(stderr)) problems.push(`${command}: ${stderr.trim().slice(0, 300)}`);
    if (argv[0] === 'check') {
      try {
        JSON.parse(stdout);
      } catch {
        problems.push(`${command}: stdout is not JSON`);
      }
    }
  }
  return problems;
}

export async function runCase(file: string, bytes: Uint8Array, options: CaseOptions): Promise<CaseOutcome> {
  const started = performance.now();
  const problems: string[] = [];
  let findings = 0;
  try {
    const api = apiProblems(file, bytes, options);
    problems.push(...api.problems);
    findings = api.findings;
    if (options.cli) problems.push(...(await cliProblems(bytes)));
  } catch (error) {
    problems.push(`threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  const milliseconds = performance.now() - started;
  const outcome: CaseOutcome = { problems, milliseconds, bytes: bytes.length, findings };
  const load = loadFactor();
  const budget = timeBudgetMs(bytes.length, 1 + (options.reprint ? 1 : 0) + (options.cli ? 2 : 0), findings, load);
  if (milliseconds > budget) {
    outcome.overBudget = `took ${milliseconds.toFixed(0)} ms for ${bytes.length} bytes (budget ${budget.toFixed(0)} ms at load factor ${load.toFixed(1)})`;
  }
  return outcome;
}
